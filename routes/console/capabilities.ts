/**
 * What the signed-in user may do, per object, decided by the API's own rule
 * (`decide` in src/auth/permissions.ts) over the roles the API reads: the console shows
 * only the controls these allow, and the API still decides every request.
 * @module
 */
import type { Repositories, User } from "../../db/mod.ts";
import { type Action, ACTIONS, decide, type Role } from "../../src/auth/permissions.ts";

/** Allowed actions: global ones, then per connection and per balancer name. */
export interface Capabilities {
  user: string;
  superuser: boolean;
  global: Action[];
  connections: Record<string, Action[]>;
  balancers: Record<string, Action[]>;
}

const prefixed = (p: string) => ACTIONS.filter((a) => a.startsWith(p));

/**
 * Computes the capabilities of `user`: three queries (the objects, and the user's grants on
 * connections and balancers), whatever the number of objects.
 */
export async function capabilitiesOf(repos: Repositories, user: User): Promise<Capabilities> {
  const [connections, balancers, connGrants, balGrants] = await Promise.all([
    repos.connections.list(),
    repos.balancers.list(),
    user.superuser ? [] : repos.connections.permissionsOf(user.name),
    user.superuser ? [] : repos.balancers.permissionsOf(user.name),
  ]);
  const rolesBy = (grants: { name: string; role: Role }[]) => {
    const out = new Map<string, Set<Role>>();
    for (const g of grants) {
      const key = g.name.toLowerCase();
      out.set(key, (out.get(key) ?? new Set()).add(g.role));
    }
    return out;
  };
  const per = (
    kind: "connection" | "balancer",
    names: string[],
    roles: Map<string, Set<Role>>,
  ) => {
    const out: Record<string, Action[]> = {};
    for (const name of names) {
      const held = roles.get(name.toLowerCase()) ?? new Set<Role>();
      if (!user.superuser && held.size === 0) continue;
      out[name] = [...prefixed(`${kind}.`), ...prefixed("route.")]
        .filter((a) => decide(user, a, held));
    }
    return out;
  };
  return {
    user: user.name,
    superuser: user.superuser,
    global: ACTIONS.filter((a) => decide(user, a, new Set())),
    connections: per(
      "connection",
      connections.map((c) => c.name),
      rolesBy(connGrants.map((g) => ({ name: g.connection, role: g.role }))),
    ),
    balancers: per(
      "balancer",
      balancers.map((b) => b.name),
      rolesBy(balGrants.map((g) => ({ name: g.balancer, role: g.role }))),
    ),
  };
}
