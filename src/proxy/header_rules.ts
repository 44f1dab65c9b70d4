/**
 * Header hygiene for both directions, in one place: hop-by-hop headers and those named in
 * `Connection` are dropped, client X-Forwarded-* and Forwarded are not trusted (AJP carries
 * the client address itself), and request body framing is checked before anything is sent.
 * @module
 */
import { GatewayError } from "./errors.ts";

/** Hop-by-hop headers (RFC 9110 7.6.1) plus those a proxy consumes itself. */
const HOP_BY_HOP = new Set([
  "connection",
  "keep-alive",
  "proxy-connection",
  "proxy-authenticate",
  "proxy-authorization",
  "te",
  "trailer",
  "transfer-encoding",
  "upgrade",
  // The gateway answers 100-continue itself; Tomcat's ack() does nothing over AJP.
  "expect",
]);

const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/** Request headers a client may not set for the backend (the gateway speaks for the hop). */
function untrusted(name: string): boolean {
  return name === "forwarded" || name.startsWith("x-forwarded-");
}

/** End-to-end headers a client may not strip by naming them in `Connection`. */
const PROTECTED = new Set(["host", "authorization", "cookie", "content-length"]);

/** Names listed in a `Connection` header that are valid tokens, lower-cased. */
function connectionNames(value: string | null): Set<string> | null {
  if (!value) return null;
  let out: Set<string> | null = null;
  for (const part of value.split(",")) {
    const name = part.trim().toLowerCase();
    if (name && TOKEN.test(name) && !PROTECTED.has(name)) (out ??= new Set()).add(name);
  }
  return out;
}

/** Request headers to forward over AJP, in order, with hop-by-hop and untrusted ones removed. */
export function forwardableRequestHeaders(headers: Headers): [string, string][] {
  const named = connectionNames(headers.get("connection"));
  const out: [string, string][] = [];
  for (const [name, value] of headers) {
    if (HOP_BY_HOP.has(name) || untrusted(name) || named?.has(name)) continue;
    out.push([name, value]);
  }
  return out;
}

/**
 * The client's response headers from the backend's: hop-by-hop headers and those the backend
 * names in its own `Connection` header are dropped (RFC 9110 7.6.1). Content-Length is
 * dropped too, except for HEAD, where it describes the body that was not sent: the client's
 * framing is the gateway's own, from the body itself or from the declared length
 * ({@link declaredBodyLength}) that the plain writer keeps to, never a header passed on
 * unchecked (CVE-2024-24795). Names come back lower-cased, in the
 * backend's order; the values are not checked here (the `Response` they go into checks them).
 */
export function clientResponseHeaderPairs(
  backend: Iterable<readonly [string, string]>,
  isHead: boolean,
): [string, string][] {
  let named: Set<string> | null = null;
  for (const [name, value] of backend) {
    if (name.length === 10 && name.toLowerCase() === "connection") {
      for (const n of connectionNames(value) ?? []) (named ??= new Set()).add(n);
    }
  }
  const out: [string, string][] = [];
  for (const [name, value] of backend) {
    const lower = name.toLowerCase();
    if (lower === "content-length" ? isHead : !HOP_BY_HOP.has(lower) && !named?.has(lower)) {
      out.push([lower, value]);
    }
  }
  return out;
}

/**
 * The body length the backend's response headers declare: the value of its one
 * Content-Length when that is a plain decimal number, else null (none, several, or
 * malformed; the body is then framed from itself).
 */
export function declaredBodyLength(backend: Iterable<readonly [string, string]>): number | null {
  let length: number | null = null;
  for (const [name, value] of backend) {
    if (name.length !== 14 || name.toLowerCase() !== "content-length") continue;
    if (length !== null || !/^[0-9]{1,15}$/.test(value)) return null;
    length = Number(value);
  }
  return length;
}

/**
 * {@link clientResponseHeaderPairs} as `Headers`. Throws a TypeError on a header the Fetch
 * API refuses.
 */
export function clientResponseHeaders(
  backend: Iterable<readonly [string, string]>,
  isHead: boolean,
): Headers {
  return new Headers(clientResponseHeaderPairs(backend, isHead));
}

/**
 * The request body length from its framing headers: a number (Content-Length), null when
 * unknown (chunked, or a body stream with neither header, as HTTP/2 may send), or 0 when
 * there is no body. `hasBody` says whether the server handed over a body stream at all:
 * the plain listener does for any method; Deno.serve (the TLS listener) gives none for GET
 * and HEAD, whatever their framing, so a body declared there is refused rather than left
 * for the backend to wait on.
 * Rejects ambiguous framing (CVE-2022-26377).
 */
export function requestBodyLength(headers: Headers, hasBody: boolean): number | null {
  const te = headers.get("transfer-encoding");
  const cl = headers.get("content-length");
  if (te !== null) {
    if (cl !== null) {
      throw new GatewayError(
        "bad_request",
        "request has both Transfer-Encoding and Content-Length",
      );
    }
    const codings = te.split(",").map((c) => c.trim().toLowerCase()).filter((c) => c !== "");
    if (codings.length !== 1 || codings[0] !== "chunked") {
      throw new GatewayError(
        "not_implemented",
        `unsupported transfer coding "${te}": only chunked is accepted`,
      );
    }
    if (!hasBody) throw bodyNotForwardable();
    return null;
  }
  if (cl !== null) {
    if (!/^[0-9]{1,15}$/.test(cl)) {
      throw new GatewayError("bad_request", `invalid Content-Length "${cl}"`);
    }
    const n = Number(cl);
    if (n > 0 && !hasBody) throw bodyNotForwardable();
    return n;
  }
  return hasBody ? null : 0;
}

function bodyNotForwardable(): GatewayError {
  return new GatewayError(
    "bad_request",
    "a request body on GET or HEAD cannot be forwarded; send it with another method",
  );
}
