import assert from "node:assert/strict";
import { DbConflictError, DbInvalidError, DbNotFoundError } from "./errors.ts";
import { openStore } from "../tests/support/db_store.ts";

async function withConnections() {
  const s = await openStore();
  const a = await s.repos.connections.create(
    { name: "a", type: "direct", host: "h", port: 8009 },
    "t",
  );
  await s.repos.connections.create({ name: "b", type: "direct", host: "h", port: 8010 }, "t");
  return Object.assign(s, { a });
}

Deno.test("routes: create, get, list, update, delete", async () => {
  await using s = await withConnections();
  const r = await s.repos.routes.create({ pathPrefix: "/app", connection: "A" }, "t");
  assert.match(r.id, /^[0-9a-f]{10}$/);
  assert.deepEqual(
    { ...r, createdAt: "", updatedAt: "" },
    {
      id: r.id,
      host: null,
      pathPrefix: "/app",
      connection: "a",
      balancer: null,
      backendPath: null,
      preserveHost: true,
      enabled: true,
      createdAt: "",
      updatedAt: "",
    },
  );
  assert.deepEqual(await s.repos.routes.get(r.id), r);
  const u = await s.repos.routes.update(r.id, {
    host: "Example.org",
    connection: "b",
    backendPath: "/",
    preserveHost: false,
  }, "t");
  assert.equal(u.host, "Example.org");
  assert.equal(u.connection, "b");
  assert.equal(u.backendPath, "/");
  assert.equal(u.preserveHost, false);
  assert.equal(u.pathPrefix, "/app");
  assert.deepEqual((await s.repos.routes.list()).map((x) => x.id), [r.id]);
  await s.repos.routes.delete(r.id, "t");
  await assert.rejects(s.repos.routes.get(r.id), DbNotFoundError);
  await assert.rejects(s.repos.routes.delete(r.id, "t"), DbNotFoundError);
});

Deno.test("routes: exactly one existing target", async () => {
  await using s = await withConnections();
  await assert.rejects(s.repos.routes.create({ pathPrefix: "/" }, "t"), DbInvalidError);
  await assert.rejects(
    s.repos.routes.create({ pathPrefix: "/", connection: "a", balancer: "x" }, "t"),
    DbInvalidError,
  );
  await assert.rejects(
    s.repos.routes.create({ pathPrefix: "/", connection: "zzz" }, "t"),
    /connection "zzz" not found/,
  );
});

Deno.test("routes: one route per host (any case) and prefix", async () => {
  await using s = await withConnections();
  const r = await s.repos.routes.create(
    { host: "example.org", pathPrefix: "/", connection: "a" },
    "t",
  );
  await s.repos.routes.create({ pathPrefix: "/", connection: "a" }, "t");
  const err = await s.repos.routes
    .create({ host: "EXAMPLE.org", pathPrefix: "/", connection: "b" }, "t").catch((e) => e);
  assert.ok(err instanceof DbConflictError);
  assert.deepEqual(err.routeIds, [r.id]);
  await assert.rejects(
    s.repos.routes.create({ pathPrefix: "/", connection: "b" }, "t"),
    DbConflictError,
  );
  // updating a route onto itself is not a clash
  await s.repos.routes.update(r.id, { host: "Example.ORG" }, "t");
});

Deno.test("routes: referencesTo lists the routes of a connection", async () => {
  await using s = await withConnections();
  const r1 = await s.repos.routes.create({ pathPrefix: "/1", connection: "a" }, "t");
  await s.repos.routes.create({ pathPrefix: "/2", connection: "b" }, "t");
  assert.deepEqual(await s.repos.routes.referencesTo(s.a.id), [r1.id]);
  assert.deepEqual(await s.repos.routes.referencesTo(9999), []);
});
