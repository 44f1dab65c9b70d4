/**
 * Response headers for every console response: a Content-Security-Policy that allows
 * scripts, styles and requests from this origin only (no inline script), no framing, no
 * MIME sniffing, no referrer to other sites, and no caching of pages that show live state.
 * @module
 */
import type { MiddlewareHandler } from "hono";

/** The policy; `style-src` allows what uPlot sets through the CSSOM, which CSP does not block. */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
].join("; ");

/** See module doc. */
export function consoleHeaders(): MiddlewareHandler {
  return async (c, next) => {
    await next();
    const h = c.res.headers;
    h.set("content-security-policy", CONTENT_SECURITY_POLICY);
    h.set("x-frame-options", "DENY");
    h.set("x-content-type-options", "nosniff");
    // "no-referrer" would make browsers send `Origin: null` on form posts, which the origin check refuses
    h.set("referrer-policy", "same-origin");
    if (!h.has("cache-control")) h.set("cache-control", "no-store");
  };
}
