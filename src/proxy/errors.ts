/**
 * The gateway's one error type. It carries what went wrong (`kind`), on which side
 * (`source`), where the request may be sent again (`retry`), and the HTTP status it maps to, so
 * that a single `onError` turns any failure into a short plain-text answer.
 * @module
 */

/** What went wrong. */
export type GatewayErrorKind =
  | "bad_request"
  | "not_implemented"
  | "header_too_large"
  | "no_route"
  | "unavailable"
  | "pool_exhausted"
  | "timeout"
  | "protocol"
  | "closed"
  | "client_aborted"
  | "request_timeout"
  | "internal";

/**
 * Where a failed request may go again, decided once from what happened (pingora's
 * RetryType): on a fresh socket of the same connection (a stale pooled socket), to another
 * balancer member (nothing unrepeatable reached the backend), or nowhere.
 */
export type Retry = "same_connection" | "other_member" | "none";

/** Which side caused the error. */
export type ErrorSource = "upstream" | "downstream" | "internal";

const STATUS: Record<GatewayErrorKind, number> = {
  bad_request: 400,
  not_implemented: 501,
  header_too_large: 431,
  no_route: 404,
  unavailable: 503,
  pool_exhausted: 503,
  timeout: 504,
  protocol: 502,
  closed: 502,
  client_aborted: 400,
  request_timeout: 408,
  internal: 500,
};

/** Options of a {@link GatewayError}. */
export interface GatewayErrorOptions {
  /** Default: "upstream" for backend kinds, "downstream" for request kinds. */
  source?: ErrorSource;
  /** Where the request may be sent again. Default "none". */
  retry?: Retry;
  /** Seconds for a `Retry-After` header on the error response. */
  retryAfter?: number;
  cause?: unknown;
}

/** A failure with its HTTP mapping; `message` is safe to show to a client. */
export class GatewayError extends Error {
  override readonly name = "GatewayError";
  readonly kind: GatewayErrorKind;
  readonly source: ErrorSource;
  readonly retry: Retry;
  readonly retryAfter: number | undefined;

  constructor(kind: GatewayErrorKind, message: string, options: GatewayErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.kind = kind;
    this.source = options.source ?? defaultSource(kind);
    this.retry = options.retry ?? "none";
    this.retryAfter = options.retryAfter;
  }

  /** The HTTP status this error answers with. */
  get status(): number {
    return STATUS[this.kind];
  }

  /** A plain-text response for this error (no stack trace, no internals). */
  toResponse(): Response {
    const headers = new Headers({ "content-type": "text/plain; charset=utf-8" });
    if (this.retryAfter !== undefined) headers.set("retry-after", String(this.retryAfter));
    return new Response(this.message + "\n", { status: this.status, headers });
  }
}

function defaultSource(kind: GatewayErrorKind): ErrorSource {
  switch (kind) {
    case "bad_request":
    case "not_implemented":
    case "header_too_large":
    case "no_route":
    case "client_aborted":
    case "request_timeout":
      return "downstream";
    case "internal":
      return "internal";
    default:
      return "upstream";
  }
}

/** The message of anything thrown, for error texts (`String(err)` for non-errors). */
export function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/**
 * The proxy's one error answer, for the plain and the TLS listener alike: a GatewayError's
 * own short plain-text response; anything else is a bug, reported to `warn` and answered 500
 * without internals.
 */
export function proxyErrorResponse(err: unknown, warn: (message: string) => void): Response {
  if (err instanceof GatewayError) return err.toResponse();
  warn(`proxy: unexpected error: ${messageOf(err)}`);
  return new GatewayError("internal", "internal gateway error").toResponse();
}
