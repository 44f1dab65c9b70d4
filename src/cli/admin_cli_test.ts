import assert from "node:assert/strict";
import { runAdminCli } from "./admin_cli.ts";
import { ConfigError } from "../config/proxy_pass.ts";
import { openStore } from "../config/store.ts";

const noEnv = () => undefined;

/** A temporary directory with a `run(...args)` that calls the CLI on `file:DIR/cli.db`. */
async function cliDir() {
  const dir = await Deno.makeTempDir();
  const db = `file:${dir}/cli.db`;
  const out: string[] = [];
  return {
    db,
    out,
    run: (...args: string[]) => runAdminCli([...args, "--db", db], noEnv, (l) => out.push(l)),
    [Symbol.asyncDispose]: () => Deno.remove(dir, { recursive: true }),
  };
}

Deno.test("admin cli: user add, token create, connection list on a file store", async () => {
  await using t = await cliDir();
  assert.equal(await t.run("user", "add", "ops", "--superuser", "--create"), 0);
  assert.equal(t.out.at(-1), "created user ops (superuser)");
  assert.equal(await t.run("token", "create", "ops", "--name", "deploy"), 0);
  const token = t.out.at(-1)!;
  assert.match(token, /^[A-Za-z0-9_-]{40,}$/);
  const store = await openStore(t.db, noEnv);
  try {
    assert.equal((await store.repos.users.authenticate(token))?.name, "ops");
    await store.repos.connections.create(
      { name: "tc", type: "direct", host: "127.0.0.1", port: 8009 },
      "ops",
    );
    await store.repos.routes.create(
      { host: null, pathPrefix: "/shop", connection: "tc", backendPath: "/app" },
      "ops",
    );
  } finally {
    store.close();
  }
  assert.equal(await t.run("connection", "list"), 0);
  assert.deepEqual(t.out.slice(-2), [
    "NAME  TYPE    TARGET                ENABLED",
    "tc    direct  ajp://127.0.0.1:8009  yes",
  ]);
  assert.equal(await t.run("route", "list"), 0);
  assert.match(t.out.at(-2)!, /^ID +HOST +PREFIX +TARGET +BACKEND PATH +ENABLED$/);
  assert.match(t.out.at(-1)!, /^[0-9a-f]+ +\* +\/shop +connection tc +\/app +yes$/);
  assert.equal(await t.run("route", "list", "--json"), 0);
  assert.equal(JSON.parse(t.out.at(-1)!)[0].pathPrefix, "/shop");
});

Deno.test("admin cli: user list, token list and token revoke", async () => {
  await using t = await cliDir();
  await t.run("user", "add", "ops", "--superuser", "--create");
  await t.run("user", "add", "alice");
  assert.equal(await t.run("user", "list"), 0);
  assert.match(t.out.at(-3)!, /^NAME +SUPERUSER +CREATED$/);
  assert.match(t.out.at(-2)!, /^alice +no +\d{4}-/);
  assert.match(t.out.at(-1)!, /^ops +yes +\d{4}-/);
  await t.run("token", "create", "alice", "--name", "ci");
  const token = t.out.at(-1)!;
  assert.equal(await t.run("token", "list", "alice", "--json"), 0);
  const [info] = JSON.parse(t.out.at(-1)!);
  assert.deepEqual([info.name, info.revokedAt], ["ci", null]);
  assert.equal(await t.run("token", "revoke", "alice", String(info.id)), 0);
  assert.equal(t.out.at(-1), `revoked token ${info.id} ("ci") of alice`);
  assert.equal(await t.run("token", "list", "alice"), 0);
  assert.match(t.out.at(-1)!, new RegExp(`^${info.id} +ci +\\S+ +- +\\d{4}-`));
  const store = await openStore(t.db, noEnv);
  try {
    assert.equal(await store.repos.users.authenticate(token), null, "revoked token refused");
  } finally {
    store.close();
  }
  await assert.rejects(t.run("token", "revoke", "alice", "x"), /not a number/);
});

Deno.test("admin cli: a missing database file is refused unless --create", async () => {
  await using t = await cliDir();
  await assert.rejects(
    t.run("user", "list"),
    (e: Error) =>
      e instanceof ConfigError && /cli\.db does not exist .*add --create/.test(e.message),
  );
  await assert.rejects(Deno.stat(t.db.slice("file:".length)), Deno.errors.NotFound);
  assert.equal(await t.run("user", "list", "--create"), 0);
  assert.equal(await t.run("user", "list"), 0);
});

Deno.test("admin cli: unknown commands and options are one-line configuration errors", async () => {
  for (
    const args of [
      ["user", "remove", "x"],
      ["user", "add"],
      ["user", "add", "x", "--bogus"],
      ["token", "revoke", "x"],
      ["route", "list", "extra"],
      [],
    ]
  ) {
    await assert.rejects(() => runAdminCli(args, noEnv, () => {}), ConfigError, args.join(" "));
  }
});
