/**
 * The request target as the client sent it (after the runtime's URL parsing): the raw path
 * and the raw query, never decoded, so they reach the backend byte for byte. Paths that
 * Tomcat would resolve to a different location than the gateway routed ("/app/..;/admin",
 * "%2e%2e") are refused (mod_jk CVE-2018-11759 and friends).
 * @module
 */
import { GatewayError } from "./errors.ts";

/** Raw path and query of a request URL. `query` is null when the URL has no "?". */
export interface RequestTarget {
  path: string;
  query: string | null;
}

/** Splits `url` (absolute, as `Request.url`) into its raw path and query. */
export function splitTarget(url: string): RequestTarget {
  const scheme = url.indexOf("://");
  let start = url.indexOf("/", scheme < 0 ? 0 : scheme + 3);
  if (start < 0) start = url.length;
  let hash = url.indexOf("#", start);
  if (hash < 0) hash = url.length;
  const q = url.indexOf("?", start);
  if (q >= 0 && q < hash) {
    return { path: url.slice(start, q) || "/", query: url.slice(q + 1, hash) };
  }
  return { path: url.slice(start, hash) || "/", query: null };
}

/**
 * Throws 400 when a path segment is a dot segment ("." or ".."), also once its ";"
 * parameters are removed and its "%2e" decoded, the way Tomcat normalises it. The request
 * target arrives as the client sent it, so "/app/../manager" would otherwise be routed by
 * its "/app" prefix and then resolved by Tomcat to "/manager".
 */
export function assertNoHiddenDotSegments(path: string): void {
  if (path.indexOf(".") < 0 && path.indexOf("%") < 0 && path.indexOf("\\") < 0) return;
  // A backslash is a separator to some servers and a literal to others: refused, like
  // Tomcat's default (ALLOW_BACKSLASH=false) but before it answers with its error page.
  if (/\\|%5c/i.test(path)) {
    throw new GatewayError("bad_request", "request path contains a backslash");
  }
  for (const segment of path.split("/")) {
    const decoded = segment.replace(/%2e/gi, ".");
    const bare = decoded.split(";", 1)[0];
    if (bare === "." || bare === "..") {
      throw new GatewayError("bad_request", "request path contains a dot segment");
    }
    if (/%2f/i.test(segment) && decoded.includes("..")) {
      throw new GatewayError("bad_request", "request path contains an encoded separator");
    }
  }
}

/** The host name (no port) a request addresses, from Host or else the listener address. */
export function serverNameOf(host: string | null, fallback: string): string {
  if (!host) return fallback;
  if (host.startsWith("[")) {
    const end = host.indexOf("]");
    return end > 0 ? host.slice(0, end + 1) : host;
  }
  const colon = host.indexOf(":");
  return colon < 0 ? host : host.slice(0, colon);
}
