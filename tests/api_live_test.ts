/**
 * What the API shows of and asks from the running proxy: live state in connection views,
 * no secrets anywhere, refresh after every change, reset/disable/enable, and the audit log.
 */
import assert from "node:assert/strict";
import { openApi } from "./support/api_app.ts";

const secrets = { secret: "ajp-s3cr3t-value" };

Deno.test("connections: views carry live state, references and owners, never secrets", async () => {
  await using h = await openApi();
  h.live.status = () => ({
    state: "error",
    error: { message: "connect ECONNREFUSED", since: "2030-01-01T00:00:00.000Z" },
    stats: { idle: 1, busy: 2, requests: 3, failures: 4, bytesIn: 5, bytesOut: 6 },
  });
  const created = await h.call("POST", "/api/v1/connections", {
    body: { name: "c1", type: "direct", host: "h", port: 8009, ...secrets },
  });
  assert.equal(created.status, 201);
  assert.equal(created.headers.get("location"), "/api/v1/connections/c1");
  const route = await (await h.call("POST", "/api/v1/routes", {
    body: { pathPrefix: "/app", connection: "c1" },
  })).json();
  const view = await (await h.call("GET", "/api/v1/connections/C1")).json();
  assert.equal(view.state, "error");
  assert.equal(view.error.message, "connect ECONNREFUSED");
  assert.deepEqual(view.stats, {
    idle: 1,
    busy: 2,
    requests: 3,
    failures: 4,
    bytesIn: 5,
    bytesOut: 6,
  });
  assert.deepEqual(view.references, [route.id]);
  assert.deepEqual(view.usedBy, ["route /app"]);
  assert.deepEqual(view.owners, ["root"]);
  // references by the names people know: host + prefix, balancer name
  assert.equal(
    (await h.call("POST", "/api/v1/balancers", {
      body: { name: "lb", members: [{ connection: "c1" }] },
    })).status,
    201,
  );
  assert.equal(
    (await h.call("POST", "/api/v1/routes", {
      body: { host: "shop.example.com", pathPrefix: "/shop/", balancer: "lb" },
    })).status,
    201,
  );
  const named = await (await h.call("GET", "/api/v1/connections/c1")).json();
  assert.deepEqual(named.usedBy, ["route /app", "balancer lb"]);
  const lb = await (await h.call("GET", "/api/v1/balancers/lb")).json();
  assert.deepEqual(lb.usedBy, ["route shop.example.com/shop"]);
  assert.equal(view.secretSet, true);
  assert.equal("secret" in view, false);

  const proxy = await h.call("POST", "/api/v1/connections", {
    body: {
      name: "p1",
      type: "proxy",
      host: "px",
      protocol: "https",
      proxyPort: 3128,
      path: "/ajp",
      username: "u",
      password: "pr0xy-pa55word",
    },
  });
  const p = await proxy.json();
  assert.equal(p.passwordSet, true);
  assert.equal("password" in p, false);

  const everything = [
    await (await h.call("GET", "/api/v1/connections")).text(),
    await (await h.call("GET", "/api/v1/audit?limit=1000")).text(),
    await (await h.call("GET", "/api/v1/openapi.json")).text(),
  ].join();
  assert.ok(!everything.includes(secrets.secret));
  assert.ok(!everything.includes("pr0xy-pa55word"));
});

Deno.test("connections: list shows only those with a role, all for a superuser", async () => {
  await using h = await openApi();
  const bob = await h.userWithToken("bob");
  await h.call("POST", "/api/v1/connections", {
    body: { name: "roots", type: "direct", host: "h", port: 1 },
  });
  await h.call("POST", "/api/v1/connections", {
    token: bob,
    body: { name: "bobs", type: "direct", host: "h", port: 1 },
  });
  const names = async (token: string) =>
    (await (await h.call("GET", "/api/v1/connections", { token })).json())
      .map((c: { name: string }) => c.name);
  assert.deepEqual(await names(bob), ["bobs"]);
  assert.deepEqual(await names(h.rootToken), ["bobs", "roots"]);
});

Deno.test("live: every change refreshes; reset resets and is audited; disable/enable store it", async () => {
  await using h = await openApi();
  const steps: [string, string, unknown?][] = [
    ["POST", "/api/v1/connections", { name: "c1", type: "direct", host: "h", port: 1 }],
    ["PATCH", "/api/v1/connections/c1", { description: "d" }],
    ["PUT", "/api/v1/connections/c1/permissions", { owners: ["root"], admins: [], access: [] }],
    ["POST", "/api/v1/routes", { pathPrefix: "/", connection: "c1" }],
    ["POST", "/api/v1/connections/c1/disable"],
    ["POST", "/api/v1/connections/c1/enable"],
    ["DELETE", "/api/v1/connections/c1?force=true"],
  ];
  for (const [i, [method, path, body]] of steps.entries()) {
    const res = await h.call(method, path, { body });
    assert.ok(res.ok, `${method} ${path}: ${res.status}`);
    await res.body?.cancel();
    assert.equal(h.live.refreshes, i + 1, `${method} ${path} refreshed`);
  }

  await h.call("POST", "/api/v1/connections", {
    body: { name: "c2", type: "direct", host: "h", port: 1 },
  });
  const disabled = await (await h.call("POST", "/api/v1/connections/C2/disable")).json();
  assert.equal(disabled.enabled, false);
  assert.equal((await h.repos.connections.get("c2")).enabled, false);
  const before = h.live.refreshes;
  assert.equal((await h.call("POST", "/api/v1/connections/c2/reset")).status, 200);
  assert.deepEqual(h.live.resets, ["c2"]);
  assert.equal(h.live.refreshes, before, "reset changes no configuration");

  const audit = await (await h.call("GET", "/api/v1/audit?limit=3")).json();
  assert.equal(audit.length, 3);
  assert.deepEqual(
    audit.map((
      e: { action: string; actor: string; target: string },
    ) => [e.action, e.actor, e.target]),
    [
      ["connection.reset", "root", "c2"],
      ["connection.disable", "root", "c2"],
      ["connection.create", "root", "c2"],
    ],
  );
  assert.equal(audit[1].before.enabled, true);
  assert.equal(audit[1].after.enabled, false);
});
