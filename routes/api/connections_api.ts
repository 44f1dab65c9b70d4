/**
 * `/api/v1/connections` and `/api/v1/connections/{name}`: list, create, read, modify and
 * delete connections. Listing shows only connections the caller holds a role on (all for
 * a superuser); reading one without a role is a 403, not a 404. Only a superuser may point
 * a connection at a backend the backend policy refuses (loopback, the gateway itself,
 * outside `--backend-allow`); a connection whose backend someone else set is `restricted`
 * and checked again on every connect. Pointing a connection elsewhere clears its secret and
 * password unless the request sets them or comes from an owner.
 * @module
 */
import { createRoute, z } from "@hono/zod-openapi";
import type { User } from "../../db/mod.ts";
import { BackendPolicy } from "../../src/proxy/backend_policy.ts";
import { ensure, rolesOn } from "./access.ts";
import { registerDeleteEndpoint } from "./delete_api.ts";
import {
  connectionCreate,
  connectionNameParam,
  connectionPatch,
  connectionView,
} from "./connection_schema.ts";
import {
  backendAddress,
  connectionIssues,
  type ConnectionShape,
  mergeConnectionPatch,
  retarget,
  shapeOfInput,
} from "./connection_rules.ts";
import { viewConnection } from "./connection_view.ts";
import { ApiProblem } from "./problem.ts";
import { json, jsonBody, problems } from "./problem_schema.ts";
import type { ApiApp, ApiDeps } from "./types.ts";

const tags = ["connections"];
const security = [{ bearerAuth: [] }];

const list = createRoute({
  method: "get",
  path: "/api/v1/connections",
  tags,
  security,
  summary: "List the connections the caller holds a role on (all for a superuser)",
  responses: { 200: json(z.array(connectionView), "The connections"), ...problems(401) },
});

const create = createRoute({
  method: "post",
  path: "/api/v1/connections",
  tags,
  security,
  summary: "Create a connection; the caller becomes its owner",
  request: { body: jsonBody(connectionCreate) },
  responses: {
    201: json(connectionView, "Created"),
    ...problems(400, 401, 403, 409, 413, 415, 422),
  },
});

const read = createRoute({
  method: "get",
  path: "/api/v1/connections/{name}",
  tags,
  security,
  summary: "Read a connection (any role)",
  request: { params: connectionNameParam },
  responses: { 200: json(connectionView, "The connection"), ...problems(401, 403, 404) },
});

const update = createRoute({
  method: "patch",
  path: "/api/v1/connections/{name}",
  tags,
  security,
  summary: "Modify a connection (admin or owner); the merged result is validated",
  request: { params: connectionNameParam, body: jsonBody(connectionPatch) },
  responses: {
    200: json(connectionView, "The modified connection"),
    ...problems(400, 401, 403, 404, 409, 413, 415, 422),
  },
});

/** Registers the routes above on `app`, then `DELETE` from `delete_api.ts`. */
export function registerConnections(app: ApiApp, deps: ApiDeps): void {
  const { repos, live } = deps;
  const defaultPolicy = new BackendPolicy();
  const check = deps.checkBackend ?? ((host, port) => defaultPolicy.check(host, port));

  /** Throws 403 unless `user` may send connection `name` to `host` of `shape`. */
  const ensureBackend = async (user: User, name: string, host: string, shape: ConnectionShape) => {
    if (user.superuser) return;
    const to = backendAddress(host, shape);
    const why = await check(to.host, to.port);
    if (why === null) return;
    throw new ApiProblem(
      403,
      `user "${user.name}" may not point connection "${name}" at ${to.host}:${to.port}: ` +
        `${why}; only a superuser may`,
    );
  };

  app.openapi(list, async (c) => {
    const user = c.get("user");
    let all = await repos.connections.list();
    if (!user.superuser) {
      const mine = new Set(
        (await repos.connections.permissionsOf(user.name)).map((p) => p.connection),
      );
      all = all.filter((conn) => mine.has(conn.name));
    }
    return c.json(await Promise.all(all.map((conn) => viewConnection(deps, conn))), 200);
  });

  app.openapi(create, async (c) => {
    const user = c.get("user");
    const input = c.req.valid("json");
    ensure(user, "connection.create", new Set(), "create connections");
    const shape = shapeOfInput(input);
    const issues = connectionIssues(shape);
    if (issues.length > 0) throw ApiProblem.validation(issues);
    await ensureBackend(user, input.name, input.host, shape);
    const created = await repos.connections.create(
      { ...input, restricted: !user.superuser },
      user.name,
    );
    await live.refresh();
    c.header("location", `/api/v1/connections/${encodeURIComponent(created.name)}`);
    return c.json(await viewConnection(deps, created), 201);
  });

  app.openapi(read, async (c) => {
    const { name } = c.req.valid("param");
    const conn = await repos.connections.get(name);
    const roles = await rolesOn(repos, "connection", conn.name, c.get("user"));
    ensure(c.get("user"), "connection.read", roles, `read connection "${conn.name}"`);
    return c.json(await viewConnection(deps, conn), 200);
  });

  app.openapi(update, async (c) => {
    const user = c.get("user");
    const { name } = c.req.valid("param");
    const current = await repos.connections.get(name);
    const roles = await rolesOn(repos, "connection", current.name, user);
    ensure(user, "connection.update", roles, `modify connection "${current.name}"`);
    const keep = user.superuser || roles.has("owner");
    const moved = retarget(current, c.req.valid("json"), keep);
    const { patch, shape } = mergeConnectionPatch(current, moved.patch);
    const issues = connectionIssues(shape);
    if (issues.length > 0) throw ApiProblem.validation(issues);
    if (moved.moved) {
      await ensureBackend(user, current.name, patch.host ?? current.host, shape);
      patch.restricted = !user.superuser;
    }
    const updated = await repos.connections.update(current.name, patch, user.name);
    await live.refresh();
    const view = await viewConnection(deps, updated);
    return c.json(moved.cleared.length > 0 ? { ...view, cleared: moved.cleared } : view, 200);
  });

  registerDeleteEndpoint(app, deps, "connection");
}
