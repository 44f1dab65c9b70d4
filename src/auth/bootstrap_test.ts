import assert from "node:assert/strict";
import { openStore } from "../../tests/support/db_store.ts";
import { ADMIN_TOKEN_ENV } from "../config/env_names.ts";
import { bootstrapAdmin, bootstrapNotice } from "./bootstrap.ts";

Deno.test("bootstrapAdmin: empty database, no env: generates a token for superuser admin", async () => {
  await using s = await openStore();
  const outcome = await bootstrapAdmin(s.repos, undefined);
  assert.equal(outcome.kind, "generated");
  const token = outcome.kind === "generated" ? outcome.token : "";
  const user = await s.repos.users.authenticate(token);
  assert.equal(user?.name, "admin");
  assert.equal(user?.superuser, true);
  assert.deepEqual((await s.repos.users.listTokens("admin")).map((t) => t.name), ["bootstrap"]);
  assert.match(bootstrapNotice(outcome)!, /shown once.*ajpgate cli token create admin/);
  assert.deepEqual(await bootstrapAdmin(s.repos, undefined), { kind: "none" }, "second start");
  assert.equal((await s.repos.users.listTokens("admin")).length, 1);
});

Deno.test("bootstrapAdmin: the env token is stored as given and not printed", async () => {
  await using s = await openStore();
  const env = "x".repeat(40);
  const outcome = await bootstrapAdmin(s.repos, env);
  assert.deepEqual(outcome, { kind: "env", action: "created" });
  assert.equal((await s.repos.users.authenticate(env))?.name, "admin");
  assert.doesNotMatch(bootstrapNotice(outcome)!, /x{32}/);
  assert.deepEqual(await bootstrapAdmin(s.repos, env), { kind: "env", action: "unchanged" });
});

Deno.test("bootstrapAdmin: AJPGATE_ADMIN_TOKEN set after the first start takes effect", async () => {
  await using s = await openStore();
  // the first start ran without it (a random token nobody kept)
  assert.equal((await bootstrapAdmin(s.repos, undefined)).kind, "generated");
  const first = "first-value-of-the-admin-token-0123456789";
  assert.deepEqual(await bootstrapAdmin(s.repos, first), { kind: "env", action: "created" });
  assert.equal((await s.repos.users.authenticate(first))?.superuser, true);
  // a new value rotates: the new one works, the old one is revoked
  const second = "second-value-of-the-admin-token-0123456789";
  assert.deepEqual(await bootstrapAdmin(s.repos, second), { kind: "env", action: "rotated" });
  assert.equal((await s.repos.users.authenticate(second))?.name, "admin");
  assert.equal(await s.repos.users.authenticate(first), null);
  const named = (await s.repos.users.listTokens("admin")).filter((t) => t.name === ADMIN_TOKEN_ENV);
  assert.deepEqual(named.map((t) => t.revokedAt === null), [false, true]);
  // going back to a revoked value is refused with a clear message
  await assert.rejects(bootstrapAdmin(s.repos, first), /was revoked earlier/);
});

Deno.test("bootstrapAdmin: creates admin when other users exist; refuses a non-superuser admin", async () => {
  await using s = await openStore();
  await s.repos.users.create({ name: "alice" }, "system");
  const env = "y".repeat(40);
  assert.deepEqual(await bootstrapAdmin(s.repos, env), { kind: "env", action: "created" });
  assert.equal((await s.repos.users.authenticate(env))?.superuser, true);

  await using t = await openStore();
  await t.repos.users.create({ name: "admin" }, "system");
  await assert.rejects(bootstrapAdmin(t.repos, env), /"admin", who exists and is not a superuser/);
  const { token } = await t.repos.users.createToken("admin", "x", "system");
  await assert.rejects(bootstrapAdmin(t.repos, token), /not a superuser; choose another value/);
});

Deno.test("bootstrapAdmin: two starts at once with one env token both succeed", async () => {
  await using s = await openStore();
  const env = "z".repeat(40);
  const both = await Promise.all([bootstrapAdmin(s.repos, env), bootstrapAdmin(s.repos, env)]);
  assert.ok(both.every((o) => o.kind === "env"));
  assert.equal((await s.repos.users.authenticate(env))?.superuser, true);
});

Deno.test("bootstrapAdmin: an empty env counts as absent; a short one is refused", async () => {
  await using s = await openStore();
  await assert.rejects(bootstrapAdmin(s.repos, "short"), /at least 32/);
  assert.deepEqual(await s.repos.users.list(), []);
  assert.equal((await bootstrapAdmin(s.repos, "")).kind, "generated");
});

Deno.test("bootstrapAdmin: without env does nothing when a user exists", async () => {
  await using s = await openStore();
  await s.repos.users.create({ name: "alice" }, "system");
  assert.deepEqual(await bootstrapAdmin(s.repos, undefined), { kind: "none" });
  assert.deepEqual((await s.repos.users.list()).map((u) => u.name), ["alice"]);
});
