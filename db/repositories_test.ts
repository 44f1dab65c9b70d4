import assert from "node:assert/strict";
import { openDatabase } from "./open.ts";
import { createRepositories } from "./repositories.ts";
import { createSecretBox } from "./secret_box.ts";
import { loadSecretKey } from "./secret_key.ts";
import { openStore, tempDir } from "../tests/support/db_store.ts";

/** Opens a file store the way the server does: key file beside the database. */
async function openFileStore(dbUrl: string) {
  const db = await openDatabase(dbUrl);
  const box = createSecretBox(await loadSecretKey({ env: undefined, dbUrl }));
  return Object.assign(db, { repos: createRepositories(db, box) });
}

Deno.test("config_version increments once per change, not per read or failure", async () => {
  await using s = await openStore();
  const r = s.repos;
  const seen = [await r.configVersion()];
  const step = async (change: () => Promise<unknown>) => {
    await change();
    seen.push(await r.configVersion());
  };
  await step(() => r.users.create({ name: "alice" }, "system"));
  await step(() =>
    r.connections.create({ name: "c", type: "direct", host: "h", port: 1 }, "alice")
  );
  await step(() => r.connections.update("c", { enabled: false }, "alice"));
  await step(() => r.connections.setPermissions("c", [{ user: "alice", role: "owner" }], "alice"));
  const route = await r.routes.create({ pathPrefix: "/", connection: "c" }, "alice");
  seen.push(await r.configVersion());
  await step(() => r.routes.update(route.id, { enabled: false }, "alice"));
  await step(() => r.routes.delete(route.id, "alice"));
  const { info } = await r.users.createToken("alice", "t", "alice");
  seen.push(await r.configVersion());
  await step(() => r.users.revokeToken("alice", info.id, "alice"));
  await step(() => r.connections.delete("c", "alice"));
  await step(() => r.users.delete("alice", "system"));
  assert.deepEqual(seen, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
  await r.connections.list();
  await assert.rejects(r.connections.get("c"));
  await assert.rejects(
    r.users.create({ name: "x" }, "a").then(() => r.users.create({ name: "X" }, "a")),
  );
  assert.equal(await r.configVersion(), 12);
});

Deno.test("file database: data and secrets survive a restart; secrets are not plain text", async () => {
  await using dir = await tempDir();
  const url = `file:${dir.path}/data/ajpgate.db`;
  const secret = "Sup3r-S3cret-AJP";
  const password = "Pr0xy-Passw0rd";
  const description = "x'; DROP TABLE connections;--";
  {
    await using s = await openFileStore(url);
    await s.repos.connections.create(
      { name: "c", type: "proxy", host: "h", secret, password, description },
      "t",
    );
  }
  let stored = "";
  // The WAL first: a checkpoint that moves the row into the database file in between then
  // still leaves it in one of the two reads.
  for (const file of ["ajpgate.db-wal", "ajpgate.db"]) {
    const bytes = await Deno.readFile(`${dir.path}/data/${file}`).catch(() => new Uint8Array());
    stored += new TextDecoder("latin1").decode(bytes);
  }
  assert.ok(stored.includes(description), "the search should find plain columns");
  assert.ok(!stored.includes(secret) && !stored.includes(password), "the file holds a secret");
  const key = await Deno.stat(`${dir.path}/data/ajpgate.db.key`);
  assert.equal(key.mode! & 0o777, 0o600);
  await using s = await openFileStore(url);
  const c = await s.repos.connections.get("C");
  assert.equal(c.description, description);
  assert.deepEqual(await s.repos.connections.getSecrets("c"), { secret, password });
  assert.equal(await s.repos.configVersion(), 1);
});

Deno.test("file database: two clients see each other's writes", async () => {
  await using dir = await tempDir();
  const url = `file:${dir.path}/shared.db`;
  await using a = await openFileStore(url);
  await using b = await openFileStore(url);
  await a.repos.connections.create({ name: "from-a", type: "direct", host: "h", port: 1 }, "t");
  assert.equal((await b.repos.connections.get("from-a")).port, 1);
  await b.repos.connections.update("from-a", { port: 2 }, "t");
  assert.equal((await a.repos.connections.get("from-a")).port, 2);
  assert.equal(await a.repos.configVersion(), 2);
  assert.equal(await b.repos.configVersion(), 2);
});

Deno.test("file database: concurrent changes in one process queue instead of stalling", async () => {
  await using dir = await tempDir();
  await using s = await openFileStore(`file:${dir.path}/a.db`);
  const started = performance.now();
  await Promise.all(
    Array.from(
      { length: 20 },
      (_, i) =>
        s.repos.connections.create({ name: `c${i}`, type: "direct", host: "h", port: i }, "t"),
    ),
  );
  assert.ok(performance.now() - started < 2_000, "changes stalled on the busy timeout");
  assert.equal((await s.repos.connections.list()).length, 20);
  assert.equal(await s.repos.configVersion(), 20);
});

Deno.test(":memory: reads during a change wait instead of failing", async () => {
  await using s = await openStore();
  const ops = await Promise.all([
    s.repos.connections.create({ name: "c", type: "direct", host: "h", port: 1 }, "t"),
    s.repos.connections.list(),
    s.repos.configVersion(),
  ]);
  assert.equal(ops[0].name, "c");
});
