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

/** Computes the capabilities of `user`. */
export async function capabilitiesOf(repos: Repositories, user: User): Promise<Capabilities> {
  const me = user.name.toLowerCase();
  const [connections, balancers] = await Promise.all([
    repos.connections.list(),
    repos.balancers.list(),
  ]);
  const rolesOf = async (kind: "connection" | "balancer", name: string) => {
    const grants = kind === "connection"
      ? await repos.connections.getPermissions(name)
      : await repos.balancers.getPermissions(name);
    return new Set<Role>(grants.filter((g) => g.user.toLowerCase() === me).map((g) => g.role));
  };
  const per = async (kind: "connection" | "balancer", names: string[]) => {
    const out: Record<string, Action[]> = {};
    for (const name of names) {
      const roles = await rolesOf(kind, name);
      if (!user.superuser && roles.size === 0) continue;
      out[name] = [...prefixed(`${kind}.`), ...prefixed("route.")]
        .filter((a) => decide(user, a, roles));
    }
    return out;
  };
  return {
    user: user.name,
    superuser: user.superuser,
    global: ACTIONS.filter((a) => decide(user, a, new Set())),
    connections: await per("connection", connections.map((c) => c.name)),
    balancers: await per("balancer", balancers.map((b) => b.name)),
  };
}
