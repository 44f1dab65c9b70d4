/**
 * Host names as they appear in URLs, Host headers and messages: an IPv6 literal goes in
 * brackets (RFC 3986 3.2.2), anything else as it is.
 * @module
 */

/**
 * `host` ready for a URL authority: "::1" becomes "[::1]".
 *
 * @example
 * ```ts
 * hostLiteral("::1"); // "[::1]"
 * hostLiteral("tomcat"); // "tomcat"
 * ```
 */
export function hostLiteral(host: string): string {
  return host.includes(":") && !host.startsWith("[") ? `[${host}]` : host;
}

/** `host:port` with an IPv6 host in brackets, e.g. "[::1]:8009". */
export function hostPort(host: string, port: number): string {
  return `${hostLiteral(host)}:${port}`;
}
