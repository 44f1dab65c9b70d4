/**
 * Maps a request's host and path to a route: the longest matching path prefix wins, and a
 * route bound to the request's host wins over one for any host. Prefixes match on segment
 * boundaries ("/app" matches "/app" and "/app/x", not "/apple"). Immutable: a configuration
 * change builds a new table and swaps it in.
 * @module
 */
import type { Balancer } from "./balancer.ts";
import type { Upstream } from "./upstream.ts";

/** A route as the proxy uses it. */
export interface Route {
  id: string;
  /** Host name (lower-case, no port) this route is bound to; null = any host. */
  host: string | null;
  /** Path prefix without a trailing slash ("" for the root). */
  prefix: string;
  /** Backend path the prefix is replaced by, without a trailing slash. */
  backendPath: string;
  /** A connection, or a balancer over connections. */
  target: Upstream | Balancer;
  /** Forward the client's Host header (default true). */
  preserveHost: boolean;
}

/** Result of {@link RouteTable.match}. */
export interface RouteMatch {
  route: Route;
  /** The request path with the prefix replaced by the backend path. */
  backendUri: string;
}

/**
 * A route as a person names it: its host (none for any host) and path prefix, e.g.
 * `shop.example.com/shop` or `/app` (`/` for the root prefix). Unique among routes, so it
 * labels metrics and references instead of the opaque id.
 */
export function routeLabel(route: { host: string | null; prefix: string }): string {
  return `${route.host ?? ""}${route.prefix === "" ? "/" : route.prefix}`;
}

/** Removes one trailing slash, so "/app/" and "/app" are one prefix and "/" is "". */
export function trimSlash(path: string): string {
  return path.endsWith("/") ? path.slice(0, -1) : path;
}

/** See module doc. */
export class RouteTable {
  private readonly routes: Route[];

  constructor(routes: Iterable<Route>) {
    this.routes = [...routes].sort((a, b) =>
      (a.host === null ? 1 : 0) - (b.host === null ? 1 : 0) || b.prefix.length - a.prefix.length
    );
  }

  /** Number of routes. */
  get size(): number {
    return this.routes.length;
  }

  /** All routes, most specific first. */
  list(): readonly Route[] {
    return this.routes;
  }

  /** The route for `host` (lower-case, no port) and raw `path`, or null. */
  match(host: string | null, path: string): RouteMatch | null {
    for (const route of this.routes) {
      if (route.host !== null && route.host !== host) continue;
      const p = route.prefix;
      if (p.length > 0) {
        if (!path.startsWith(p)) continue;
        const next = path.charCodeAt(p.length);
        // a segment boundary: end of path, "/", or ";" (path parameters)
        if (path.length > p.length && next !== 47 && next !== 59) continue;
      }
      const rest = path.slice(p.length);
      const backendUri = route.backendPath + rest || "/";
      return { route, backendUri };
    }
    return null;
  }
}
