import assert from "node:assert/strict";
import type { InstanceInput } from "./instances_repo.ts";
import { openStore } from "../tests/support/db_store.ts";

const T0 = Date.UTC(2026, 0, 1);

function input(id: string): InstanceInput {
  return {
    id,
    host: "gw-1",
    pid: 4242,
    version: "0.1.0",
    proxyListen: "0.0.0.0:8080",
    adminListen: "127.0.0.1:9090",
  };
}

/** A store on a clock the test moves. */
async function clockedStore() {
  const clock = { t: T0 };
  const store = await openStore(":memory:", { now: () => clock.t });
  return Object.assign(store, { clock });
}

Deno.test("instances: live while heartbeating, gone 30 s after the last heartbeat", async () => {
  await using s = await clockedStore();
  const r = s.repos.instances;
  await r.register(input("a"));
  const [a] = await r.list();
  assert.deepEqual(a, {
    ...input("a"),
    startedAt: new Date(T0).toISOString(),
    heartbeatAt: new Date(T0).toISOString(),
    stoppedAt: null,
    status: "live",
  });
  s.clock.t = T0 + 30_000;
  assert.equal((await r.list())[0].status, "live", "exactly 30 s old is still live");
  s.clock.t = T0 + 30_001;
  assert.equal((await r.list())[0].status, "gone");
  await r.heartbeat(input("a"));
  const [back] = await r.list();
  assert.equal(back.status, "live");
  assert.equal(back.startedAt, new Date(T0).toISOString(), "a heartbeat keeps the start time");
  assert.equal(back.heartbeatAt, new Date(T0 + 30_001).toISOString());
});

Deno.test("instances: stopping shows gone at once, with the time it stopped", async () => {
  await using s = await clockedStore();
  const r = s.repos.instances;
  await r.register(input("a"));
  await r.register(input("b"));
  s.clock.t = T0 + 1000;
  await r.markStopped("a");
  const byId = new Map((await r.list()).map((i) => [i.id, i]));
  assert.equal(byId.get("a")?.status, "gone");
  assert.equal(byId.get("a")?.stoppedAt, new Date(T0 + 1000).toISOString());
  assert.equal(byId.get("b")?.status, "live");
  assert.equal(byId.get("b")?.stoppedAt, null);
});

Deno.test("instances: heartbeats are not configuration changes (no version, no audit)", async () => {
  await using s = await clockedStore();
  const r = s.repos;
  await r.instances.register(input("a"));
  await r.instances.heartbeat(input("a"));
  await r.instances.markStopped("a");
  assert.equal(await r.configVersion(), 0);
  assert.deepEqual(await r.audit.list(), []);
});

Deno.test("instances: registering prunes instances gone for more than a day", async () => {
  await using s = await clockedStore();
  const r = s.repos.instances;
  await r.register(input("old"));
  s.clock.t = T0 + 3_600_000;
  await r.register(input("recent"));
  await r.markStopped("recent");
  s.clock.t = T0 + 86_400_001;
  await r.register(input("new"));
  assert.deepEqual((await r.list()).map((i) => [i.id, i.status]), [
    ["recent", "gone"],
    ["new", "live"],
  ]);
});

Deno.test("instances: a heartbeat recreates a row that was pruned meanwhile", async () => {
  await using s = await clockedStore();
  const r = s.repos.instances;
  await r.register(input("sleeper"));
  s.clock.t = T0 + 2 * 86_400_000;
  await r.register(input("other"));
  assert.deepEqual((await r.list()).map((i) => i.id), ["other"]);
  await r.heartbeat(input("sleeper"));
  const sleeper = (await r.list()).find((i) => i.id === "sleeper");
  assert.equal(sleeper?.status, "live");
  assert.equal(sleeper?.startedAt, new Date(T0 + 2 * 86_400_000).toISOString());
});
