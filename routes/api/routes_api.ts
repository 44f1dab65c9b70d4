/**
 * `/api/v1/routes` and `/api/v1/routes/{id}`. Any authenticated user may list and read
 * routes (stored ones and the read-only command-line ones, ids `cli-N`). Creating one needs
 * a role on its target, and its creator becomes its owner; changing or deleting one needs
 * `admin` or `owner` on the route, and moving it to another target a role on that target
 * too. A new or changed route that would take requests another route takes today (see
 * {@linkcode shadows}) needs a role on that route; only a superuser may shadow a
 * command-line route. Command-line routes cannot be changed here: a PATCH or DELETE on one
 * is a 409.
 * @module
 */
import { createRoute, z } from "@hono/zod-openapi";
import { DbNotFoundError, type Route, type User } from "../../db/mod.ts";
import type { ReadOnlyRoute } from "../../src/config/live_view.ts";
import type { Action } from "../../src/auth/permissions.ts";
import { ensure, rolesOn } from "./access.ts";
import { ApiProblem } from "./problem.ts";
import { json, jsonBody, problems } from "./problem_schema.ts";
import {
  mergeRoutePatch,
  normalizeHost,
  type RouteScope,
  type RouteTarget,
  shadows,
  targetIssues,
} from "./route_rules.ts";
import {
  routeCreate,
  routeIdParam,
  routePatch,
  type RouteView,
  routeView,
} from "./route_schema.ts";
import type { ApiApp, ApiDeps } from "./types.ts";

const tags = ["routes"];
const security = [{ bearerAuth: [] }];

const list = createRoute({
  method: "get",
  path: "/api/v1/routes",
  tags,
  security,
  summary: "List all routes: stored ones and the read-only command-line ones",
  responses: { 200: json(z.array(routeView), "The routes"), ...problems(401) },
});

const create = createRoute({
  method: "post",
  path: "/api/v1/routes",
  tags,
  security,
  summary: "Create a route (needs a role on its target and on every route it would shadow)",
  request: { body: jsonBody(routeCreate) },
  responses: { 201: json(routeView, "Created"), ...problems(400, 401, 403, 409, 413, 415, 422) },
});

const read = createRoute({
  method: "get",
  path: "/api/v1/routes/{id}",
  tags,
  security,
  summary: "Read a route",
  request: { params: routeIdParam },
  responses: { 200: json(routeView, "The route"), ...problems(401, 404) },
});

const update = createRoute({
  method: "patch",
  path: "/api/v1/routes/{id}",
  tags,
  security,
  summary: "Modify a stored route (admin or owner; a role on a new target)",
  request: { params: routeIdParam, body: jsonBody(routePatch) },
  responses: {
    200: json(routeView, "The modified route"),
    ...problems(400, 401, 403, 404, 409, 413, 415, 422),
  },
});

const remove = createRoute({
  method: "delete",
  path: "/api/v1/routes/{id}",
  tags,
  security,
  summary: "Delete a stored route (admin or owner)",
  request: { params: routeIdParam },
  responses: { 204: { description: "Deleted" }, ...problems(401, 403, 404, 409) },
});

/** A stored route as shown. */
function storedView(r: Route): RouteView {
  return { ...r, readOnly: false };
}

/** A command-line route as shown. */
function cliView(r: ReadOnlyRoute): RouteView {
  return {
    id: r.id,
    host: r.host,
    pathPrefix: r.pathPrefix,
    connection: r.connection,
    balancer: null,
    backendPath: r.backendPath,
    preserveHost: r.preserveHost,
    enabled: r.enabled,
    readOnly: true,
    createdAt: null,
    updatedAt: null,
  };
}

/** Registers the routes above on `app`. */
export function registerRoutes(app: ApiApp, deps: ApiDeps): void {
  const { repos, live } = deps;
  const cliRoute = (id: string) => live.readOnlyRoutes().find((r) => r.id === id);
  const refuseCli = (id: string) => {
    if (cliRoute(id) !== undefined) {
      throw new ApiProblem(409, `route ${id} comes from the command line and is read-only`);
    }
  };

  /** Throws 403 unless `user` may `action` on route `id`. */
  const ensureOnRoute = async (user: User, action: Action, id: string, verb: string) => {
    ensure(user, action, await rolesOn(repos, "route", id, user), `${verb} route ${id}`);
  };

  /**
   * Throws 403 naming the first route that a route at `scope` would take requests from
   * while `user` holds no role on it (any command-line route, unless a superuser).
   */
  const ensureNoShadowing = async (user: User, scope: RouteScope, exceptId?: string) => {
    if (user.superuser) return;
    const where = `${scope.host ?? "any host"} ${scope.pathPrefix}`;
    for (const cli of live.readOnlyRoutes()) {
      if (!shadows(scope, cli)) continue;
      throw new ApiProblem(
        403,
        `a route at ${where} would take requests from route ${cli.id} ` +
          `(${cli.host ?? "any host"} ${cli.pathPrefix}, from the command line); ` +
          "only a superuser may shadow a command-line route",
      );
    }
    for (const other of await repos.routes.list()) {
      if (other.id === exceptId || !shadows(scope, other)) continue;
      const roles = await rolesOn(repos, "route", other.id, user);
      ensure(
        user,
        "route.shadow",
        roles,
        `place a route at ${where}: it would take requests from route ${other.id} ` +
          `(${other.host ?? "any host"} ${other.pathPrefix})`,
      );
    }
  };

  /** Throws 403 unless `user` may `action` on `target`; 422 when the target does not exist. */
  const ensureOnTarget = async (user: User, action: Action, target: RouteTarget, verb: string) => {
    const [kind, name] = target.connection !== null
      ? ["connection" as const, target.connection]
      : ["balancer" as const, target.balancer!];
    let roles;
    try {
      roles = await rolesOn(repos, kind, name, user);
    } catch (err) {
      if (!(err instanceof DbNotFoundError)) throw err;
      throw ApiProblem.validation([{ field: kind, message: `no ${kind} named "${name}"` }]);
    }
    ensure(user, action, roles, `${verb} routes to ${kind} "${name}"`);
  };

  app.openapi(list, async (c) => {
    const stored = (await repos.routes.list()).map(storedView);
    return c.json([...live.readOnlyRoutes().map(cliView), ...stored], 200);
  });

  app.openapi(create, async (c) => {
    const user = c.get("user");
    const body = c.req.valid("json");
    const input = { ...body, host: normalizeHost(body.host) };
    const target = { connection: input.connection ?? null, balancer: input.balancer ?? null };
    const issues = targetIssues(target);
    if (issues.length > 0) throw ApiProblem.validation(issues);
    await ensureOnTarget(user, "route.create", target, "create");
    await ensureNoShadowing(user, { host: input.host ?? null, pathPrefix: input.pathPrefix });
    const created = await repos.routes.create(input, user.name);
    await live.refresh();
    c.header("location", `/api/v1/routes/${created.id}`);
    return c.json(storedView(created), 201);
  });

  app.openapi(read, async (c) => {
    const { id } = c.req.valid("param");
    const cli = cliRoute(id);
    return c.json(cli !== undefined ? cliView(cli) : storedView(await repos.routes.get(id)), 200);
  });

  app.openapi(update, async (c) => {
    const user = c.get("user");
    const { id } = c.req.valid("param");
    refuseCli(id);
    const current = await repos.routes.get(id);
    await ensureOnRoute(user, "route.update", id, "change");
    const body = c.req.valid("json");
    const { patch, target } = mergeRoutePatch(current, { ...body, host: normalizeHost(body.host) });
    const issues = targetIssues(target);
    if (issues.length > 0) throw ApiProblem.validation(issues);
    if (target.connection !== current.connection || target.balancer !== current.balancer) {
      await ensureOnTarget(user, "route.create", target, "move");
    }
    const scope = {
      host: patch.host !== undefined ? patch.host : current.host,
      pathPrefix: patch.pathPrefix ?? current.pathPrefix,
    };
    if (scope.host !== current.host || scope.pathPrefix !== current.pathPrefix) {
      await ensureNoShadowing(user, scope, id);
    }
    const updated = await repos.routes.update(id, patch, user.name);
    await live.refresh();
    return c.json(storedView(updated), 200);
  });

  app.openapi(remove, async (c) => {
    const user = c.get("user");
    const { id } = c.req.valid("param");
    refuseCli(id);
    await repos.routes.get(id);
    await ensureOnRoute(user, "route.delete", id, "delete");
    await repos.routes.delete(id, user.name);
    await live.refresh();
    return c.body(null, 204);
  });
}
