import assert from "node:assert/strict";
import { createClient } from "@libsql/client";
import { applyMigrations, type EmbeddedMigration } from "./migrate.ts";

const m1: EmbeddedMigration = {
  tag: "0000_a",
  when: 1,
  hash: "h1",
  sql: "CREATE TABLE a (x integer);--> statement-breakpoint\nCREATE INDEX a_x ON a (x);",
};
const m2: EmbeddedMigration = {
  tag: "0001_b",
  when: 2,
  hash: "h2",
  sql: "CREATE TABLE b (y text);",
};

function memoryClient() {
  const client = createClient({ url: ":memory:" });
  return Object.assign(client, { [Symbol.dispose]: () => client.close() });
}

Deno.test("applyMigrations: applies pending ones in order, then nothing", async () => {
  using client = memoryClient();
  assert.deepEqual(await applyMigrations(client, [m1]), ["0000_a"]);
  assert.deepEqual(await applyMigrations(client, [m1, m2]), ["0001_b"]);
  assert.deepEqual(await applyMigrations(client, [m1, m2]), []);
  const rs = await client.execute("SELECT tag, hash FROM ajpgate_migrations ORDER BY tag");
  assert.deepEqual(rs.rows.map((r) => [r.tag, r.hash]), [["0000_a", "h1"], ["0001_b", "h2"]]);
  await client.execute("INSERT INTO b (y) VALUES ('ok')");
});

Deno.test("applyMigrations: a failing statement rolls the whole run back", async () => {
  using client = memoryClient();
  const bad: EmbeddedMigration = { tag: "0001_bad", when: 2, hash: "h", sql: "CREATE TABLE (" };
  await assert.rejects(applyMigrations(client, [m1, bad]));
  const rs = await client.execute(
    "SELECT name FROM sqlite_master WHERE name IN ('a', 'ajpgate_migrations')",
  );
  assert.deepEqual(rs.rows, []);
});

Deno.test("applyMigrations: an edited applied migration is refused", async () => {
  using client = memoryClient();
  await applyMigrations(client, [m1]);
  await assert.rejects(
    applyMigrations(client, [{ ...m1, hash: "other" }]),
    /migration 0000_a was applied with hash h1 but the embedded one has other/,
  );
});
