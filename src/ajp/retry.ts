/**
 * Whether and where a failed AJP exchange may be sent again, decided in one place from what
 * happened on the wire (style practice 6; pingora's RetryType).
 * @module
 */
import type { GatewayErrorKind, Retry } from "../proxy/errors.ts";

/** What happened before an exchange failed. */
export interface RetryFacts {
  /** The failure's kind. */
  kind: GatewayErrorKind;
  /** The link failed with nothing of a packet half-received (a clean close or reset). */
  clean: boolean;
  /** Any whole packet came back from the backend. */
  received: boolean;
  /** The backend asked for body (GET_BODY_CHUNK): the request body was consumed. */
  bodyAsked: boolean;
  /** Any byte of the request was written to a socket. */
  sent: boolean;
  /** The method may be repeated (RFC 9110 9.2.2). */
  idempotent: boolean;
  /** The socket had served earlier requests and may have gone stale in the pool. */
  reused: boolean;
  /** This attempt already was the replay on a fresh socket. */
  replayed: boolean;
  /** The client went away. */
  clientGone: boolean;
}

/**
 * "same_connection": a stale pooled socket closed before answering an idempotent request
 * that asked for no body: replay it once on a fresh socket. "other_member": the backend could
 * not be reached, or closed before answering while nothing unrepeatable reached it.
 * "none" otherwise, and always once an answer or a body request came back.
 *
 * @example
 * ```ts
 * decideRetry({ ...facts, kind: "unavailable", sent: false }); // "other_member"
 * ```
 */
export function decideRetry(f: RetryFacts): Retry {
  if (f.clientGone) return "none";
  if (f.kind === "unavailable") return f.sent ? "none" : "other_member";
  if (f.kind !== "closed" || !f.clean || f.received || f.bodyAsked) return "none";
  if (f.reused && f.idempotent && !f.replayed) return "same_connection";
  return !f.sent || f.idempotent ? "other_member" : "none";
}
