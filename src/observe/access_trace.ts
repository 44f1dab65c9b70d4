/**
 * What the access log and the request metrics need to know about one proxied request:
 * set by the proxy (start, route, status), the upstream (connection or balancer member,
 * bytes sent to the client) and the exchange (when the response ended, and how). It is
 * emitted once, when both the status and the end are known.
 * @module
 */

/**
 * How a response ended: `ok`; `aborted` (cut after the headers); `error` (the gateway or the
 * backend failed); `rejected` (the client's own request was refused: no route, bad framing).
 */
export type Outcome = "ok" | "aborted" | "error" | "rejected";

/** The finished record, as logged. */
export interface AccessRecord {
  requestId: string;
  method: string;
  path: string;
  route: string;
  connection: string | null;
  status: number;
  outcome: Outcome;
  /** Request body bytes read from the client. */
  bytesIn: number;
  /** Response body bytes sent to the client. */
  bytesOut: number;
  ttfbMs: number;
  totalMs: number;
  remoteAddr: string;
  /** Why the gateway answered with an error (not sent to the client); absent otherwise. */
  error?: string;
}

/** See module doc. */
export class AccessTrace {
  connection: string | null = null;
  bytesOut = 0;
  bytesIn = 0;
  route = "";
  private status: number | undefined;
  private ttfbMs = 0;
  private endedMs: number | undefined;
  private outcome: Outcome = "ok";
  private emitted = false;
  private error: string | undefined;
  private readonly started = performance.now();

  constructor(
    readonly requestId: string,
    private readonly method: string,
    private readonly path: string,
    private readonly remoteAddr: string,
    private readonly emit: (record: AccessRecord) => void,
  ) {}

  /** The response head is out (status known). */
  headers(status: number): void {
    this.status = status;
    this.ttfbMs = performance.now() - this.started;
    this.settle();
  }

  /**
   * The response ended (body complete, aborted, or failed; `error` says why it failed, for the
   * log). Later calls only add an `error` still missing (the exchange ends the trace before
   * the proxy, which knows the error, answers).
   */
  done(outcome: Outcome, error?: string): void {
    if (this.endedMs !== undefined) {
      this.error ??= error;
      return;
    }
    this.endedMs = performance.now() - this.started;
    this.outcome = outcome;
    this.error = error;
    this.settle();
  }

  private settle(): void {
    if (this.emitted || this.status === undefined || this.endedMs === undefined) return;
    this.emitted = true;
    this.emit({
      requestId: this.requestId,
      method: this.method,
      path: this.path,
      route: this.route,
      connection: this.connection,
      status: this.status,
      outcome: this.outcome,
      bytesIn: this.bytesIn,
      bytesOut: this.bytesOut,
      ttfbMs: Math.round(this.ttfbMs * 1000) / 1000,
      totalMs: Math.round(Math.max(this.endedMs, this.ttfbMs) * 1000) / 1000,
      remoteAddr: this.remoteAddr,
      ...(this.error === undefined ? {} : { error: this.error }),
    });
  }
}

/** Request ids: a random per-process prefix and a counter (unique, cheap, sortable). */
export function requestIdSource(): () => string {
  const prefix = crypto.randomUUID().slice(0, 8);
  let n = 0;
  return () => `${prefix}-${(++n).toString(36)}`;
}
