/**
 * The gateway's one error type. It carries what went wrong (`kind`), on which side
 * (`source`), whether a retry on another socket is safe, and the HTTP status it maps to, so
 * that a single `onError` turns any failure into a short plain-text answer.
 * @module
 */

/** What went wrong. */
export type GatewayErrorKind =
  | "bad_request"
  | "not_implemented"
  | "header_too_large"
  | "request_timeout"
  | "expectation_failed"
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
  request_timeout: 408,
  expectation_failed: 417,
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

/** A failure with its HTTP mapping; `message` is safe to show to a client. */
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
    case "request_timeout":
    case "expectation_failed":
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
