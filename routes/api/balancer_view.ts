/**
 * A balancer as the API shows it: its stored settings, each member with the live state of
 * its connection from the running proxy, the routes using it, its owners.
 * @module
 */
import type { Balancer } from "../../db/mod.ts";
import type { BalancerView } from "./balancer_schema.ts";
import { routeUse } from "./connection_view.ts";
import type { ApiDeps } from "./types.ts";

/** See module doc; reads the routes once for all of `list`. */
export async function viewBalancers(
  deps: ApiDeps,
  list: readonly Balancer[],
): Promise<BalancerView[]> {
  const { repos, live } = deps;
  if (list.length === 0) return [];
  const routes = await repos.routes.list();
  return await Promise.all(list.map(async (b) => {
    const grants = await repos.balancers.getPermissions(b.name);
    return {
      ...b,
      members: b.members.map((m) => {
        const { state, error } = live.status(m.connection);
        return { ...m, state, error };
      }),
      // the route rows carry the balancer's current name, as stored
      references: routes.filter((r) => r.balancer === b.name).map((r) => r.id).sort(),
      usedBy: routes.filter((r) => r.balancer === b.name).map(routeUse).sort(),
      owners: grants.filter((g) => g.role === "owner").map((g) => g.user),
    };
  }));
}

/** One balancer as shown. */
export async function viewBalancer(deps: ApiDeps, b: Balancer): Promise<BalancerView> {
  return (await viewBalancers(deps, [b]))[0];
}
