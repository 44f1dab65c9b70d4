import assert from "node:assert/strict";
import { readConfigVersion, recordChange, toggleVerb } from "./change_log.ts";
import { openDatabase } from "./open.ts";

Deno.test("recordChange: bumps config_version and audits in the caller's transaction", async () => {
  await using db = await openDatabase(":memory:");
  assert.equal(await readConfigVersion(db.orm), 0);
  await db.write((tx) => recordChange(tx, { actor: "a", action: "x.y", target: "t" }, 1));
  await db.write((tx) =>
    recordChange(tx, { actor: "a", action: "x.y", target: "t", after: { n: 1 } }, 2)
  );
  assert.equal(await readConfigVersion(db.orm), 2);
  // a transaction that fails takes its bump and audit row with it
  await assert.rejects(db.write(async (tx) => {
    await recordChange(tx, { actor: "a", action: "x.y", target: "t" }, 3);
    throw new Error("boom");
  }));
  assert.equal(await readConfigVersion(db.orm), 2);
  const rows = await db.client.execute("SELECT at, after FROM audit ORDER BY id");
  assert.deepEqual(rows.rows.map((r) => [r.at, r.after]), [[1, null], [2, '{"n":1}']]);
});

Deno.test("toggleVerb: a change of `enabled` alone is an enable or a disable", () => {
  assert.equal(toggleVerb({ enabled: false }), "disable");
  assert.equal(toggleVerb({ enabled: true, name: undefined }), "enable");
  assert.equal(toggleVerb({ enabled: true, host: "h" }), null);
  assert.equal(toggleVerb({ host: "h" }), null);
});
