/**
 * A connection of type `proxy`: an HTTP or HTTPS backend at `protocol://host:port/path`,
 * with Basic credentials, reached with `fetch` over a client of its own. Streams both ways,
 * bounds the exchanges in flight (the sockets) by `max`, and has the same timeouts, state and
 * counters as an AJP connection. Client X-Forwarded-* are replaced by the gateway's own.
 * The reply timeout covers connecting and waiting for the response head. The backend sees
 * its own Host; the client's is in X-Forwarded-Host.
 * @module
 */
import { GatewayError, messageOf } from "../proxy/errors.ts";
import type { AccessTrace } from "../observe/access_trace.ts";
import { clientResponseHeaders, forwardableRequestHeaders } from "../proxy/header_rules.ts";
import { Health } from "../proxy/health.ts";
import { Semaphore } from "./semaphore.ts";
import {
  admit,
  type ConnectionLimits,
  type SocketStats,
  type Upstream,
  type UpstreamCounters,
  type UpstreamRequest,
  type UpstreamState,
} from "../proxy/upstream.ts";
import { hostLiteral, hostPort } from "../proxy/host_port.ts";

/** Settings of an HTTP(S) connection. */
export interface HttpUpstreamSettings extends ConnectionLimits {
  name: string;
  protocol: "http" | "https";
  host: string;
  port: number;
  /** Base path prepended to every backend path ("" or "/base", no trailing slash). */
  path: string;
  username: string | null;
  password: string | null;
}

/** See module doc. */
export class HttpUpstream implements Upstream {
  readonly counters: UpstreamCounters = { requests: 0, failures: 0, bytesIn: 0, bytesOut: 0 };
  private readonly client: Deno.HttpClient;
  private readonly semaphore: Semaphore;
  private readonly auth: string | null;
  private closed = false;
  private readonly health = new Health(
    () => this.probe(),
    () => {},
    () => this.settings.enabled,
  );

  /** `verify` (optional) refuses a backend address before each request; see backend_policy.ts. */
  constructor(
    readonly settings: HttpUpstreamSettings,
    private readonly verify?: (host: string, port: number) => Promise<void>,
  ) {
    this.client = Deno.createHttpClient({
      poolMaxIdlePerHost: settings.max ?? undefined,
      poolIdleTimeout: settings.idleTimeoutMs,
    });
    this.semaphore = new Semaphore(settings.name, settings.max, settings.acquireTimeoutMs);
    this.auth = settings.username !== null
      ? "Basic " + btoa(`${settings.username}:${settings.password ?? ""}`)
      : null;
  }

  get name(): string {
    return this.settings.name;
  }

  get enabled(): boolean {
    return this.settings.enabled;
  }

  get state(): UpstreamState {
    return this.health.state(this.settings.enabled);
  }

  get error() {
    return this.health.error;
  }

  get inFlight(): number {
    return this.semaphore.inUse;
  }

  poolStats(): SocketStats {
    return { idle: 0, busy: this.semaphore.inUse, waiting: this.semaphore.waiting };
  }

  sockets(): { idle: number; busy: number } {
    return { idle: 0, busy: this.semaphore.inUse };
  }

  markError(message: string): void {
    this.health.fail(message);
  }

  warmUp(): void {}

  setEnabled(enabled: boolean): void {
    this.settings.enabled = enabled;
    if (!enabled) this.health.cancel();
  }

  reset(): Promise<void> {
    return Promise.resolve();
  }

  close(): void {
    if (this.closed) return;
    this.health.stop();
    this.closed = true;
    // in-flight fetches keep the client alive; the last one to finish closes it
    if (this.semaphore.inUse === 0) this.client.close();
  }

  async send(req: UpstreamRequest): Promise<Response> {
    admit(this, req);
    const { protocol, host, port, path, name, replyTimeoutMs } = this.settings;
    this.counters.requests++;
    await this.semaphore.acquire();
    let released = false;
    const release = () => {
      if (!released) {
        released = true;
        this.semaphore.release();
        if (this.closed && this.semaphore.inUse === 0) this.client.close();
      }
    };
    const url = `${protocol}://${hostPort(host, port)}${path}${req.backendUri}` +
      (req.query === null ? "" : `?${req.query}`);
    const headers = this.requestHeaders(req);
    const abort = new AbortController();
    const onClientAbort = () => abort.abort(new GatewayError("client_aborted", "client went away"));
    const clientSignal = req.clientSignal?.();
    clientSignal?.addEventListener("abort", onClientAbort);
    const timer = setTimeout(
      () =>
        abort.abort(
          new GatewayError("timeout", `connection "${name}": no reply within ${replyTimeoutMs} ms`),
        ),
      replyTimeoutMs,
    );
    let res: Response;
    try {
      await this.verify?.(host, port);
      res = await fetch(
        url,
        {
          method: req.method,
          headers,
          body: req.bodyLength === 0 ? undefined : this.bodyStream(req),
          redirect: "manual",
          signal: abort.signal,
          client: this.client,
          duplex: "half",
        } as RequestInit & { client: Deno.HttpClient },
      );
    } catch (err) {
      release();
      this.counters.failures++;
      req.body.cancel(err);
      if (abort.signal.aborted && abort.signal.reason instanceof GatewayError) {
        throw abort.signal.reason;
      }
      const message = `connection "${name}": cannot reach ${protocol}://${host}:${port}: ${
        messageOf(err)
      }`;
      this.markError(message);
      throw new GatewayError("unavailable", message, { cause: err, retryAfter: 1 });
    } finally {
      clearTimeout(timer);
      clientSignal?.removeEventListener("abort", onClientAbort);
    }
    this.health.ok();
    // Headers iteration yields each Set-Cookie separately (Fetch standard).
    const out = clientResponseHeaders(res.headers, req.method === "HEAD");
    const trace = req.trace;
    if (!res.body) {
      release();
      trace?.done("ok");
      return new Response(null, { status: res.status, headers: out });
    }
    const finish = (outcome: "ok" | "error") => {
      release();
      if (trace) {
        trace.bytesIn = req.body.consumed;
        trace.done(outcome);
      }
    };
    return new Response(this.countedBody(res.body, finish, trace), {
      status: res.status,
      headers: out,
    });
  }

  /** Forwardable client headers plus the gateway's X-Forwarded-*, Host and credentials. */
  private requestHeaders(req: UpstreamRequest): Headers {
    const h = new Headers();
    for (const [k, v] of forwardableRequestHeaders(req.headers)) {
      if (k !== "set-cookie" && k !== "content-length") h.append(k, v);
    }
    const clientHost = req.headers.get("host");
    if (!req.preserveHost || !clientHost) {
      h.set("host", `${hostLiteral(this.settings.host)}:${this.settings.port}`);
    }
    h.set("x-forwarded-for", req.client.remoteAddr);
    h.set("x-forwarded-proto", req.client.isSsl ? "https" : "http");
    if (clientHost) h.set("x-forwarded-host", clientHost);
    if (this.auth) h.set("authorization", this.auth);
    if (req.requestId !== undefined) h.set("x-request-id", req.requestId);
    if (req.bodyLength !== null && req.bodyLength > 0) {
      h.set("content-length", String(req.bodyLength));
    }
    return h;
  }

  /** The client body as a pull-based stream read piece by piece (never buffered whole). */
  private bodyStream(req: UpstreamRequest): ReadableStream<Uint8Array> {
    return new ReadableStream<Uint8Array>({
      pull: async (c) => {
        const piece = await req.body.next(65536);
        if (piece === null) return c.close();
        this.counters.bytesOut += piece.length;
        c.enqueue(piece);
      },
      cancel: (reason) => req.body.cancel(reason),
    }, { highWaterMark: 1 });
  }

  /** Passes the backend body through, counting bytes and freeing the slot at the end. */
  private countedBody(
    body: ReadableStream<Uint8Array>,
    finish: (outcome: "ok" | "error") => void,
    trace: AccessTrace | undefined,
  ): ReadableStream<Uint8Array> {
    const reader = body.getReader();
    return new ReadableStream<Uint8Array>({
      pull: async (c) => {
        try {
          const { done, value } = await reader.read();
          if (done) {
            finish("ok");
            return c.close();
          }
          this.counters.bytesIn += value.length;
          if (trace) trace.bytesOut += value.length;
          c.enqueue(value);
        } catch (err) {
          finish("error");
          this.counters.failures++;
          // a string reason: the runtime logs one line, not a stack trace
          c.error(
            `connection "${this.settings.name}": ${messageOf(err)}`,
          );
        }
      },
      cancel: (reason) => {
        trace?.done("aborted");
        finish("error");
        return reader.cancel(reason);
      },
    }, { highWaterMark: 1 });
  }

  /** A TCP connect to the backend's port. */
  private async probe(): Promise<void> {
    const { host, port, connectTimeoutMs, name } = this.settings;
    try {
      const conn = await Deno.connect({
        hostname: host,
        port,
        signal: AbortSignal.timeout(connectTimeoutMs),
      });
      conn.close();
    } catch (err) {
      throw new Error(
        `connection "${name}": probe of ${host}:${port} failed: ${
          err instanceof Error ? err.message : err
        }`,
      );
    }
  }
}
