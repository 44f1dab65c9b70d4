/**
 * Reading an API token from an `Authorization: Bearer <token>` header (RFC 6750 section 2.1).
 * @module
 */

/** The token of a well-formed Bearer header (scheme case-insensitive), else null. */
export function parseBearer(header: string | undefined | null): string | null {
  if (header === undefined || header === null) return null;
  // RFC 6750: b64token = 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"="
  const m = /^Bearer +([A-Za-z0-9\-._~+/]+=*) *$/i.exec(header);
  return m === null ? null : m[1];
}
