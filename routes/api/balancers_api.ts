/**
 * `/api/v1/balancers` and `/api/v1/balancers/{name}`: list, create, read, modify and
 * delete balancers, with the roles of connections. Listing shows only balancers the caller
 * holds a role on (all for a superuser); reading one without a role is a 403, not a 404.
 * Naming a connection as a member needs a role on that connection: a balancer must not
 * become a way to send traffic to a connection one may not use.
 * @module
 */
import { createRoute, z } from "@hono/zod-openapi";
import type { User } from "../../db/mod.ts";
import { ensure, rolesOn } from "./access.ts";
import { registerDeleteEndpoint } from "./delete_api.ts";
import { memberIssues } from "./balancer_rules.ts";
import {
  balancerCreate,
  balancerNameParam,
  balancerPatch,
  balancerView,
  type MemberInput,
} from "./balancer_schema.ts";
import { viewBalancer, viewBalancers } from "./balancer_view.ts";
import { ApiProblem } from "./problem.ts";
import { json, jsonBody, problems } from "./problem_schema.ts";
import type { Role } from "../../src/auth/permissions.ts";
import type { ApiApp, ApiDeps } from "./types.ts";

const tags = ["balancers"];
const security = [{ bearerAuth: [] }];

const list = createRoute({
  method: "get",
  path: "/api/v1/balancers",
  tags,
  security,
  summary: "List the balancers the caller holds a role on (all for a superuser)",
  responses: { 200: json(z.array(balancerView), "The balancers"), ...problems(401) },
});

const create = createRoute({
  method: "post",
  path: "/api/v1/balancers",
  tags,
  security,
  summary: "Create a balancer (needs a role on each member connection); the caller owns it",
  request: { body: jsonBody(balancerCreate) },
  responses: {
    201: json(balancerView, "Created"),
    ...problems(400, 401, 403, 409, 413, 415, 422),
  },
});

const read = createRoute({
  method: "get",
  path: "/api/v1/balancers/{name}",
  tags,
  security,
  summary: "Read a balancer (any role), with the live state of each member",
  request: { params: balancerNameParam },
  responses: { 200: json(balancerView, "The balancer"), ...problems(401, 403, 404) },
});

const update = createRoute({
  method: "patch",
  path: "/api/v1/balancers/{name}",
  tags,
  security,
  summary: "Modify a balancer (admin or owner; listed members need a role on their connection)",
  request: { params: balancerNameParam, body: jsonBody(balancerPatch) },
  responses: {
    200: json(balancerView, "The modified balancer"),
    ...problems(400, 401, 403, 404, 409, 413, 415, 422),
  },
});

/** Registers the routes above on `app`, then `DELETE` from `delete_api.ts`. */
export function registerBalancers(app: ApiApp, deps: ApiDeps): void {
  const { repos, live } = deps;

  app.openapi(list, async (c) => {
    const user = c.get("user");
    let all = await repos.balancers.list();
    if (!user.superuser) {
      const mine = new Set(
        (await repos.balancers.permissionsOf(user.name)).map((p) => p.balancer),
      );
      all = all.filter((b) => mine.has(b.name));
    }
    return c.json(await viewBalancers(deps, all), 200);
  });

  app.openapi(create, async (c) => {
    const user = c.get("user");
    const input = c.req.valid("json");
    ensure(user, "balancer.create", new Set(), "create balancers");
    await ensureMembers(deps, user, input.name, input.members ?? []);
    const created = await repos.balancers.create(input, user.name);
    await live.refresh();
    c.header("location", `/api/v1/balancers/${encodeURIComponent(created.name)}`);
    return c.json(await viewBalancer(deps, created), 201);
  });

  app.openapi(read, async (c) => {
    const { name } = c.req.valid("param");
    const b = await repos.balancers.get(name);
    const roles = await rolesOn(repos, "balancer", b.name, c.get("user"));
    ensure(c.get("user"), "balancer.read", roles, `read balancer "${b.name}"`);
    return c.json(await viewBalancer(deps, b), 200);
  });

  app.openapi(update, async (c) => {
    const user = c.get("user");
    const { name } = c.req.valid("param");
    const current = await repos.balancers.get(name);
    const roles = await rolesOn(repos, "balancer", current.name, user);
    ensure(user, "balancer.update", roles, `modify balancer "${current.name}"`);
    const patch = c.req.valid("json");
    if (patch.members !== undefined) {
      await ensureMembers(deps, user, current.name, patch.members);
    }
    const updated = await repos.balancers.update(current.name, patch, user.name);
    await live.refresh();
    return c.json(await viewBalancer(deps, updated), 200);
  });

  registerDeleteEndpoint(app, deps, "balancer");
}

/**
 * Throws a 422 naming each member whose connection does not exist or repeats a connection
 * or route, then a 403 naming the first member connection `user` holds no role on. Every
 * member of the list given is checked, also those the balancer already had.
 */
async function ensureMembers(
  { repos }: ApiDeps,
  user: User,
  balancer: string,
  members: readonly MemberInput[],
): Promise<void> {
  if (members.length === 0) return;
  const connections = new Map(
    (await repos.connections.list()).map((conn) => [conn.name.toLowerCase(), conn.name]),
  );
  const issues = memberIssues(members, connections);
  if (issues.length > 0) throw ApiProblem.validation(issues);
  const held = new Map<string, Set<Role>>();
  if (!user.superuser) {
    for (const { connection, role } of await repos.connections.permissionsOf(user.name)) {
      const roles = held.get(connection) ?? new Set<Role>();
      held.set(connection, roles.add(role));
    }
  }
  for (const m of members) {
    const name = connections.get(m.connection.toLowerCase())!;
    const roles = held.get(name) ?? new Set<Role>();
    ensure(
      user,
      "balancer.members.set",
      roles,
      `use connection "${name}" in balancer "${balancer}"`,
    );
  }
}
