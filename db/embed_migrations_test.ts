import assert from "node:assert/strict";
import { migrationsDir, renderEmbeddedMigrations } from "./embed_migrations.ts";
import { migrations } from "./migrations/embedded.ts";
import { sha256Hex } from "./sha256.ts";

Deno.test("embedded.ts is in sync with db/migrations (run `deno task db:generate`)", async () => {
  const expected = await renderEmbeddedMigrations(migrationsDir);
  const actual = await Deno.readTextFile(new URL("embedded.ts", migrationsDir));
  assert.equal(actual, expected);
});

Deno.test("embedded migrations: hashes match their SQL, tags and times ascend", async () => {
  assert.ok(migrations.length > 0);
  for (const [i, m] of migrations.entries()) {
    assert.equal(m.hash, await sha256Hex(m.sql));
    assert.ok(m.tag.startsWith(String(i).padStart(4, "0") + "_"), m.tag);
    if (i > 0) assert.ok(m.when > migrations[i - 1].when);
  }
});
