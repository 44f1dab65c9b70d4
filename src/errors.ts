/**
 * The gateway's one error type. It carries what went wrong (`kind`), on which side
 * (`source`), whether a retry on another socket is safe, and the HTTP status it maps to, so
 * that a single handler turns any failure into a short plain-text answer (generic for backend
 * failures, so that addresses and packet dumps stay in the log).
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
  | "internal";

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
  internal: 500,
};

/** Options of a {@link GatewayError}. */
export interface GatewayErrorOptions {
  /** Default: "upstream" for backend kinds, "downstream" for request kinds. */
  source?: ErrorSource;
  /** Safe to retry on a fresh socket. Default false. */
  retryable?: boolean;
  /** Seconds for a `Retry-After` header on the error response. */
  retryAfter?: number;
  cause?: unknown;
}

/** A failure with its HTTP mapping; `message` is the detail for logs. */
export class GatewayError extends Error {
  override readonly name = "GatewayError";
  readonly kind: GatewayErrorKind;
  readonly source: ErrorSource;
  readonly retryable: boolean;
  readonly retryAfter: number | undefined;

  constructor(kind: GatewayErrorKind, message: string, options: GatewayErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.kind = kind;
    this.source = options.source ?? defaultSource(kind);
    this.retryable = options.retryable ?? false;
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
  no_route: "not found",
  unavailable: "service unavailable",
  pool_exhausted: "service busy, try again later",
  timeout: "gateway timeout: the application did not answer in time",
  protocol: "bad gateway: the application's reply could not be read",
  closed: "bad gateway: the application closed the connection",
  client_aborted: "request aborted",
  internal: "internal gateway error",
};

function defaultSource(kind: GatewayErrorKind): ErrorSource {
  switch (kind) {
    case "bad_request":
    case "not_implemented":
    case "header_too_large":
    case "no_route":
    case "client_aborted":
      return "downstream";
    case "internal":
      return "internal";
    default:
      return "upstream";
  }
}

/** Wraps anything thrown into a GatewayError, keeping GatewayErrors as they are. */
export function toGatewayError(err: unknown, fallback: GatewayErrorKind, message: string) {
  return err instanceof GatewayError ? err : new GatewayError(fallback, message, { cause: err });
}
