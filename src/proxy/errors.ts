/**
 * The gateway's one error type. It carries what went wrong (`kind`), on which side
 * (`source`), where the request may be sent again (`retry`), and the HTTP status it maps to, so
 * that a single handler turns any failure into a short plain-text answer (generic for backend
 * failures, so that addresses and packet dumps stay in the log).
 * @module
 */

/** What went wrong. */
export type GatewayErrorKind =
  | "bad_request"
  | "not_implemented"
  | "header_too_large"
  | "expectation_failed"
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
  expectation_failed: 417,
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

/** A failure with its HTTP mapping; `message` is the detail for logs. */
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

  /**
   * The plain-text answer for the client: for backend and internal failures a short generic
   * sentence (the detail in `message`, e.g. a backend's address or a malformed packet, is for
   * the access log only); for refusals of the client's own request, `message` itself. With
   * `requestId`, the body names it and `x-request-id` carries it, so that a user's report
   * finds the log line.
   */
  toResponse(requestId?: string): Response {
    const headers = new Headers({ "content-type": "text/plain; charset=utf-8" });
    if (this.retryAfter !== undefined) headers.set("retry-after", String(this.retryAfter));
    if (requestId !== undefined) headers.set("x-request-id", requestId);
    const text = this.source === "downstream" ? this.message : PUBLIC_MESSAGE[this.kind];
    const id = requestId === undefined ? "" : ` (request id ${requestId})`;
    return new Response(`${text}${id}\n`, { status: this.status, headers });
  }
}

/** What a client is told about failures that are not its own request's fault. */
const PUBLIC_MESSAGE: Record<GatewayErrorKind, string> = {
  bad_request: "bad request",
  not_implemented: "not implemented",
  header_too_large: "request headers too large",
  expectation_failed: "expectation failed",
  no_route: "not found",
  unavailable: "service unavailable",
  pool_exhausted: "service busy, try again later",
  timeout: "gateway timeout: the application did not answer in time",
  protocol: "bad gateway: the application's reply could not be read",
  closed: "bad gateway: the application closed the connection",
  client_aborted: "request aborted",
  request_timeout: "request timeout: the request body did not arrive in time",
  internal: "internal gateway error",
};

function defaultSource(kind: GatewayErrorKind): ErrorSource {
  switch (kind) {
    case "bad_request":
    case "not_implemented":
    case "header_too_large":
    case "expectation_failed":
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
 * The failure as a GatewayError; anything else is unexpected: warned, and answered as an
 * internal error (its text stays in the log).
 */
export function asGatewayError(err: unknown, warn: (message: string) => void): GatewayError {
  if (err instanceof GatewayError) return err;
  warn(`proxy: unexpected error: ${messageOf(err)}`);
  return new GatewayError("internal", `unexpected error: ${messageOf(err)}`, { cause: err });
}

/** The one answer to a failed proxied request, for both listeners (request id when known). */
export function proxyErrorResponse(
  err: unknown,
  warn: (message: string) => void,
  requestId?: string,
): Response {
  return asGatewayError(err, warn).toResponse(requestId);
}
