/**
 * The balancer endpoints of the management API: create, read, list, modify and delete;
 * each validation rule as a 422 naming its field; a referenced balancer's 409 and forced
 * delete; the role needed on each member connection; disable and enable; the live state of
 * members in the view; routes that target a balancer.
 */
import assert from "node:assert/strict";
import { type ApiHarness, openApi } from "./support/api_app.ts";
import { invalid, problem } from "./support/api_answers.ts";
import type { ConnectionStatus } from "../src/config/live_view.ts";

/** Asserts a 2xx JSON answer with `status`; returns its body. */
async function ok(res: Response, status = 200) {
  const body = await res.json();
  assert.equal(res.status, status, JSON.stringify(body));
  return body;
}

/** A harness with connections c1, c2, c3 (root's). */
async function withConnections(): Promise<ApiHarness> {
  const h = await openApi();
  for (const name of ["c1", "c2", "c3"]) {
    await h.repos.connections.create({ name, type: "direct", host: name, port: 8009 }, "root");
  }
  return h;
}

Deno.test("balancers: create, read, list, modify, delete", async () => {
  await using h = await withConnections();
  const refreshes = h.live.refreshes;
  const res = await h.call("POST", "/api/v1/balancers", {
    body: {
      name: "App-LB",
      stickySession: "JSESSIONID|jsessionid",
      members: [{ connection: "C2", loadFactor: 3, route: "n2" }, { connection: "c1" }],
    },
  });
  const created = await ok(res, 201);
  assert.equal(res.headers.get("location"), "/api/v1/balancers/App-LB");
  assert.equal(created.method, "byrequests");
  assert.equal(created.stickyForce, false);
  assert.equal(created.enabled, true);
  assert.equal(created.description, null);
  assert.deepEqual(created.owners, ["root"]);
  assert.deepEqual(created.references, []);
  assert.deepEqual(created.members, [
    { connection: "c1", loadFactor: 1, route: null, status: "active", state: "idle", error: null },
    { connection: "c2", loadFactor: 3, route: "n2", status: "active", state: "idle", error: null },
  ]);
  assert.equal(h.live.refreshes, refreshes + 1);

  assert.deepEqual(await ok(await h.call("GET", "/api/v1/balancers/app-lb")), created);
  assert.deepEqual(await ok(await h.call("GET", "/api/v1/balancers")), [created]);

  const patched = await ok(
    await h.call("PATCH", "/api/v1/balancers/app-lb", {
      body: { name: "lb", method: "bybusyness", stickyForce: true, description: "two" },
    }),
  );
  assert.equal(patched.name, "lb");
  assert.equal(patched.method, "bybusyness");
  assert.equal(patched.stickyForce, true);
  assert.deepEqual(patched.members, created.members, "members kept when not given");
  const replaced = await ok(
    await h.call("PATCH", "/api/v1/balancers/lb", {
      body: { members: [{ connection: "c3", status: "standby" }], stickySession: null },
    }),
  );
  assert.deepEqual(replaced.members.map((m: { connection: string }) => m.connection), ["c3"]);
  assert.equal(replaced.members[0].status, "standby");
  assert.equal(replaced.stickySession, null);
  assert.equal(h.live.refreshes, refreshes + 3);

  assert.deepEqual(await ok(await h.call("DELETE", "/api/v1/balancers/lb")), {
    name: "lb",
    deletedRoutes: [],
  });
  assert.equal(h.live.refreshes, refreshes + 4);
  await problem(await h.call("GET", "/api/v1/balancers/lb"), 404);
  await problem(await h.call("PATCH", "/api/v1/balancers/lb", { body: {} }), 404);
  await problem(await h.call("DELETE", "/api/v1/balancers/lb"), 404);
  assert.deepEqual(await ok(await h.call("GET", "/api/v1/balancers")), []);
  const audited = (await h.repos.audit.list({})).map((e) => e.action);
  for (const a of ["balancer.create", "balancer.update", "balancer.delete"]) {
    assert.ok(audited.includes(a), a);
  }
});

Deno.test("balancers: each field rule is a 422 naming the field; nothing is stored", async () => {
  await using h = await withConnections();
  const lb = { name: "lb", members: [{ connection: "c1" }] };
  const m = (member: Record<string, unknown>) => ({ name: "lb", members: [member] });
  const cases: [body: Record<string, unknown>, ...fields: string[]][] = [
    [{ ...lb, name: "bad name!" }, "name"],
    [{ ...lb, name: "x".repeat(65) }, "name"],
    [{ members: [] }, "name"],
    [{ ...lb, method: "random" }, "method"],
    [{ ...lb, stickySession: "" }, "stickySession"],
    [{ ...lb, stickySession: "JSESSIONID|jsessionid|x" }, "stickySession"],
    [{ ...lb, stickySession: "JSESSIONID|" }, "stickySession"],
    [{ ...lb, stickySession: "my cookie" }, "stickySession"],
    [{ ...lb, stickySession: "c".repeat(65) }, "stickySession"],
    [{ ...lb, stickyForce: "yes" }, "stickyForce"],
    [{ ...lb, enabled: 1 }, "enabled"],
    [{ ...lb, description: "cut\u0000here" }, "description"],
    [{ ...lb, bogus: true }, "bogus"],
    [{ ...lb, members: "c1" }, "members"],
    [{ ...lb, members: Array.from({ length: 101 }, () => ({ connection: "c1" })) }, "members"],
    [m({}), "members.0.connection"],
    [m({ connection: "c 1" }), "members.0.connection"],
    [m({ connection: "c1", weight: 2 }), "members.0.weight"],
    [m({ connection: "c1", loadFactor: 0 }), "members.0.loadFactor"],
    [m({ connection: "c1", loadFactor: 101 }), "members.0.loadFactor"],
    [m({ connection: "c1", loadFactor: 1.5 }), "members.0.loadFactor"],
    [m({ connection: "c1", loadFactor: "2" }), "members.0.loadFactor"],
    [m({ connection: "c1", route: "" }), "members.0.route"],
    [m({ connection: "c1", route: "node 1" }), "members.0.route"],
    [m({ connection: "c1", status: "paused" }), "members.0.status"],
    // rules needing the store or spanning members
    [m({ connection: "ghost" }), "members.0.connection"],
    [
      { name: "lb", members: [{ connection: "c1" }, { connection: "C1" }] },
      "members.1.connection",
    ],
    [
      { name: "lb", members: [{ connection: "c1", route: "n" }, { connection: "c2", route: "n" }] },
      "members.1.route",
    ],
  ];
  for (const [body, ...fields] of cases) {
    await invalid(await h.call("POST", "/api/v1/balancers", { body }), ...fields);
  }
  assert.deepEqual(await h.repos.balancers.list(), [], "nothing stored");

  const missing = await problem(
    await h.call("POST", "/api/v1/balancers", { body: m({ connection: "ghost" }) }),
    422,
  );
  assert.match(missing.errors[0].message, /no connection named "ghost"/);

  // the limits themselves pass
  const limits = {
    name: "x".repeat(64),
    stickySession: `${"C".repeat(64)}|${"p".repeat(64)}`,
    members: [
      { connection: "c1", loadFactor: 100, route: "r".repeat(64), status: "draining" },
      { connection: "c2", loadFactor: 1, route: null, status: "disabled" },
      { connection: "c3", route: "a.b-c_d" },
    ],
  };
  assert.equal((await h.call("POST", "/api/v1/balancers", { body: limits })).status, 201);

  // a PATCH is judged the same way
  const patch = (body: unknown) => h.call("PATCH", `/api/v1/balancers/${limits.name}`, { body });
  await invalid(await patch({ bogus: 1 }), "bogus");
  await invalid(await patch({ method: "least" }), "method");
  await invalid(
    await patch({ members: [{ connection: "c1" }, { connection: "ghost" }] }),
    "members.1.connection",
  );
  await invalid(
    await patch({ members: [{ connection: "c1", route: "a" }, { connection: "c2", route: "a" }] }),
    "members.1.route",
  );
  assert.equal((await h.repos.balancers.get(limits.name)).members.length, 3, "unchanged");
});

Deno.test("balancers: duplicate names are 409; a referenced balancer's delete is 409 naming the routes", async () => {
  await using h = await withConnections();
  await ok(await h.call("POST", "/api/v1/balancers", { body: { name: "lb" } }), 201);
  await ok(await h.call("POST", "/api/v1/balancers", { body: { name: "other" } }), 201);
  await problem(await h.call("POST", "/api/v1/balancers", { body: { name: "LB" } }), 409);
  await problem(
    await h.call("PATCH", "/api/v1/balancers/other", { body: { name: "Lb" } }),
    409,
  );

  const routeIds: string[] = [];
  for (const pathPrefix of ["/a", "/b"]) {
    const route = await ok(
      await h.call("POST", "/api/v1/routes", { body: { pathPrefix, balancer: "lb" } }),
      201,
    );
    assert.equal(route.balancer, "lb");
    assert.equal(route.connection, null);
    routeIds.push(route.id);
  }
  routeIds.sort();
  const view = await ok(await h.call("GET", "/api/v1/balancers/lb"));
  assert.deepEqual(view.references, routeIds);

  const conflict = await problem(await h.call("DELETE", "/api/v1/balancers/lb"), 409);
  assert.deepEqual([...conflict.routes].sort(), routeIds);
  for (const id of routeIds) assert.ok(conflict.detail.includes(id), conflict.detail);
  assert.ok(conflict.detail.includes("?force=true"), conflict.detail);
  await ok(await h.call("GET", "/api/v1/balancers/lb"));

  const refreshes = h.live.refreshes;
  const forced = await ok(await h.call("DELETE", "/api/v1/balancers/lb?force=true"));
  assert.deepEqual(forced.name, "lb");
  assert.deepEqual([...forced.deletedRoutes].sort(), routeIds);
  assert.equal(h.live.refreshes, refreshes + 1);
  assert.deepEqual(await h.repos.routes.list(), []);
  await problem(await h.call("DELETE", "/api/v1/balancers/other?force=maybe"), 422);
});

Deno.test("balancers: every member connection needs a role of the caller; superusers need none", async () => {
  await using h = await withConnections();
  const bob = await h.userWithToken("bob");
  await h.repos.connections.setPermissions("c1", [{ user: "bob", role: "access" }], "root");
  const post = (members: unknown[]) =>
    h.call("POST", "/api/v1/balancers", { token: bob, body: { name: "lb", members } });

  const refused = await problem(await post([{ connection: "c1" }, { connection: "C2" }]), 403);
  assert.match(refused.detail, /user "bob" may not use connection "c2" in balancer "lb"/);
  assert.deepEqual(await h.repos.balancers.list(), []);
  // an unknown member is a 422 before any 403
  await invalid(
    await post([{ connection: "ghost" }, { connection: "c2" }]),
    "members.0.connection",
  );

  const created = await ok(await post([{ connection: "c1" }]), 201);
  assert.deepEqual(created.owners, ["bob"]);
  const patch = (body: unknown, token = bob) =>
    h.call("PATCH", "/api/v1/balancers/lb", { token, body });
  const moved = await problem(await patch({ members: [{ connection: "c3" }] }), 403);
  assert.match(moved.detail, /connection "c3"/);

  // root, a superuser without a role on c2, adds c2, which bob may not use
  await h.repos.connections.setPermissions("c2", [], "root");
  await ok(await patch({ members: [{ connection: "c1" }, { connection: "c2" }] }, h.rootToken));
  // changes that leave the members alone need no role on them
  await ok(await patch({ description: "bob's" }));
  await ok(await h.call("POST", "/api/v1/balancers/lb/disable", { token: bob }));
  // a list naming c2 needs a role on c2, even though c2 is a member already
  await problem(
    await patch({ members: [{ connection: "c1" }, { connection: "c2", status: "draining" }] }),
    403,
  );
  // dropping c2 names only c1
  const dropped = await ok(await patch({ members: [{ connection: "c1", loadFactor: 5 }] }));
  assert.deepEqual(dropped.members.map((m: { connection: string }) => m.connection), ["c1"]);

  // a role on the balancer alone does not open a connection: alice admins lb, no connection
  const alice = await h.userWithToken("alice");
  await h.repos.balancers.setPermissions("lb", [
    { user: "bob", role: "owner" },
    { user: "alice", role: "admin" },
  ], "root");
  await problem(await patch({ members: [{ connection: "c1" }] }, alice), 403);
  await ok(await patch({ method: "bytraffic" }, alice));
});

Deno.test("balancers: disable and enable flip `enabled`, audited and applied at once", async () => {
  await using h = await withConnections();
  await ok(
    await h.call("POST", "/api/v1/balancers", {
      body: { name: "lb", members: [{ connection: "c1" }] },
    }),
    201,
  );
  const refreshes = h.live.refreshes;
  const off = await ok(await h.call("POST", "/api/v1/balancers/LB/disable"));
  assert.equal(off.enabled, false);
  assert.equal((await h.repos.balancers.get("lb")).enabled, false);
  assert.deepEqual(off.members.length, 1, "definition kept");
  const on = await ok(await h.call("POST", "/api/v1/balancers/lb/enable"));
  assert.equal(on.enabled, true);
  assert.equal(h.live.refreshes, refreshes + 2);
  await problem(await h.call("POST", "/api/v1/balancers/ghost/enable"), 404);
  await problem(await h.call("POST", "/api/v1/balancers/lb/reset"), 404);
  const toggles = (await h.repos.audit.list({})).map((e) => e.action)
    .filter((a) => a === "balancer.disable" || a === "balancer.enable" || a === "balancer.update");
  assert.deepEqual(toggles.sort(), ["balancer.disable", "balancer.enable"]);
});

Deno.test("balancers: the view shows each member's connection state from the live proxy", async () => {
  await using h = await withConnections();
  const since = "2026-01-02T03:04:05.000Z";
  const idle = h.live.status("c1");
  const states: Record<string, ConnectionStatus> = {
    c1: { ...idle, state: "connected" },
    c2: { ...idle, state: "error", error: { message: "connect refused", since } },
    c3: { ...idle, state: "disabled" },
  };
  const asked: string[] = [];
  h.live.status = (name) => {
    asked.push(name);
    return states[name.toLowerCase()] ?? idle;
  };
  await ok(
    await h.call("POST", "/api/v1/balancers", {
      body: {
        name: "lb",
        members: [{ connection: "c3" }, { connection: "c2" }, { connection: "c1" }],
      },
    }),
    201,
  );
  const view = await ok(await h.call("GET", "/api/v1/balancers/lb"));
  assert.deepEqual(
    view.members.map((m: Record<string, unknown>) => [m.connection, m.state, m.error]),
    [
      ["c1", "connected", null],
      ["c2", "error", { message: "connect refused", since }],
      ["c3", "disabled", null],
    ],
  );
  assert.ok(asked.includes("c2"));
  assert.equal("stats" in view.members[0], false, "counters stay on the connection");
});

Deno.test("balancers: listing shows only those with a role; routes to one need a role on it", async () => {
  await using h = await withConnections();
  const bob = await h.userWithToken("bob");
  const carol = await h.userWithToken("carol");
  for (const name of ["a-lb", "b-lb", "c-lb"]) {
    await ok(await h.call("POST", "/api/v1/balancers", { body: { name } }), 201);
  }
  await h.repos.balancers.setPermissions("b-lb", [{ user: "bob", role: "access" }], "root");
  const names = async (token: string) =>
    (await ok(await h.call("GET", "/api/v1/balancers", { token }))).map(
      (b: { name: string }) => b.name,
    );
  assert.deepEqual(await names(h.rootToken), ["a-lb", "b-lb", "c-lb"]);
  assert.deepEqual(await names(bob), ["b-lb"]);
  assert.deepEqual(await names(carol), []);
  await problem(await h.call("GET", "/api/v1/balancers/a-lb", { token: bob }), 403);
  await ok(await h.call("GET", "/api/v1/balancers/b-lb", { token: bob }));

  const route = (token: string, balancer: string) =>
    h.call("POST", "/api/v1/routes", { token, body: { pathPrefix: "/x", balancer } });
  const denied = await problem(await route(bob, "a-lb"), 403);
  assert.match(denied.detail, /balancer "a-lb"/);
  await invalid(await route(bob, "ghost"), "balancer");
  const r = await ok(await route(bob, "b-lb"), 201);
  await problem(
    await h.call("PATCH", `/api/v1/routes/${r.id}`, { token: carol, body: { enabled: false } }),
    403,
  );
  await ok(
    await h.call("PATCH", `/api/v1/routes/${r.id}`, { token: bob, body: { enabled: false } }),
  );

  // bob, given access, cannot widen it; an admin grants access; unknown users are 422
  const grants = (token: string, body: unknown) =>
    h.call("PUT", "/api/v1/balancers/b-lb/permissions", { token, body });
  await problem(await grants(bob, { owners: [], admins: [], access: ["bob", "carol"] }), 403);
  await h.repos.balancers.setPermissions("b-lb", [
    { user: "root", role: "owner" },
    { user: "bob", role: "admin" },
  ], "root");
  await invalid(
    await grants(bob, { owners: ["root"], admins: ["bob"], access: ["nobody"] }),
    "access.0",
  );
  await problem(await grants(bob, { owners: ["root"], admins: ["bob", "carol"], access: [] }), 403);
  assert.deepEqual(
    await ok(await grants(bob, { owners: ["root"], admins: ["bob"], access: ["carol"] })),
    { owners: ["root"], admins: ["bob"], access: ["carol"] },
  );
  assert.deepEqual(await names(carol), ["b-lb"]);
  assert.deepEqual(
    await ok(await h.call("GET", "/api/v1/balancers/b-lb/permissions", { token: bob })),
    { owners: ["root"], admins: ["bob"], access: ["carol"] },
  );
});

Deno.test("balancers: the OpenAPI document lists every balancer path", async () => {
  await using h = await openApi();
  const doc = await ok(await h.call("GET", "/api/v1/openapi.json", { token: null }));
  const paths = Object.keys(doc.paths).filter((p) => p.startsWith("/api/v1/balancers"));
  assert.deepEqual(paths.sort(), [
    "/api/v1/balancers",
    "/api/v1/balancers/{name}",
    "/api/v1/balancers/{name}/disable",
    "/api/v1/balancers/{name}/enable",
    "/api/v1/balancers/{name}/permissions",
  ]);
  assert.ok(doc.components.schemas.BalancerCreate);
  assert.ok(doc.components.schemas.BalancerMemberInput);
});
