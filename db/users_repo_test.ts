import assert from "node:assert/strict";
import { DbConflictError, DbNotFoundError } from "./errors.ts";
import { sha256Hex } from "./sha256.ts";
import { openStore } from "../tests/support/db_store.ts";

Deno.test("users: create, get, list, delete; names unique in any case", async () => {
  await using s = await openStore();
  const alice = await s.repos.users.create({ name: "Alice", superuser: true }, "system");
  assert.equal(alice.superuser, true);
  assert.equal((await s.repos.users.create({ name: "bob" }, "system")).superuser, false);
  await assert.rejects(s.repos.users.create({ name: "ALICE" }, "system"), DbConflictError);
  assert.deepEqual(await s.repos.users.get("alice"), alice);
  assert.deepEqual((await s.repos.users.list()).map((u) => u.name), ["Alice", "bob"]);
  await s.repos.users.delete("BOB", "system");
  await assert.rejects(s.repos.users.get("bob"), DbNotFoundError);
});

Deno.test("tokens: shown once, stored as SHA-256 only, authenticate and revoke", async () => {
  await using s = await openStore();
  const alice = await s.repos.users.create({ name: "alice" }, "system");
  const { token, info } = await s.repos.users.createToken("ALICE", "ci", "system");
  assert.match(token, /^[A-Za-z0-9_-]{43}$/);
  assert.equal(info.user, "alice");
  assert.equal(info.lastUsedAt, null);
  const rows = await s.client.execute("SELECT * FROM api_tokens");
  assert.equal(rows.rows[0].hash, await sha256Hex(token));
  assert.ok(!JSON.stringify(rows.rows).includes(token));
  assert.deepEqual(await s.repos.users.authenticate(token), alice);
  assert.equal(await s.repos.users.authenticate(token + "x"), null);
  assert.equal(await s.repos.users.authenticate(""), null);
  const revoked = await s.repos.users.revokeToken("alice", info.id, "alice");
  assert.notEqual(revoked.revokedAt, null);
  assert.equal(await s.repos.users.authenticate(token), null);
  await assert.rejects(s.repos.users.revokeToken("alice", 999, "alice"), DbNotFoundError);
});

Deno.test("tokens: lastUsedAt is written at most once a minute", async () => {
  let now = Date.parse("2030-01-01T00:00:00Z");
  await using s = await openStore(":memory:", { now: () => now });
  await s.repos.users.create({ name: "alice" }, "system");
  const { token } = await s.repos.users.createToken("alice", "ci", "system");
  const lastUsed = async () => (await s.repos.users.listTokens("alice"))[0].lastUsedAt;
  await s.repos.users.authenticate(token);
  assert.equal(await lastUsed(), "2030-01-01T00:00:00.000Z");
  now += 59_000;
  await s.repos.users.authenticate(token);
  assert.equal(await lastUsed(), "2030-01-01T00:00:00.000Z");
  now += 1_000;
  await s.repos.users.authenticate(token);
  assert.equal(await lastUsed(), "2030-01-01T00:01:00.000Z");
});

Deno.test("users: deleting a user removes their tokens and grants", async () => {
  await using s = await openStore();
  await s.repos.users.create({ name: "alice" }, "system");
  const { token } = await s.repos.users.createToken("alice", "ci", "system");
  await s.repos.connections.create({ name: "c", type: "direct", host: "h", port: 1 }, "alice");
  await s.repos.users.delete("alice", "system");
  assert.equal(await s.repos.users.authenticate(token), null);
  assert.deepEqual(await s.repos.connections.getPermissions("c"), []);
  const n = await s.client.execute("SELECT count(*) AS n FROM api_tokens");
  assert.equal(Number(n.rows[0].n), 0);
});

Deno.test("tokens: importToken stores a given token by hash; reusing it is a conflict", async () => {
  await using s = await openStore();
  const admin = await s.repos.users.create({ name: "admin", superuser: true }, "system");
  const token = "operator-chosen-token-0123456789abcdef";
  const info = await s.repos.users.importToken("admin", "bootstrap", token, "system");
  assert.equal(info.name, "bootstrap");
  assert.equal(info.user, "admin");
  const rows = await s.client.execute("SELECT hash FROM api_tokens");
  assert.equal(rows.rows[0].hash, await sha256Hex(token));
  assert.deepEqual(await s.repos.users.authenticate(token), admin);
  await assert.rejects(
    s.repos.users.importToken("admin", "again", token, "system"),
    DbConflictError,
  );
  await assert.rejects(s.repos.users.importToken("nobody", "t", "x", "system"), DbNotFoundError);
});
