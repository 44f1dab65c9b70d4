/**
 * Bad input to the management API: each validation rule is a 422 naming the field, and
 * malformed JSON, unknown fields, oversized bodies, duplicates and references get their
 * own problem+json answers. SQL-looking text is stored and read back literally.
 */
import assert from "node:assert/strict";
import { API_BODY_LIMIT } from "../routes/api/mod.ts";
import { type ApiHarness, openApi } from "./support/api_app.ts";
import { invalid, problem } from "./support/api_answers.ts";

const direct = { name: "c1", type: "direct" as const, host: "tomcat", port: 8009 };
const proxy = { name: "p1", type: "proxy", host: "proxy", protocol: "https", proxyPort: 3128 };

/** A harness with connection c1 (direct) and a route to it. */
async function withConnection(): Promise<ApiHarness & { routeId: string }> {
  const h = await openApi();
  await h.repos.connections.create(direct, "root");
  const route = await h.repos.routes.create({ pathPrefix: "/app", connection: "c1" }, "root");
  return Object.assign(h, { routeId: route.id });
}

Deno.test("validation: each connection field rule is a 422 naming the field", async () => {
  await using h = await openApi();
  const cases: [body: Record<string, unknown>, ...fields: string[]][] = [
    [{ ...direct, name: "bad name!" }, "name"],
    [{ ...direct, name: "x".repeat(65) }, "name"],
    [{ ...direct, name: "" }, "name"],
    [{ type: "direct", host: "h", port: 1 }, "name"],
    [{ ...direct, type: "udp" }, "type"],
    [{ ...direct, host: "bad host" }, "host"],
    [{ ...direct, host: "tomcat:8009" }, "host"],
    [{ name: "c", type: "direct", port: 1 }, "host"],
    [{ ...direct, port: 0 }, "port"],
    [{ ...direct, port: 65536 }, "port"],
    [{ ...direct, port: "8009" }, "port"],
    [{ ...direct, port: 80.5 }, "port"],
    [{ ...direct, secret: "" }, "secret"],
    [{ ...direct, packetSize: 4096 }, "packetSize"],
    [{ ...direct, packetSize: 9000 }, "packetSize"],
    [{ ...direct, packetSize: 65537 }, "packetSize"],
    [{ ...proxy, protocol: "ftp" }, "protocol"],
    [{ ...proxy, path: "http://evil/x" }, "path"],
    [{ ...proxy, path: "relative" }, "path"],
    [{ ...proxy, path: "/a/../b" }, "path"],
    [{ ...proxy, path: "//evil.example/x" }, "path"],
    [{ ...proxy, proxyPort: 70000 }, "proxyPort"],
    [{ ...proxy, username: "" }, "username"],
    [{ ...direct, pool: { initial: -1 } }, "pool.initial"],
    [{ ...direct, pool: { max: 0 } }, "pool.max"],
    [{ ...direct, pool: { idleTimeoutMs: 0 } }, "pool.idleTimeoutMs"],
    [{ ...direct, pool: { connectTimeoutMs: 600_001 } }, "pool.connectTimeoutMs"],
    [{ ...direct, pool: { acquireTimeoutMs: 1.5 } }, "pool.acquireTimeoutMs"],
    [{ ...direct, pool: { replyTimeoutMs: -5 } }, "pool.replyTimeoutMs"],
    [{ ...direct, ping: { mode: "sometimes" } }, "ping.mode"],
    [{ ...direct, enabled: "yes" }, "enabled"],
    [{ ...direct, description: "d".repeat(1025) }, "description"],
    [{ ...direct, description: "cut\u0000here" }, "description"],
    [{ ...direct, secret: "a\u0000b" }, "secret"],
    // rules across fields, checked once the fields themselves are valid
    [{ name: "c", type: "direct", host: "h" }, "port"],
    [{ ...direct, protocol: "http", username: "u" }, "protocol", "username"],
    [{ name: "p", type: "proxy", host: "h" }, "protocol", "proxyPort"],
    [{ ...proxy, port: 8009, secret: "s" }, "port", "secret"],
    [{ ...direct, pool: { initial: 65 } }, "pool.max"],
    [{ ...direct, pool: { initial: 5, max: 4 } }, "pool.max"],
  ];
  for (const [body, ...fields] of cases) {
    await invalid(await h.call("POST", "/api/v1/connections", { body }), ...fields);
  }
  assert.deepEqual(await h.repos.connections.list(), [], "nothing stored");
  // the limits themselves pass
  const ok = {
    ...direct,
    packetSize: 65536,
    pool: { initial: 64, max: null, connectTimeoutMs: 600_000 },
    description: "d".repeat(1024),
  };
  assert.equal((await h.call("POST", "/api/v1/connections", { body: ok })).status, 201);
  const p = { ...proxy, path: "", username: "u", password: "p" };
  assert.equal((await h.call("POST", "/api/v1/connections", { body: p })).status, 201);
});

Deno.test("validation: a PATCH is judged on the merged connection", async () => {
  await using h = await withConnection();
  const patch = (body: unknown) => h.call("PATCH", "/api/v1/connections/c1", { body });
  await invalid(await patch({ pool: { initial: 100 } }), "pool.max");
  await invalid(await patch({ port: null }), "port");
  await invalid(await patch({ type: "proxy" }), "protocol", "proxyPort");
  await invalid(await patch({ bogus: 1 }), "bogus");
  await invalid(await patch({ name: "no/slash" }), "name");
  assert.equal((await patch({ pool: { initial: 100, max: null } })).status, 200);
  const moved = await (await patch({ type: "proxy", protocol: "http", proxyPort: 3128 })).json();
  assert.equal(moved.port, null, "the old type's fields are cleared");
  assert.equal(moved.type, "proxy");
});

Deno.test("validation: each route rule is a 422 naming the field", async () => {
  await using h = await withConnection();
  const cases: [body: Record<string, unknown>, ...fields: string[]][] = [
    [{ pathPrefix: "app", connection: "c1" }, "pathPrefix"],
    [{ pathPrefix: "/a b", connection: "c1" }, "pathPrefix"],
    [{ pathPrefix: "/a?x=1", connection: "c1" }, "pathPrefix"],
    [{ pathPrefix: "/a/../b", connection: "c1" }, "pathPrefix"],
    [{ connection: "c1" }, "pathPrefix"],
    [{ pathPrefix: "/x", host: "example.com:8080", connection: "c1" }, "host"],
    [{ pathPrefix: "/x", host: "http://example.com", connection: "c1" }, "host"],
    [{ pathPrefix: "/x", backendPath: "x", connection: "c1" }, "backendPath"],
    [{ pathPrefix: "/x", preserveHost: "no", connection: "c1" }, "preserveHost"],
    [{ pathPrefix: "/x", connection: "bad name" }, "connection"],
    [{ pathPrefix: "/x" }, "connection"],
    [{ pathPrefix: "/x", connection: "c1", balancer: "b1" }, "balancer"],
    [{ pathPrefix: "/x", connection: "ghost" }, "connection"],
    [{ pathPrefix: "/x", connection: "c1", weight: 3 }, "weight"],
  ];
  for (const [body, ...fields] of cases) {
    await invalid(await h.call("POST", "/api/v1/routes", { body }), ...fields);
  }
  const patch = (body: unknown) => h.call("PATCH", `/api/v1/routes/${h.routeId}`, { body });
  await invalid(await patch({ connection: null }), "connection");
  await invalid(await patch({ pathPrefix: "nope" }), "pathPrefix");
  await invalid(await patch({ connection: "ghost" }), "connection");
});

Deno.test("validation: users, tokens, permissions and audit paging", async () => {
  await using h = await withConnection();
  await invalid(await h.call("POST", "/api/v1/users", { body: { name: "bad name" } }), "name");
  await invalid(
    await h.call("POST", "/api/v1/users", { body: { name: "ok", superuser: "yes" } }),
    "superuser",
  );
  await invalid(await h.call("POST", "/api/v1/users/root/tokens", { body: { name: "" } }), "name");
  const put = (body: unknown) => h.call("PUT", "/api/v1/connections/c1/permissions", { body });
  await invalid(await put({ owners: ["root", "ghost"], admins: [], access: [] }), "owners.1");
  await invalid(await put({ owners: "root", admins: [], access: [] }), "owners");
  await invalid(await put({ owners: [], admins: [] }), "access");
  await invalid(await h.call("GET", "/api/v1/audit?limit=0"), "limit");
  await invalid(await h.call("GET", "/api/v1/audit?offset=-1"), "offset");
});

Deno.test("validation: malformed JSON is 400, a non-object body 422, non-JSON 415", async () => {
  await using h = await openApi();
  for (const raw of ["{bad", '{"name": "c1",}', ""]) {
    await problem(await h.call("POST", "/api/v1/connections", { raw }), 400);
  }
  await invalid(await h.call("POST", "/api/v1/connections", { raw: "[1,2]" }), "body");
  await invalid(await h.call("POST", "/api/v1/connections", { raw: "null" }), "body");
  const text = { raw: "name=c1", headers: { "content-type": "text/plain" } };
  await problem(await h.call("POST", "/api/v1/connections", text), 415);
});

Deno.test("limits: a body over 1 MiB is a 413, counted as it streams", async () => {
  await using h = await openApi();
  // streamed without Content-Length: refused once the count passes the limit
  let sent = 0;
  const chunk = new TextEncoder().encode(" ".repeat(64 * 1024));
  const endless = new ReadableStream<Uint8Array>({
    start: (c) => c.enqueue(new TextEncoder().encode('{"description": "')),
    pull(c) {
      sent += chunk.byteLength;
      c.enqueue(chunk);
    },
  });
  const body = await problem(await h.call("POST", "/api/v1/connections", { raw: endless }), 413);
  assert.match(body.detail, /1048576 bytes/);
  assert.ok(sent <= API_BODY_LIMIT + 2 * chunk.byteLength, `read ${sent} bytes`);
  // a declared Content-Length over the limit is refused before reading
  let pulled = 0;
  const declared = new ReadableStream<Uint8Array>({
    pull(c) {
      pulled++;
      c.enqueue(chunk);
    },
  });
  await problem(
    await h.call("POST", "/api/v1/connections", {
      raw: declared,
      headers: { "content-length": String(API_BODY_LIMIT + 1) },
    }),
    413,
  );
  assert.ok(pulled <= 2, `pulled ${pulled} chunks`);
  // just under the limit is read and validated as usual
  const under = JSON.stringify({ ...direct, description: "d".repeat(API_BODY_LIMIT - 100) });
  await invalid(await h.call("POST", "/api/v1/connections", { raw: under }), "description");
});

Deno.test("storage: SQL-looking and host-like strings are stored literally", async () => {
  await using h = await openApi();
  const description = `'; DROP TABLE connections; -- " OR 1=1 /* \\' */\n\tSELECT * FROM users`;
  const created = await h.call("POST", "/api/v1/connections", {
    body: { ...direct, description },
  });
  assert.equal(created.status, 201);
  const read = await (await h.call("GET", "/api/v1/connections/c1")).json();
  assert.equal(read.description, description);
  const route = await (await h.call("POST", "/api/v1/routes", {
    body: {
      host: "Evil.Example.COM",
      pathPrefix: "/x';DELETE%20FROM%20routes;--",
      backendPath: "/select*from",
      connection: "C1",
    },
  })).json();
  const back = await (await h.call("GET", `/api/v1/routes/${route.id}`)).json();
  assert.equal(back.host, "evil.example.com", "hosts are stored lower-case");
  assert.equal(back.pathPrefix, "/x';DELETE%20FROM%20routes;--");
  assert.equal(back.backendPath, "/select*from");
  assert.equal(back.connection, "c1");
  // names are restricted, so SQL in a name is refused rather than stored
  await invalid(
    await h.call("POST", "/api/v1/users", { body: { name: "robert'); DROP TABLE users;--" } }),
    "name",
  );
  assert.equal((await h.repos.connections.list()).length, 1);
  assert.equal((await h.repos.users.list()).length, 1);
});

Deno.test("conflicts: duplicate names in any case are 409", async () => {
  await using h = await withConnection();
  const dup = await problem(
    await h.call("POST", "/api/v1/connections", { body: { ...direct, name: "C1" } }),
    409,
  );
  assert.match(dup.detail, /"c1" already exists/);
  await h.call("POST", "/api/v1/connections", { body: { ...direct, name: "c2" } });
  await problem(await h.call("PATCH", "/api/v1/connections/c2", { body: { name: "C1" } }), 409);
  await problem(await h.call("POST", "/api/v1/users", { body: { name: "ROOT" } }), 409);
  const sameRoute = await problem(
    await h.call("POST", "/api/v1/routes", { body: { pathPrefix: "/app", connection: "c2" } }),
    409,
  );
  assert.match(sameRoute.detail, new RegExp(h.routeId));
});

Deno.test("conflicts: deleting a referenced connection is 409 naming the routes; force deletes them", async () => {
  await using h = await withConnection();
  const second = await (await h.call("POST", "/api/v1/routes", {
    body: { pathPrefix: "/two", connection: "c1" },
  })).json();
  const refused = await problem(await h.call("DELETE", "/api/v1/connections/c1"), 409);
  assert.deepEqual(refused.routes.sort(), [h.routeId, second.id].sort());
  for (const id of refused.routes) assert.ok(refused.detail.includes(id), refused.detail);
  assert.match(refused.detail, /\?force=true/);
  assert.equal((await h.call("GET", "/api/v1/connections/c1")).status, 200, "still there");

  const forced = await h.call("DELETE", "/api/v1/connections/c1?force=true");
  assert.equal(forced.status, 200);
  assert.deepEqual((await forced.json()).deletedRoutes.sort(), refused.routes.sort());
  await problem(await h.call("GET", "/api/v1/connections/c1"), 404);
  await problem(await h.call("GET", `/api/v1/routes/${h.routeId}`), 404);
  const routes = await (await h.call("GET", "/api/v1/routes")).json();
  assert.deepEqual(routes.map((r: { id: string }) => r.id), ["cli-1"]);
  const audit = await (await h.call("GET", "/api/v1/audit")).json();
  const actions = audit.map((e: { action: string }) => e.action);
  assert.equal(actions.filter((a: string) => a === "route.delete").length, 2);
});

Deno.test("errors: unknown things are 404 problems without stack traces", async () => {
  await using h = await withConnection();
  for (
    const [method, path] of [
      ["GET", "/api/v1/connections/ghost"],
      ["GET", "/api/v1/routes/ffffffffff"],
      ["DELETE", "/api/v1/users/ghost"],
      ["DELETE", "/api/v1/users/root/tokens/999"],
      ["DELETE", "/api/v1/users/root/tokens/abc"],
      ["GET", "/api/v1/no/such/thing"],
      ["POST", "/api/v1/me"],
    ]
  ) {
    const body = await problem(await h.call(method, path), 404);
    assert.ok(!JSON.stringify(body).includes("    at "), `${method} ${path}`);
  }
  assert.deepEqual(h.logged, []);
});

Deno.test("openapi.json lists every path and method, from the validating schemas", async () => {
  await using h = await openApi();
  const doc = await (await h.call("GET", "/api/v1/openapi.json", { token: null })).json();
  const listed = Object.entries(doc.paths as Record<string, Record<string, unknown>>)
    .flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`)).sort();
  assert.deepEqual(
    listed,
    [
      "GET /api/v1/openapi.json",
      "GET /api/v1/me",
      "GET /api/v1/instances",
      "GET /api/v1/connections",
      "POST /api/v1/connections",
      "GET /api/v1/connections/{name}",
      "PATCH /api/v1/connections/{name}",
      "DELETE /api/v1/connections/{name}",
      "POST /api/v1/connections/{name}/reset",
      "POST /api/v1/connections/{name}/disable",
      "POST /api/v1/connections/{name}/enable",
      "GET /api/v1/connections/{name}/permissions",
      "PUT /api/v1/connections/{name}/permissions",
      "GET /api/v1/balancers",
      "POST /api/v1/balancers",
      "GET /api/v1/balancers/{name}",
      "PATCH /api/v1/balancers/{name}",
      "DELETE /api/v1/balancers/{name}",
      "POST /api/v1/balancers/{name}/disable",
      "POST /api/v1/balancers/{name}/enable",
      "GET /api/v1/balancers/{name}/permissions",
      "PUT /api/v1/balancers/{name}/permissions",
      "GET /api/v1/routes",
      "POST /api/v1/routes",
      "GET /api/v1/routes/{id}",
      "PATCH /api/v1/routes/{id}",
      "DELETE /api/v1/routes/{id}",
      "GET /api/v1/routes/{id}/permissions",
      "PUT /api/v1/routes/{id}/permissions",
      "GET /api/v1/me/tokens",
      "DELETE /api/v1/me/tokens/{id}",
      "GET /api/v1/users",
      "POST /api/v1/users",
      "DELETE /api/v1/users/{name}",
      "POST /api/v1/users/{name}/tokens",
      "DELETE /api/v1/users/{name}/tokens/{id}",
      "GET /api/v1/audit",
      "POST /api/v1/connections/{name}/test",
      "GET /api/v1/series",
    ].sort(),
  );
  const create = doc.components.schemas.ConnectionCreate;
  assert.equal(create.additionalProperties, false, "strict: unknown fields rejected");
  assert.equal(create.properties.name.pattern, "^[A-Za-z0-9._-]{1,64}$");
  assert.ok(doc.paths["/api/v1/connections"].post.responses["422"]);
  assert.ok(doc.components.securitySchemes.bearerAuth);
});
