/**
 * Checks on a client request that both listeners share, so that a request Tomcat would
 * answer with a stack trace (or misroute) is refused at the gateway, as httpd does: a Host
 * that is not a host name or IP literal with an optional port, too many header fields, an
 * `Expect` other than 100-continue. Also finds the host a request addresses: the
 * authority of an absolute target or HTTP/2's `:authority` wins over Host (RFC 9112 3.2.2).
 * @module
 */
import { GatewayError } from "./errors.ts";

// uri-host as Tomcat's Host parser accepts it: a DNS name or IPv4, or an IPv6 literal.
const HOST =
  /^(?:\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9_])?)(?::([0-9]{1,5}))?$/;

/** Throws 400 unless `value` is `host[:port]` with a name, IPv4 or [IPv6] and a port <= 65535. */
export function checkHost(value: string): void {
  const m = HOST.exec(value);
  if (!m || (m[1] !== undefined && Number(m[1]) > 65535)) {
    throw new GatewayError("bad_request", "invalid Host");
  }
}

/** Throws 417 for an `Expect` the gateway cannot meet (only 100-continue is known). */
export function checkExpect(headers: Headers): void {
  const expect = headers.get("expect");
  if (expect !== null && expect.trim().toLowerCase() !== "100-continue") {
    throw new GatewayError("expectation_failed", `unsupported expectation "${expect}"`);
  }
}

/** Throws 431 when the request has more than `max` header fields. */
export function checkHeaderCount(headers: Headers, max: number): void {
  let n = 0;
  for (const _ of headers) {
    if (++n > max) {
      throw new GatewayError("header_too_large", `more than ${max} request header fields`);
    }
  }
}

/**
 * The authority (`host[:port]`) a request addresses, checked: the one in its URL (built by
 * the server from an absolute target, `:authority` or Host) and its Host header must both
 * be valid. Returns the URL's authority, or null when it equals the Host header.
 */
export function requestAuthority(url: string, host: string | null): string | null {
  const start = url.indexOf("://") + 3;
  let end = url.indexOf("/", start);
  if (end < 0) end = url.length;
  const authority = url.slice(start, end);
  if (host !== null) checkHost(host);
  else if (authority === "") return null;
  checkHost(authority);
  return host !== null && host.toLowerCase() === authority.toLowerCase() ? null : authority;
}
