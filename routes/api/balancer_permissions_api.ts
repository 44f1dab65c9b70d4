/**
 * `GET|PUT /api/v1/balancers/{name}/permissions`: who holds which role, as
 * `{owners, admins, access}` lists of user names, with the rules of connections. Admins and
 * owners may read them. A PUT replaces them all: owners may change any list, admins only
 * `access` (a PUT by an admin that changes owners or admins is a 403).
 * @module
 */
import { createRoute } from "@hono/zod-openapi";
import { ensure, rolesOn } from "./access.ts";
import { balancerNameParam } from "./balancer_schema.ts";
import {
  type PermissionsBody,
  permissionsBody,
  sameUsers,
  toGrants,
  toPermissionsBody,
} from "./permissions_schema.ts";
import { ApiProblem, type FieldError } from "./problem.ts";
import { json, jsonBody, problems } from "./problem_schema.ts";
import type { ApiApp, ApiDeps } from "./types.ts";

const tags = ["balancers"];
const security = [{ bearerAuth: [] }];

const read = createRoute({
  method: "get",
  path: "/api/v1/balancers/{name}/permissions",
  tags,
  security,
  summary: "Read who holds which role on the balancer (admin or owner)",
  request: { params: balancerNameParam },
  responses: { 200: json(permissionsBody, "The grants"), ...problems(401, 403, 404) },
});

const replace = createRoute({
  method: "put",
  path: "/api/v1/balancers/{name}/permissions",
  tags,
  security,
  summary: "Replace the grants: owners may change all, admins only `access`",
  request: { params: balancerNameParam, body: jsonBody(permissionsBody) },
  responses: {
    200: json(permissionsBody, "The grants now"),
    ...problems(400, 401, 403, 404, 413, 415, 422),
  },
});

/** Registers the two routes on `app`. */
export function registerBalancerPermissions(app: ApiApp, deps: ApiDeps): void {
  const { repos, live } = deps;

  app.openapi(read, async (c) => {
    const user = c.get("user");
    const b = await repos.balancers.get(c.req.valid("param").name);
    const roles = await rolesOn(repos, "balancer", b.name, user);
    ensure(user, "balancer.permissions.read", roles, `read the permissions of "${b.name}"`);
    return c.json(toPermissionsBody(await repos.balancers.getPermissions(b.name)), 200);
  });

  app.openapi(replace, async (c) => {
    const user = c.get("user");
    const b = await repos.balancers.get(c.req.valid("param").name);
    const roles = await rolesOn(repos, "balancer", b.name, user);
    const what = `change the permissions of "${b.name}"`;
    ensure(user, "balancer.permissions.setAccess", roles, what);
    const wanted = c.req.valid("json");
    const unknown = await unknownUsers(deps, wanted);
    if (unknown.length > 0) throw ApiProblem.validation(unknown);
    const current = toPermissionsBody(await repos.balancers.getPermissions(b.name));
    if (!sameUsers(current.owners, wanted.owners) || !sameUsers(current.admins, wanted.admins)) {
      ensure(
        user,
        "balancer.permissions.set",
        roles,
        `${what}: only owners change owners or admins`,
      );
    }
    const after = await repos.balancers.setPermissions(b.name, toGrants(wanted), user.name);
    await live.refresh();
    return c.json(toPermissionsBody(after), 200);
  });
}

/**
 * A 422 field error for each listed user that does not exist, e.g. `owners.1`. The same
 * as the connections' check in `connection_permissions_api.ts`, which does not export it.
 */
async function unknownUsers({ repos }: ApiDeps, body: PermissionsBody): Promise<FieldError[]> {
  const known = new Set((await repos.users.list()).map((u) => u.name.toLowerCase()));
  return (["owners", "admins", "access"] as const).flatMap((key) =>
    body[key].flatMap((name, i) =>
      known.has(name.toLowerCase())
        ? []
        : [{ field: `${key}.${i}`, message: `no user named "${name}"` }]
    )
  );
}
