/**
 * Applying the permission decision to a request: reading the caller's roles on a
 * connection, balancer or route, and refusing with a 403 that says what was refused.
 * @module
 */
import type { MiddlewareHandler } from "hono";
import type { Repositories, User } from "../../db/mod.ts";
import { type Action, decide, type Role } from "../../src/auth/permissions.ts";
import { ApiProblem } from "./problem.ts";
import type { ApiEnv } from "./types.ts";

/** The roles `user` holds on the named connection or balancer, or route by id (must exist). */
export async function rolesOn(
  repos: Repositories,
  kind: "connection" | "balancer" | "route",
  name: string,
  user: User,
): Promise<Set<Role>> {
  const grants = kind === "connection"
    ? await repos.connections.getPermissions(name)
    : kind === "balancer"
    ? await repos.balancers.getPermissions(name)
    : await repos.routes.getPermissions(name);
  const me = user.name.toLowerCase();
  return new Set(grants.filter((g) => g.user.toLowerCase() === me).map((g) => g.role));
}

/**
 * Throws a 403 unless `user` may do `action` with `roles`; `what` completes the sentence
 * "user "bob" may not ...", e.g. `delete connection "tomcat-a"`.
 */
export function ensure(user: User, action: Action, roles: ReadonlySet<Role>, what: string): void {
  if (decide(user, action, roles)) return;
  const held = roles.size === 0 ? "no role" : `role ${[...roles].join(", ")}`;
  throw new ApiProblem(403, `user "${user.name}" may not ${what} (holds ${held})`);
}

/**
 * Route middleware for actions not about one object (user management, audit): decides
 * before the request is validated, so a caller who may not act learns nothing more.
 */
export function allowed(action: Action, what: string): MiddlewareHandler<ApiEnv> {
  return async (c, next) => {
    ensure(c.get("user"), action, new Set(), what);
    await next();
  };
}
