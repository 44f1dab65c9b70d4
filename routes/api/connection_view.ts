/**
 * A connection as the API shows it: its stored settings (secrets only as `secretSet` and
 * `passwordSet`), its live state from the running proxy, the routes and balancers using it
 * (by id, and by the names people know: host + prefix, balancer name), its owners.
 * @module
 */
import type { Connection, Route } from "../../db/mod.ts";
import { routeLabel, trimSlash } from "../../src/proxy/route_table.ts";
import type { ConnectionView } from "./connection_schema.ts";
import type { ApiDeps } from "./types.ts";

/** See module doc. */
export async function viewConnection(
  { repos, live }: ApiDeps,
  c: Connection,
): Promise<ConnectionView> {
  const [references, grants, routes, balancers] = await Promise.all([
    repos.routes.referencesTo(c.id),
    repos.connections.getPermissions(c.name),
    repos.routes.list(),
    repos.balancers.list(),
  ]);
  const key = c.name.toLowerCase();
  const usedBy = [
    ...routes.filter((r) => r.connection?.toLowerCase() === key).map(routeUse).sort(),
    ...balancers.filter((b) => b.members.some((m) => m.connection.toLowerCase() === key))
      .map((b) => `balancer ${b.name}`).sort(),
  ];
  const { state, error, stats } = live.status(c.name);
  return {
    ...c,
    state,
    error,
    stats: { ...stats },
    references,
    usedBy,
    owners: grants.filter((g) => g.role === "owner").map((g) => g.user),
  };
}

/** "route HOST/PREFIX", as a person names a route. */
export function routeUse(r: Route): string {
  return `route ${routeLabel({ host: r.host, prefix: trimSlash(r.pathPrefix) })}`;
}
