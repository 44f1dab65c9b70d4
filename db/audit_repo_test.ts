import assert from "node:assert/strict";
import { openStore } from "../tests/support/db_store.ts";

Deno.test("audit: every change is logged newest first, with paging", async () => {
  await using s = await openStore();
  await s.repos.users.create({ name: "alice" }, "system");
  await s.repos.connections.create({ name: "c", type: "direct", host: "h", port: 1 }, "alice");
  await s.repos.connections.update("c", { port: 2 }, "alice");
  const all = await s.repos.audit.list();
  assert.deepEqual(all.map((e) => [e.actor, e.action, e.target]), [
    ["alice", "connection.update", "c"],
    ["alice", "connection.create", "c"],
    ["system", "user.create", "alice"],
  ]);
  const update = all[0];
  assert.equal((update.before as { port: number }).port, 1);
  assert.equal((update.after as { port: number }).port, 2);
  assert.equal(all[1].before, null);
  assert.deepEqual((await s.repos.audit.list({ limit: 1, offset: 1 })).map((e) => e.id), [
    all[1].id,
  ]);
});

Deno.test("audit: rows never contain secrets, only whether they are set", async () => {
  await using s = await openStore();
  const input = { name: "c", type: "proxy", host: "h", password: "pa55word-xyz" } as const;
  await s.repos.connections.create({ ...input, secret: "s3cret-xyz" }, "t");
  await s.repos.connections.update("c", { secret: "n3w-s3cret-xyz", password: null }, "t");
  await s.repos.connections.delete("c", "t");
  const raw = JSON.stringify((await s.client.execute("SELECT * FROM audit")).rows);
  for (const secret of ["s3cret-xyz", "pa55word-xyz", "n3w-s3cret-xyz"]) {
    assert.ok(!raw.includes(secret), `audit holds ${secret}`);
  }
  const [del, upd] = await s.repos.audit.list();
  assert.equal((del.before as { secretSet: boolean }).secretSet, true);
  assert.equal((upd.before as { passwordSet: boolean }).passwordSet, true);
  assert.equal((upd.after as { passwordSet: boolean }).passwordSet, false);
});

Deno.test("audit: append adds an event without a config change", async () => {
  await using s = await openStore();
  await s.repos.audit.append({ actor: "alice", action: "login.failed", target: "api" });
  const [e] = await s.repos.audit.list();
  assert.equal(e.action, "login.failed");
  assert.equal(await s.repos.configVersion(), 0);
  assert.ok(!("update" in s.repos.audit) && !("delete" in s.repos.audit));
});
