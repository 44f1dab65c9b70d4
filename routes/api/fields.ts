/**
 * Field schemas shared by the API's request bodies: names, hosts, ports, paths. Each one
 * carries the message a 422 shows for it.
 * @module
 */
import { z } from "@hono/zod-openapi";

/** Connection and balancer names: unique in any case. */
export const objectName = z.string().regex(
  /^[A-Za-z0-9._-]{1,64}$/,
  "must be 1-64 characters of A-Z a-z 0-9 . _ -",
);

/** User names; `@` is allowed so e-mail addresses can be names. */
export const userName = z.string().regex(
  /^[A-Za-z0-9._@-]{1,64}$/,
  "must be 1-64 characters of A-Z a-z 0-9 . _ @ -",
);

const HOSTNAME =
  /^(?=.{1,253}$)[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?(?:\.[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?)*\.?$/;
const IPV6 = /^[0-9A-Fa-f:.]{2,45}$/;

/** A backend host: a DNS name, an IPv4 address, or an IPv6 address without brackets. */
export const backendHost = z.string().refine(
  (s) => HOSTNAME.test(s) || (s.includes(":") && IPV6.test(s)),
  "must be a host name or an IP address, without a port",
).openapi({ type: "string", example: "tomcat-a.internal" });

/** A route's incoming host as in the Host header, without port; IPv6 in brackets. */
export const routeHost = z.string().refine(
  (s) => HOSTNAME.test(s) || (s.startsWith("[") && s.endsWith("]") && IPV6.test(s.slice(1, -1))),
  "must be a host name without a port (IPv6 in brackets)",
).openapi({ type: "string", example: "app.example.com" });

/** A TCP port. */
export const port = z.int().min(1, "must be 1-65535").max(65535, "must be 1-65535");

/** True when a path has a `..` segment (also percent-encoded), which could climb out of a prefix. */
export function hasDotDot(path: string): boolean {
  return path.split("/").some((s) => s.toLowerCase().replaceAll("%2e", ".") === "..");
}

/** An absolute URL path: starts with "/", no query, fragment, whitespace or `..` segment. */
export const urlPath = z.string().max(1024, "must be at most 1024 characters")
  .regex(/^\/[^?#\s\p{Cc}]*$/u, 'must start with "/" and have no ?, #, spaces')
  .refine((s) => !hasDotDot(s), 'must not contain a ".." segment');

/** An integer number of milliseconds in [min, max]. */
export function millis(min: number, max: number) {
  const msg = `must be an integer from ${min} to ${max} (milliseconds)`;
  return z.int(msg).min(min, msg).max(max, msg);
}

/**
 * Text of at most `max` characters without control characters (tab, CR and LF allowed
 * when `multiline`): SQLite would cut a string at NUL, and AJP strings end at NUL.
 */
export function plainText(max: number, multiline = false) {
  const lineBreaks = multiline ? /[\t\r\n]/g : /(?!)/g;
  return z.string().max(max, `must be at most ${max} characters`)
    .refine(
      (s) => !/\p{Cc}/u.test(s.replace(lineBreaks, "")),
      "must not contain control characters",
    );
}
