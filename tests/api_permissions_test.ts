/**
 * Every management endpoint against every kind of caller, as one table. Each cell runs on
 * a fresh store, so no result depends on another (a DELETE never sees an earlier one).
 * The matrix is printed at the end.
 */
import assert from "node:assert/strict";
import { openApi } from "./support/api_app.ts";
import { PROBLEM_JSON } from "../routes/api/problem.ts";
import { figure } from "./support/figures.ts";

const CALLERS = ["anon", "none", "access", "admin", "owner", "super"] as const;
type Caller = typeof CALLERS[number];

interface Row {
  method: string;
  path: string;
  body?: unknown;
  /** Expected statuses in CALLERS order. */
  expected: [number, number, number, number, number, number];
  note?: string;
}

const newConnection = { name: "new-conn", type: "direct", host: "tomcat", port: 8009 };
const grants = { owners: ["own"], admins: ["adm"], access: ["acc"] };

// anon, none, access, admin, owner, super
const TABLE: Row[] = [
  { method: "GET", path: "/api/v1/openapi.json", expected: [200, 200, 200, 200, 200, 200] },
  { method: "GET", path: "/api/v1/me", expected: [401, 200, 200, 200, 200, 200] },
  { method: "GET", path: "/api/v1/connections", expected: [401, 200, 200, 200, 200, 200] },
  {
    method: "POST",
    path: "/api/v1/connections",
    body: newConnection,
    expected: [401, 201, 201, 201, 201, 201],
  },
  {
    method: "POST",
    path: "/api/v1/connections",
    body: { ...newConnection, host: "127.0.0.1" },
    expected: [401, 403, 403, 403, 403, 201],
    note: "loopback",
  },
  {
    method: "POST",
    path: "/api/v1/connections",
    body: { ...newConnection, host: "rebind.example" },
    expected: [401, 403, 403, 403, 403, 201],
    note: "name resolving to loopback",
  },
  {
    method: "POST",
    path: "/api/v1/connections",
    body: {
      name: "new-conn",
      type: "proxy",
      host: "169.254.169.254",
      protocol: "http",
      proxyPort: 80,
    },
    expected: [401, 403, 403, 403, 403, 201],
    note: "link-local",
  },
  {
    method: "POST",
    path: "/api/v1/connections",
    body: { ...newConnection, host: "198.51.100.7" },
    expected: [401, 403, 403, 403, 403, 201],
    note: "outside the allow-list",
  },
  { method: "GET", path: "/api/v1/connections/c1", expected: [401, 403, 200, 200, 200, 200] },
  { method: "GET", path: "/api/v1/connections/nope", expected: [401, 404, 404, 404, 404, 404] },
  {
    method: "PATCH",
    path: "/api/v1/connections/c1",
    body: { description: "changed" },
    expected: [401, 403, 403, 200, 200, 200],
  },
  {
    method: "PATCH",
    path: "/api/v1/connections/c1",
    body: { port: 9009 },
    expected: [401, 403, 403, 200, 200, 200],
    note: "retarget in the allow-list",
  },
  {
    method: "PATCH",
    path: "/api/v1/connections/c1",
    body: { host: "127.0.0.1" },
    expected: [401, 403, 403, 403, 403, 200],
    note: "retarget to loopback",
  },
  {
    method: "DELETE",
    path: "/api/v1/connections/c1",
    expected: [401, 403, 403, 403, 409, 409],
    note: "route r uses it",
  },
  {
    method: "DELETE",
    path: "/api/v1/connections/c1?force=true",
    expected: [401, 403, 403, 403, 200, 200],
  },
  {
    method: "POST",
    path: "/api/v1/connections/c1/reset",
    expected: [401, 403, 403, 200, 200, 200],
  },
  {
    method: "POST",
    path: "/api/v1/connections/c1/disable",
    expected: [401, 403, 403, 200, 200, 200],
  },
  {
    method: "POST",
    path: "/api/v1/connections/c1/enable",
    expected: [401, 403, 403, 200, 200, 200],
  },
  {
    method: "GET",
    path: "/api/v1/connections/c1/permissions",
    expected: [401, 403, 403, 200, 200, 200],
  },
  {
    method: "PUT",
    path: "/api/v1/connections/c1/permissions",
    body: { ...grants, access: ["acc", "nobody"] },
    expected: [401, 403, 403, 200, 200, 200],
    note: "access list only",
  },
  {
    method: "PUT",
    path: "/api/v1/connections/c1/permissions",
    body: { ...grants, admins: ["adm", "acc"] },
    expected: [401, 403, 403, 403, 200, 200],
    note: "admins change",
  },
  {
    method: "PUT",
    path: "/api/v1/connections/c1/permissions",
    body: { ...grants, owners: ["own", "adm"] },
    expected: [401, 403, 403, 403, 200, 200],
    note: "owners change",
  },
  { method: "GET", path: "/api/v1/balancers", expected: [401, 200, 200, 200, 200, 200] },
  {
    method: "POST",
    path: "/api/v1/balancers",
    body: { name: "new-lb" },
    expected: [401, 201, 201, 201, 201, 201],
    note: "no members",
  },
  {
    method: "POST",
    path: "/api/v1/balancers",
    body: { name: "new-lb", members: [{ connection: "c1" }] },
    expected: [401, 403, 201, 201, 201, 201],
    note: "member c1",
  },
  {
    method: "POST",
    path: "/api/v1/balancers",
    body: { name: "new-lb", members: [{ connection: "c2" }] },
    expected: [401, 403, 403, 403, 403, 201],
    note: "member c2: no role",
  },
  { method: "GET", path: "/api/v1/balancers/b1", expected: [401, 403, 200, 200, 200, 200] },
  { method: "GET", path: "/api/v1/balancers/nope", expected: [401, 404, 404, 404, 404, 404] },
  {
    method: "PATCH",
    path: "/api/v1/balancers/b1",
    body: { description: "changed" },
    expected: [401, 403, 403, 200, 200, 200],
  },
  {
    method: "PATCH",
    path: "/api/v1/balancers/b1",
    body: { members: [{ connection: "c1", loadFactor: 2 }] },
    expected: [401, 403, 403, 200, 200, 200],
    note: "members c1",
  },
  {
    method: "PATCH",
    path: "/api/v1/balancers/b1",
    body: { members: [{ connection: "c1" }, { connection: "c2" }] },
    expected: [401, 403, 403, 403, 403, 200],
    note: "adds c2: no role",
  },
  {
    method: "DELETE",
    path: "/api/v1/balancers/b1",
    expected: [401, 403, 403, 403, 409, 409],
    note: "route rb uses it",
  },
  {
    method: "DELETE",
    path: "/api/v1/balancers/b1?force=true",
    expected: [401, 403, 403, 403, 200, 200],
  },
  {
    method: "POST",
    path: "/api/v1/balancers/b1/disable",
    expected: [401, 403, 403, 200, 200, 200],
  },
  {
    method: "POST",
    path: "/api/v1/balancers/b1/enable",
    expected: [401, 403, 403, 200, 200, 200],
  },
  {
    method: "GET",
    path: "/api/v1/balancers/b1/permissions",
    expected: [401, 403, 403, 200, 200, 200],
  },
  {
    method: "PUT",
    path: "/api/v1/balancers/b1/permissions",
    body: { ...grants, access: ["acc", "nobody"] },
    expected: [401, 403, 403, 200, 200, 200],
    note: "access list only",
  },
  {
    method: "PUT",
    path: "/api/v1/balancers/b1/permissions",
    body: { ...grants, admins: ["adm", "acc"] },
    expected: [401, 403, 403, 403, 200, 200],
    note: "admins change",
  },
  {
    method: "PUT",
    path: "/api/v1/balancers/b1/permissions",
    body: { ...grants, owners: ["own", "adm"] },
    expected: [401, 403, 403, 403, 200, 200],
    note: "owners change",
  },
  { method: "GET", path: "/api/v1/routes", expected: [401, 200, 200, 200, 200, 200] },
  {
    method: "POST",
    path: "/api/v1/routes",
    body: { pathPrefix: "/new", connection: "c1" },
    expected: [401, 403, 201, 201, 201, 201],
  },
  {
    method: "POST",
    path: "/api/v1/routes",
    body: { pathPrefix: "/new", connection: "c2" },
    expected: [401, 403, 403, 403, 403, 201],
    note: "to c2: no role",
  },
  { method: "GET", path: "/api/v1/routes/{route}", expected: [401, 200, 200, 200, 200, 200] },
  {
    method: "PATCH",
    path: "/api/v1/routes/{route}",
    body: { enabled: false },
    expected: [401, 403, 403, 200, 200, 200],
  },
  {
    method: "PATCH",
    path: "/api/v1/routes/{route}",
    body: { connection: "c2" },
    expected: [401, 403, 403, 403, 403, 200],
    note: "move to c2",
  },
  { method: "DELETE", path: "/api/v1/routes/{route}", expected: [401, 403, 403, 204, 204, 204] },
  {
    method: "POST",
    path: "/api/v1/routes",
    body: { pathPrefix: "/new", balancer: "b1" },
    expected: [401, 403, 201, 201, 201, 201],
    note: "to b1",
  },
  {
    method: "PATCH",
    path: "/api/v1/routes/{broute}",
    body: { enabled: false },
    expected: [401, 403, 403, 200, 200, 200],
    note: "rb, to b1",
  },
  {
    method: "PATCH",
    path: "/api/v1/routes/{route}",
    body: { balancer: "b1" },
    expected: [401, 403, 403, 200, 200, 200],
    note: "move c1 -> b1",
  },
  {
    method: "PATCH",
    path: "/api/v1/routes/{broute}",
    body: { connection: "c2" },
    expected: [401, 403, 403, 403, 403, 200],
    note: "move b1 -> c2",
  },
  {
    method: "DELETE",
    path: "/api/v1/routes/{broute}",
    expected: [401, 403, 403, 204, 204, 204],
    note: "rb, to b1",
  },
  {
    method: "PATCH",
    path: "/api/v1/routes/{xroute}",
    body: { connection: "c1" },
    expected: [401, 403, 403, 403, 403, 200],
    note: "root's rx to c1",
  },
  {
    method: "DELETE",
    path: "/api/v1/routes/{xroute}",
    expected: [401, 403, 403, 403, 403, 204],
    note: "root's rx",
  },
  {
    method: "POST",
    path: "/api/v1/routes",
    body: { pathPrefix: "/x/y", connection: "c1" },
    expected: [401, 403, 403, 403, 403, 201],
    note: "shadows rx /x",
  },
  {
    method: "POST",
    path: "/api/v1/routes",
    body: { host: "victim.example", pathPrefix: "/", connection: "c1" },
    expected: [401, 403, 403, 403, 403, 201],
    note: "host-bound over any-host rx",
  },
  {
    method: "POST",
    path: "/api/v1/routes",
    body: { pathPrefix: "/app/sub", connection: "c1" },
    expected: [401, 403, 201, 201, 201, 201],
    note: "shadows r: role on r",
  },
  {
    method: "POST",
    path: "/api/v1/routes",
    body: { host: "victim.example", pathPrefix: "/legacy", connection: "c1" },
    expected: [401, 403, 403, 403, 403, 201],
    note: "host-bound over cli-1",
  },
  {
    method: "POST",
    path: "/api/v1/routes",
    body: { pathPrefix: "/legacy/info", connection: "c1" },
    expected: [401, 403, 403, 403, 403, 201],
    note: "longer than cli-1",
  },
  {
    method: "PATCH",
    path: "/api/v1/routes/{route}",
    body: { pathPrefix: "/x/app" },
    expected: [401, 403, 403, 403, 403, 200],
    note: "r moves under rx",
  },
  {
    method: "PATCH",
    path: "/api/v1/routes/{route}",
    body: { pathPrefix: "/legacy/app" },
    expected: [401, 403, 403, 403, 403, 200],
    note: "r moves under cli-1",
  },
  {
    method: "GET",
    path: "/api/v1/routes/{route}/permissions",
    expected: [401, 403, 403, 200, 200, 200],
  },
  {
    method: "PUT",
    path: "/api/v1/routes/{route}/permissions",
    body: { ...grants, access: ["acc", "nobody"] },
    expected: [401, 403, 403, 200, 200, 200],
    note: "access list only",
  },
  {
    method: "PUT",
    path: "/api/v1/routes/{route}/permissions",
    body: { ...grants, owners: ["own", "adm"] },
    expected: [401, 403, 403, 403, 200, 200],
    note: "owners change",
  },
  {
    method: "GET",
    path: "/api/v1/routes/cli-1/permissions",
    expected: [401, 404, 404, 404, 404, 404],
  },
  { method: "GET", path: "/api/v1/routes/cli-1", expected: [401, 200, 200, 200, 200, 200] },
  {
    method: "PATCH",
    path: "/api/v1/routes/cli-1",
    body: { enabled: false },
    expected: [401, 409, 409, 409, 409, 409],
  },
  { method: "DELETE", path: "/api/v1/routes/cli-1", expected: [401, 409, 409, 409, 409, 409] },
  { method: "GET", path: "/api/v1/users", expected: [401, 403, 403, 403, 403, 200] },
  {
    method: "POST",
    path: "/api/v1/users",
    body: { name: "newbie" },
    expected: [401, 403, 403, 403, 403, 201],
  },
  { method: "DELETE", path: "/api/v1/users/nobody", expected: [401, 403, 403, 403, 403, 204] },
  {
    method: "POST",
    path: "/api/v1/users/nobody/tokens",
    body: { name: "ci" },
    expected: [401, 403, 403, 403, 403, 201],
  },
  {
    method: "DELETE",
    path: "/api/v1/users/nobody/tokens/{token}",
    expected: [401, 200, 403, 403, 403, 200],
    note: "none is nobody",
  },
  { method: "GET", path: "/api/v1/me/tokens", expected: [401, 200, 200, 200, 200, 200] },
  {
    method: "DELETE",
    path: "/api/v1/me/tokens/{token}",
    expected: [401, 200, 404, 404, 404, 404],
    note: "nobody's token",
  },
  { method: "GET", path: "/api/v1/audit", expected: [401, 403, 403, 403, 403, 200] },
  { method: "GET", path: "/api/v1/instances", expected: [401, 403, 403, 403, 403, 200] },
  { method: "GET", path: "/api/v1/nothing-here", expected: [401, 404, 404, 404, 404, 404] },
];

/**
 * A fresh store: users nobody (no role), acc, adm, own; connection c1 (own owner, adm admin,
 * acc access) with route r /app; connection c2 (root's only) with route rx /x (root's
 * only); balancer b1 of member c1 and route rb /lb; b1, r and rb with the grants of c1; a
 * token of nobody's. Command-line route cli-1 is /legacy.
 */
async function fixture() {
  const h = await openApi();
  const tokens: Record<Caller, string | null> = {
    anon: null,
    none: await h.userWithToken("nobody"),
    access: await h.userWithToken("acc"),
    admin: await h.userWithToken("adm"),
    owner: await h.userWithToken("own"),
    super: h.rootToken,
  };
  const { repos } = h;
  await repos.connections.create({ name: "c1", type: "direct", host: "a", port: 8009 }, "root");
  await repos.connections.create({ name: "c2", type: "direct", host: "b", port: 8009 }, "root");
  await repos.connections.setPermissions("c1", [
    { user: "own", role: "owner" },
    { user: "adm", role: "admin" },
    { user: "acc", role: "access" },
  ], "root");
  const grants = [
    { user: "own", role: "owner" },
    { user: "adm", role: "admin" },
    { user: "acc", role: "access" },
  ] as const;
  const route = await repos.routes.create({ pathPrefix: "/app", connection: "c1" }, "root");
  await repos.routes.setPermissions(route.id, grants, "root");
  const rootRoute = await repos.routes.create({ pathPrefix: "/x", connection: "c2" }, "root");
  await repos.balancers.create({ name: "b1", members: [{ connection: "c1" }] }, "root");
  await repos.balancers.setPermissions("b1", [
    { user: "own", role: "owner" },
    { user: "adm", role: "admin" },
    { user: "acc", role: "access" },
  ], "root");
  const balancerRoute = await repos.routes.create({ pathPrefix: "/lb", balancer: "b1" }, "root");
  await repos.routes.setPermissions(balancerRoute.id, grants, "root");
  const token = (await repos.users.listTokens("nobody"))[0];
  const path = (p: string) =>
    p.replace("{route}", route.id).replace("{broute}", balancerRoute.id)
      .replace("{xroute}", rootRoute.id)
      .replace("{token}", String(token.id));
  return Object.assign(h, { tokens, path });
}

Deno.test("permissions: every endpoint x every caller gets its status", async () => {
  const failures: string[] = [];
  const lines: string[] = [];
  for (const row of TABLE) {
    const got: number[] = [];
    for (const [i, caller] of CALLERS.entries()) {
      await using f = await fixture();
      const res = await f.call(row.method, f.path(row.path), {
        token: f.tokens[caller],
        body: row.body,
      });
      got.push(res.status);
      const type = res.headers.get("content-type") ?? "";
      if (res.status >= 400 && type !== PROBLEM_JSON) {
        failures.push(`${row.method} ${row.path} as ${caller}: content-type ${type}`);
      }
      if (res.status === 401 && !res.headers.get("www-authenticate")?.startsWith("Bearer")) {
        failures.push(`${row.method} ${row.path} as ${caller}: 401 without WWW-Authenticate`);
      }
      await res.body?.cancel();
      if (got[i] !== row.expected[i]) {
        failures.push(
          `${row.method} ${row.path}${row.note ? ` (${row.note})` : ""} as ${caller}: ` +
            `got ${got[i]}, expected ${row.expected[i]}`,
        );
      }
      assert.deepEqual(f.logged, [], "no unexpected server error");
    }
    const label = `${row.method.padEnd(6)} ${row.path}${row.note ? ` (${row.note})` : ""}`;
    lines.push(`${label.padEnd(62)} ${got.map((s) => String(s).padStart(7)).join("")}`);
  }
  figure(
    `\n${"endpoint".padEnd(62)} ${CALLERS.map((c) => c.padStart(7)).join("")}\n` +
      lines.join("\n"),
  );
  assert.deepEqual(failures, []);
});
