/**
 * Whether a Host header or `:authority` can be placed in a URL without moving its path.
 * @module
 */

// RFC 3986 authority characters (host, IP literal, port); no "@", "/", "?", "#" or "\" that
// would move the path when the URL is parsed.
const AUTHORITY = /^[A-Za-z0-9\-._~!$&'()*+,;=%:[\]]+$/;

/**
 * True when `authority` holds only RFC 3986 authority characters.
 *
 * @example
 * ```ts
 * isUrlSafeAuthority("example.test:8443"); // true
 * isUrlSafeAuthority("evil/path"); // false: "https://evil/path/x" would route "/path/x"
 * ```
 */
export function isUrlSafeAuthority(authority: string): boolean {
  return AUTHORITY.test(authority);
}
