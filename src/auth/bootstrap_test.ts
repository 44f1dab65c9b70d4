import assert from "node:assert/strict";
import { openStore } from "../../db/test_support.ts";
import { bootstrapAdmin } from "./bootstrap.ts";

Deno.test("bootstrapAdmin: empty database, no env: generates a token for superuser admin", async () => {
  await using s = await openStore();
  const token = await bootstrapAdmin(s.repos, undefined);
  assert.ok(token !== null);
  const user = await s.repos.users.authenticate(token);
  assert.equal(user?.name, "admin");
  assert.equal(user?.superuser, true);
  assert.deepEqual((await s.repos.users.listTokens("admin")).map((t) => t.name), ["bootstrap"]);
  assert.equal(await bootstrapAdmin(s.repos, undefined), null, "second start changes nothing");
  assert.equal((await s.repos.users.listTokens("admin")).length, 1);
});

Deno.test("bootstrapAdmin: the env token is stored as given and not returned", async () => {
  await using s = await openStore();
  const env = "x".repeat(40);
  assert.equal(await bootstrapAdmin(s.repos, env), null);
  assert.equal((await s.repos.users.authenticate(env))?.name, "admin");
});

Deno.test("bootstrapAdmin: an empty env counts as absent; a short one is refused", async () => {
  await using s = await openStore();
  await assert.rejects(bootstrapAdmin(s.repos, "short"), /at least 32/);
  assert.deepEqual(await s.repos.users.list(), []);
  assert.equal(typeof await bootstrapAdmin(s.repos, ""), "string");
});

Deno.test("bootstrapAdmin: does nothing when a user exists", async () => {
  await using s = await openStore();
  await s.repos.users.create({ name: "alice" }, "system");
  assert.equal(await bootstrapAdmin(s.repos, undefined), null);
  assert.deepEqual((await s.repos.users.list()).map((u) => u.name), ["alice"]);
});
