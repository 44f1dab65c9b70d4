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
