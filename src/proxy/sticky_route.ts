/**
 * Finds the sticky-session route of a request: the part after the first "." of the session
 * id, taken from the session cookie (default JSESSIONID) or else from the path parameter
 * (default jsessionid), as mod_proxy_balancer does (`stickysession=JSESSIONID|jsessionid`).
 * @module
 */

/** Where the session id is looked for. */
export interface StickyNames {
  cookie: string;
  param: string;
}

/** Parses a `stickySession` setting "COOKIE" or "COOKIE|param" (param defaults to lower case). */
export function stickyNames(setting: string | null): StickyNames | null {
  if (!setting) return null;
  const [cookie, param] = setting.split("|", 2);
  return { cookie, param: param ?? cookie.toLowerCase() };
}

/** The session names mod_jk and mod_proxy_balancer users expect: cookie JSESSIONID, param jsessionid. */
export const DEFAULT_STICKY = "JSESSIONID|jsessionid";

/**
 * The stickiness a balancer uses: its `stickySession` setting when set; else, when any member
 * declares a route (jvmRoute), {@link DEFAULT_STICKY}, as mod_jk is sticky by default (a
 * member's route serves nothing but stickiness); else none.
 */
export function effectiveSticky(
  setting: string | null,
  members: readonly { route: string | null }[],
): StickyNames | null {
  if (setting) return stickyNames(setting);
  return members.some((m) => m.route) ? stickyNames(DEFAULT_STICKY) : null;
}

/** The route of the session id in `cookieHeader` or `path`, or null. */
export function stickyRouteOf(
  names: StickyNames,
  cookieHeader: string | null,
  path: string,
): string | null {
  if (cookieHeader) {
    for (const part of cookieHeader.split(";")) {
      const eq = part.indexOf("=");
      if (eq < 0 || part.slice(0, eq).trim() !== names.cookie) continue;
      const route = routeOf(part.slice(eq + 1).trim());
      if (route) return route;
    }
  }
  const marker = `;${names.param}=`;
  const at = path.indexOf(marker);
  if (at >= 0) {
    const rest = path.slice(at + marker.length);
    const end = rest.search(/[;/?]/);
    return routeOf(end < 0 ? rest : rest.slice(0, end));
  }
  return null;
}

function routeOf(sessionId: string): string | null {
  const unquoted = sessionId.replace(/^"|"$/g, "");
  const dot = unquoted.indexOf(".");
  return dot >= 0 && dot < unquoted.length - 1 ? unquoted.slice(dot + 1) : null;
}
