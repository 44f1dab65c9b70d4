/**
 * `GET|PUT /api/v1/connections/{name}/permissions`, the same under `/api/v1/balancers` and
 * `/api/v1/routes/{id}/permissions`: who holds which role, as `{owners, admins, access}`
 * lists of user names, with the same rules for every kind. Admins and owners may read them. A PUT replaces them all: owners
 * may change any list, admins only `access` (a PUT by an admin that changes owners or
 * admins is a 403).
 * @module
 */
import { createRoute } from "@hono/zod-openapi";
import { ensure, rolesOn } from "./access.ts";
import type { Permission, Repositories } from "../../db/mod.ts";
import { OBJECT_KINDS, type ObjectKind } from "./object_kinds.ts";
import { routeIdParam } from "./route_schema.ts";
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

/** What the endpoints need of each kind: its path, parameter and grant storage. */
interface Subject {
  plural: string;
  param: typeof routeIdParam | (typeof OBJECT_KINDS)[ObjectKind]["nameParam"];
  /** The key the object is stored under (its name as stored, or the route id). */
  find(repos: Repositories, key: string): Promise<string>;
  get(repos: Repositories, key: string): Promise<Permission[]>;
  set(repos: Repositories, key: string, grants: Permission[], actor: string): Promise<Permission[]>;
}

function subjectOf(kind: ObjectKind | "route"): Subject {
  if (kind === "route") {
    return {
      plural: "routes",
      param: routeIdParam,
      find: async (repos, id) => (await repos.routes.get(id)).id,
      get: (repos, id) => repos.routes.getPermissions(id),
      set: (repos, id, grants, actor) => repos.routes.setPermissions(id, grants, actor),
    };
  }
  const { plural, nameParam, repo } = OBJECT_KINDS[kind];
  return {
    plural,
    param: nameParam,
    find: async (repos, name) => (await repo(repos).get(name)).name,
    get: (repos, name) => repo(repos).getPermissions(name),
    set: (repos, name, grants, actor) => repo(repos).setPermissions(name, grants, actor),
  };
}

/** Registers `GET` and `PUT /api/v1/{kind}s/{name or id}/permissions` on `app`. */
export function registerPermissionEndpoints(
  app: ApiApp,
  deps: ApiDeps,
  kind: ObjectKind | "route",
): void {
  const { repos, live } = deps;
  const subject = subjectOf(kind);
  const { plural } = subject;
  const key = kind === "route" ? "id" : "name";
  const tags = [plural];
  const security = [{ bearerAuth: [] }];
  const path = `/api/v1/${plural}/{${key}}/permissions`;
  const nameParam = subject.param;
  const keyOf = (param: Record<string, string>) => subject.find(repos, param[key]);
  const label = (name: string) => kind === "route" ? `route ${name}` : `"${name}"`;

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
    const name = await keyOf(c.req.valid("param"));
    const roles = await rolesOn(repos, kind, name, user);
    ensure(user, `${kind}.permissions.read`, roles, `read the permissions of ${label(name)}`);
    return c.json(toPermissionsBody(await subject.get(repos, name)), 200);
  });

  app.openapi(replace, async (c) => {
    const user = c.get("user");
    const name = await keyOf(c.req.valid("param"));
    const roles = await rolesOn(repos, kind, name, user);
    const what = `change the permissions of ${label(name)}`;
    ensure(user, `${kind}.permissions.setAccess`, roles, what);
    const wanted = c.req.valid("json");
    const unknown = await unknownUsers(deps, wanted);
    if (unknown.length > 0) throw ApiProblem.validation(unknown);
    const current = toPermissionsBody(await subject.get(repos, name));
    if (!sameUsers(current.owners, wanted.owners) || !sameUsers(current.admins, wanted.admins)) {
      ensure(
        user,
        `${kind}.permissions.set`,
        roles,
        `${what}: only owners change owners or admins`,
      );
    }
    const after = await subject.set(repos, name, toGrants(wanted), user.name);
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
