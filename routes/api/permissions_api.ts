/**
 * `GET|PUT /api/v1/connections/{name}/permissions` and the same under `/api/v1/balancers`:
 * who holds which role, as `{owners, admins, access}` lists of user names, with the same
 * rules for both kinds. Admins and owners may read them. A PUT replaces them all: owners
 * may change any list, admins only `access` (a PUT by an admin that changes owners or
 * admins is a 403).
 * @module
 */
import { createRoute } from "@hono/zod-openapi";
import { ensure, rolesOn } from "./access.ts";
import { OBJECT_KINDS, type ObjectKind } from "./object_kinds.ts";
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

/** Registers `GET` and `PUT /api/v1/{kind}s/{name}/permissions` on `app`. */
export function registerPermissionEndpoints(
  app: ApiApp,
  deps: ApiDeps,
  kind: ObjectKind,
): void {
  const { repos, live } = deps;
  const { plural, nameParam, repo } = OBJECT_KINDS[kind];
  const store = repo(repos);
  const tags = [plural];
  const security = [{ bearerAuth: [] }];
  const path = `/api/v1/${plural}/{name}/permissions`;

  const read = createRoute({
    method: "get",
    path,
    tags,
    security,
    summary: `Read who holds which role on the ${kind} (admin or owner)`,
    request: { params: nameParam },
    responses: { 200: json(permissionsBody, "The grants"), ...problems(401, 403, 404) },
  });

  const replace = createRoute({
    method: "put",
    path,
    tags,
    security,
    summary: "Replace the grants: owners may change all, admins only `access`",
    request: { params: nameParam, body: jsonBody(permissionsBody) },
    responses: {
      200: json(permissionsBody, "The grants now"),
      ...problems(400, 401, 403, 404, 413, 415, 422),
    },
  });

  app.openapi(read, async (c) => {
    const user = c.get("user");
    const { name } = await store.get(c.req.valid("param").name);
    const roles = await rolesOn(repos, kind, name, user);
    ensure(user, `${kind}.permissions.read`, roles, `read the permissions of "${name}"`);
    return c.json(toPermissionsBody(await store.getPermissions(name)), 200);
  });

  app.openapi(replace, async (c) => {
    const user = c.get("user");
    const { name } = await store.get(c.req.valid("param").name);
    const roles = await rolesOn(repos, kind, name, user);
    const what = `change the permissions of "${name}"`;
    ensure(user, `${kind}.permissions.setAccess`, roles, what);
    const wanted = c.req.valid("json");
    const unknown = await unknownUsers(deps, wanted);
    if (unknown.length > 0) throw ApiProblem.validation(unknown);
    const current = toPermissionsBody(await store.getPermissions(name));
    if (!sameUsers(current.owners, wanted.owners) || !sameUsers(current.admins, wanted.admins)) {
      ensure(
        user,
        `${kind}.permissions.set`,
        roles,
        `${what}: only owners change owners or admins`,
      );
    }
    const after = await store.setPermissions(name, toGrants(wanted), user.name);
    await live.refresh();
    return c.json(toPermissionsBody(after), 200);
  });
}

/** A 422 field error for each listed user that does not exist, e.g. `owners.1`. */
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
