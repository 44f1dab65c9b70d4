/**
 * A connection as the API shows it: its stored settings (secrets only as `secretSet` and
 * `passwordSet`), its live state from the running proxy, the routes using it, its owners.
 * @module
 */
import type { Connection } from "../../db/mod.ts";
import type { ConnectionView } from "./connection_schema.ts";
import type { ApiDeps } from "./types.ts";

/** See module doc. */
export async function viewConnection(
  { repos, live }: ApiDeps,
  c: Connection,
): Promise<ConnectionView> {
  const [references, grants] = await Promise.all([
    repos.routes.referencesTo(c.id),
    repos.connections.getPermissions(c.name),
  ]);
  const { state, error, stats } = live.status(c.name);
  return {
    ...c,
    state,
    error,
    stats: { ...stats },
    references,
    owners: grants.filter((g) => g.role === "owner").map((g) => g.user),
  };
}
