import assert from "node:assert/strict";
import { readGrantsOf, readPermissions, writePermissions } from "./permissions.ts";
import { openDatabase } from "./open.ts";

Deno.test("permissions: balancer grants work like connection grants", async () => {
  await using db = await openDatabase(":memory:");
  await db.client.executeMultiple(`
    INSERT INTO users (id, name, name_key, created_at) VALUES (1, 'Ann', 'ann', 0);
    INSERT INTO balancers (id, name, name_key, created_at, updated_at) VALUES (7, 'lb', 'lb', 0, 0);
  `);
  await db.write((tx) => writePermissions(tx, "balancer", 7, [{ user: "ANN", role: "admin" }]));
  assert.deepEqual(await readPermissions(db.orm, "balancer", 7), [{ user: "Ann", role: "admin" }]);
  assert.deepEqual(await readGrantsOf(db.orm, "balancer", "ann"), [{ name: "lb", role: "admin" }]);
  await db.write((tx) => writePermissions(tx, "balancer", 7, []));
  assert.deepEqual(await readPermissions(db.orm, "balancer", 7), []);
});
