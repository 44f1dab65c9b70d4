import assert from "node:assert/strict";
import { runAdminCli } from "./admin_cli.ts";
import { ConfigError } from "./proxy_pass.ts";
import { openStore } from "./store.ts";

const noEnv = () => undefined;

Deno.test("admin cli: user add, token create, connection list on a file store", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const db = `file:${dir}/cli.db`;
    const out: string[] = [];
    const run = (...args: string[]) =>
      runAdminCli([...args, "--db", db], noEnv, (l) => out.push(l));
    assert.equal(await run("user", "add", "ops", "--superuser"), 0);
    assert.equal(out.at(-1), "created user ops (superuser)");
    assert.equal(await run("token", "create", "ops", "--name", "deploy"), 0);
    const token = out.at(-1)!;
    assert.match(token, /^[A-Za-z0-9_-]{40,}$/);
    const store = await openStore(db, noEnv);
    try {
      assert.equal((await store.repos.users.authenticate(token))?.name, "ops");
      await store.repos.connections.create(
        { name: "tc", type: "direct", host: "127.0.0.1", port: 8009 },
        "ops",
      );
    } finally {
      store.close();
    }
    assert.equal(await run("connection", "list"), 0);
    assert.deepEqual(out.slice(-2), [
      "NAME\tTYPE\tTARGET\tENABLED",
      "tc\tdirect\tajp://127.0.0.1:8009\ttrue",
    ]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("admin cli: unknown commands and options are one-line configuration errors", async () => {
  for (
    const args of [["user", "remove", "x"], ["user", "add"], ["user", "add", "x", "--bogus"], []]
  ) {
    await assert.rejects(() => runAdminCli(args, noEnv, () => {}), ConfigError, args.join(" "));
  }
});
