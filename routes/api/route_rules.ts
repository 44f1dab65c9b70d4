/**
 * Route rules that span fields: a route forwards to exactly one connection or balancer,
 * judged on the merged result of a PATCH as on a POST.
 * @module
 */
import type { Route, RoutePatch } from "../../db/mod.ts";
import type { FieldError } from "./problem.ts";

/** A route's target, by name; exactly one should be set. */
export interface RouteTarget {
  connection: string | null;
  balancer: string | null;
}

/** The broken rules of a target; empty when exactly one is set. */
export function targetIssues(t: RouteTarget): FieldError[] {
  if (t.connection !== null && t.balancer !== null) {
    return [{ field: "balancer", message: "give either connection or balancer, not both" }];
  }
  if (t.connection === null && t.balancer === null) {
    return [{ field: "connection", message: "a route needs a connection or a balancer" }];
  }
  return [];
}

/**
 * The patch to store and the target it leads to. Naming one target and not the other
 * clears the other, so moving a route from a balancer to a connection is one field.
 */
export function mergeRoutePatch(
  current: Route,
  patch: RoutePatch,
): { patch: RoutePatch; target: RouteTarget } {
  const effective: RoutePatch = { ...patch };
  if (patch.connection && patch.balancer === undefined) effective.balancer = null;
  if (patch.balancer && patch.connection === undefined) effective.connection = null;
  return {
    patch: effective,
    target: {
      connection: effective.connection !== undefined ? effective.connection : current.connection,
      balancer: effective.balancer !== undefined ? effective.balancer : current.balancer,
    },
  };
}

/** A route host as stored: lower-case, since Host matching is case-insensitive. */
export function normalizeHost<T extends string | null | undefined>(host: T): T {
  return (typeof host === "string" ? host.toLowerCase() : host) as T;
}

/** Where a route listens: its host (null for any) and path prefix. */
export interface RouteScope {
  host: string | null;
  pathPrefix: string;
}

/** A prefix as the route table matches it: no trailing slash, "" for the root. */
function tablePrefix(p: string): string {
  return p.endsWith("/") ? p.slice(0, -1) : p;
}

/** True when prefix `outer` matches every path `inner` matches (segment boundaries). */
function covers(outer: string, inner: string): boolean {
  return outer === "" || inner === outer || inner.startsWith(outer + "/") ||
    inner.startsWith(outer + ";");
}

/**
 * True when a route at `candidate` would take requests that a route at `existing` takes
 * today. The table prefers a host-bound route over an any-host one, then the longest
 * prefix, so that happens when the candidate is bound to a host and the other is not and
 * their prefixes overlap, or when both have the same host (or both any) and the
 * candidate's prefix is the same or longer inside the other's.
 *
 * @example
 * shadows({ host: null, pathPrefix: "/echo/info" }, { host: null, pathPrefix: "/echo" }); // true
 * shadows({ host: "a.example", pathPrefix: "/" }, { host: null, pathPrefix: "/echo" }); // true
 */
export function shadows(candidate: RouteScope, existing: RouteScope): boolean {
  const c = tablePrefix(candidate.pathPrefix);
  const e = tablePrefix(existing.pathPrefix);
  if (candidate.host !== null && existing.host === null) return covers(c, e) || covers(e, c);
  if (candidate.host !== existing.host) return false;
  return covers(e, c);
}
