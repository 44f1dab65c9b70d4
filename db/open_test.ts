import assert from "node:assert/strict";
import { openDatabase } from "./open.ts";
import { migrations } from "./migrations/embedded.ts";
import { tempDir } from "../tests/support/db_store.ts";

async function tableNames(db: { client: import("@libsql/client").Client }): Promise<string[]> {
  const rs = await db.client.execute(
    "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name",
  );
  return rs.rows.map((r) => String(r.name));
}

Deno.test("openDatabase: migrations apply on a fresh :memory: database", async () => {
  await using db = await openDatabase(":memory:");
  const names = await tableNames(db);
  for (const t of ["connections", "routes", "users", "api_tokens", "audit", "config_version"]) {
    assert.ok(names.includes(t), `table ${t} missing from ${names}`);
  }
  const applied = await db.client.execute("SELECT tag FROM ajpgate_migrations");
  assert.deepEqual(applied.rows.map((r) => r.tag), migrations.map((m) => m.tag));
});

Deno.test("openDatabase: file database in a new directory, WAL, idempotent reopen", async () => {
  await using dir = await tempDir();
  const url = `file:${dir.path}/nested/dir/a.db`;
  {
    await using db = await openDatabase(url);
    const mode = await db.client.execute("PRAGMA journal_mode");
    assert.equal(mode.rows[0].journal_mode, "wal");
    await db.client.execute("INSERT INTO users (name, name_key, created_at) VALUES ('u', 'u', 1)");
  }
  await using again = await openDatabase(url);
  const applied = await again.client.execute("SELECT count(*) AS n FROM ajpgate_migrations");
  assert.equal(Number(applied.rows[0].n), migrations.length);
  const users = await again.client.execute("SELECT name FROM users");
  assert.deepEqual(users.rows.map((r) => r.name), ["u"]);
});

Deno.test("openDatabase: two processes migrating one new file at once both succeed", async () => {
  await using dir = await tempDir();
  const url = `file:${dir.path}/a.db`;
  const code = `import { openDatabase } from ${JSON.stringify(import.meta.resolve("./open.ts"))};
    (await openDatabase(${JSON.stringify(url)})).close();`;
  const run = () =>
    new Deno.Command(Deno.execPath(), {
      args: ["eval", code],
      cwd: new URL("..", import.meta.url),
      env: { RUST_BACKTRACE: "0" },
      stdout: "null",
      stderr: "piped",
    }).output();
  const outputs = await Promise.all([run(), run()]);
  for (const out of outputs) assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));
  await using db = await openDatabase(url);
  const n = await db.client.execute("SELECT count(*) AS n FROM ajpgate_migrations");
  assert.equal(Number(n.rows[0].n), migrations.length);
});

Deno.test("openDatabase: unsupported URL fails before any client exists", async () => {
  await assert.rejects(openDatabase("mysql://x"), /not supported/);
});

Deno.test("openDatabase: a new file database and its -wal and -shm are private (0600)", async () => {
  await using dir = await tempDir();
  const path = `${dir.path}/private.db`;
  await using db = await openDatabase(`file:${path}`);
  await db.client.execute("INSERT INTO users (name, name_key, created_at) VALUES ('u', 'u', 1)");
  for (const file of [path, `${path}-wal`, `${path}-shm`]) {
    const { mode } = await Deno.stat(file);
    assert.equal((mode ?? 0) & 0o777, 0o600, `${file}: ${((mode ?? 0) & 0o777).toString(8)}`);
  }
});
