import assert from "node:assert/strict";
import { DbConflictError, DbNotFoundError } from "./errors.ts";
import { openStore } from "../tests/support/db_store.ts";

const direct = { name: "Tomcat-A", type: "direct", host: "10.0.0.5", port: 8009 } as const;

Deno.test("connections: create applies defaults and hides secrets", async () => {
  await using s = await openStore();
  const c = await s.repos.connections.create({ ...direct, secret: "s3cret" }, "admin");
  assert.equal(c.name, "Tomcat-A");
  assert.equal(c.secretSet, true);
  assert.equal(c.passwordSet, false);
  assert.equal(c.packetSize, 8192);
  assert.deepEqual(c.pool, {
    initial: 0,
    max: 64,
    idleTimeoutMs: 7_200_000,
    connectTimeoutMs: 5_000,
    acquireTimeoutMs: 10_000,
    replyTimeoutMs: 60_000,
    headTimeoutMs: 60_000,
    bodyTimeoutMs: 60_000,
    writeTimeoutMs: 60_000,
  });
  assert.deepEqual(c.ping, { mode: "none", timeoutMs: 5000, intervalMs: 10000 });
  assert.equal(c.enabled, true);
  assert.ok(!JSON.stringify(c).includes("s3cret"));
  assert.deepEqual(await s.repos.connections.getSecrets("tomcat-a"), {
    secret: "s3cret",
    password: null,
  });
  const raw = await s.client.execute("SELECT secret FROM connections");
  assert.match(String(raw.rows[0].secret), /^v1:/);
});

Deno.test("connections: names are unique and found case-insensitively", async () => {
  await using s = await openStore();
  await s.repos.connections.create(direct, "admin");
  await assert.rejects(
    s.repos.connections.create({ ...direct, name: "TOMCAT-a" }, "admin"),
    DbConflictError,
  );
  assert.equal((await s.repos.connections.get("tomcat-A")).name, "Tomcat-A");
  await s.repos.connections.create({ ...direct, name: "b" }, "admin");
  await assert.rejects(s.repos.connections.update("b", { name: "TOMCAT-A" }, "admin"), /exists/);
  // renaming to a different case of its own name is fine
  assert.equal(
    (await s.repos.connections.update("tomcat-a", { name: "tomcat-a" }, "admin")).name,
    "tomcat-a",
  );
  await assert.rejects(s.repos.connections.get("nope"), DbNotFoundError);
});

Deno.test("connections: update patches only what it names; null clears a secret", async () => {
  await using s = await openStore();
  const proxy = await s.repos.connections.create({
    name: "p",
    type: "proxy",
    host: "tomcat.example.org",
    protocol: "https",
    path: "/ajp",
    proxyPort: 443,
    username: "gw",
    password: "pw",
    pool: { max: null },
    ping: { mode: "interval", intervalMs: 30_000 },
  }, "admin");
  assert.equal(proxy.pool.max, null);
  assert.equal(proxy.ping.intervalMs, 30_000);
  const u = await s.repos.connections.update("P", {
    pool: { initial: 2 },
    description: "x",
    password: null,
    secret: "new",
  }, "admin");
  assert.equal(u.pool.initial, 2);
  assert.equal(u.pool.max, null);
  assert.equal(u.ping.mode, "interval");
  assert.equal(u.username, "gw");
  assert.equal(u.passwordSet, false);
  assert.equal(u.secretSet, true);
  assert.deepEqual(await s.repos.connections.getSecrets("p"), { secret: "new", password: null });
  assert.deepEqual((await s.repos.connections.list()).map((c) => c.name), ["p"]);
});

Deno.test("connections: SQL-looking text is stored literally", async () => {
  await using s = await openStore();
  const evil = "x'; DROP TABLE connections;--";
  await s.repos.connections.create({ ...direct, description: evil, secret: evil }, "admin");
  const c = await s.repos.connections.get("tomcat-a");
  assert.equal(c.description, evil);
  assert.equal((await s.repos.connections.getSecrets("tomcat-a")).secret, evil);
});

Deno.test("connections: delete refuses while routes use it, force removes them", async () => {
  await using s = await openStore();
  await s.repos.connections.create(direct, "admin");
  const r1 = await s.repos.routes.create({ pathPrefix: "/a", connection: "tomcat-a" }, "admin");
  const r2 = await s.repos.routes.create({ pathPrefix: "/b", connection: "tomcat-a" }, "admin");
  const err = await s.repos.connections.delete("tomcat-a", "admin").catch((e) => e);
  assert.ok(err instanceof DbConflictError);
  assert.deepEqual([...err.routeIds].sort(), [r1.id, r2.id].sort());
  assert.match(err.message, /is used by route/);
  const { deletedRoutes } = await s.repos.connections.delete("TOMCAT-A", "admin", { force: true });
  assert.deepEqual(deletedRoutes.sort(), [r1.id, r2.id].sort());
  assert.deepEqual(await s.repos.routes.list(), []);
  assert.deepEqual(await s.repos.connections.list(), []);
  await assert.rejects(s.repos.connections.delete("tomcat-a", "admin"), DbNotFoundError);
});

Deno.test("connections: creator becomes owner; permissions replace as a whole", async () => {
  await using s = await openStore();
  await s.repos.users.create({ name: "Alice" }, "system");
  await s.repos.users.create({ name: "bob" }, "system");
  await s.repos.connections.create(direct, "alice");
  assert.deepEqual(await s.repos.connections.getPermissions("tomcat-a"), [
    { user: "Alice", role: "owner" },
  ]);
  const set = await s.repos.connections.setPermissions("tomcat-a", [
    { user: "ALICE", role: "owner" },
    { user: "bob", role: "access" },
    { user: "bob", role: "access" },
    { user: "bob", role: "admin" },
  ], "alice");
  assert.deepEqual(set, [
    { user: "Alice", role: "owner" },
    { user: "bob", role: "access" },
    { user: "bob", role: "admin" },
  ]);
  assert.deepEqual(await s.repos.connections.permissionsOf("BOB"), [
    { connection: "Tomcat-A", role: "access" },
    { connection: "Tomcat-A", role: "admin" },
  ]);
  await assert.rejects(
    s.repos.connections.setPermissions("tomcat-a", [{ user: "carol", role: "access" }], "alice"),
    /user "carol" not found/,
  );
  // a failed change leaves the grants as they were
  assert.equal((await s.repos.connections.getPermissions("tomcat-a")).length, 3);
  // an actor that is not a user (e.g. "system") gets no grant
  await s.repos.connections.create({ ...direct, name: "b" }, "system");
  assert.deepEqual(await s.repos.connections.getPermissions("b"), []);
});
