import assert from "node:assert/strict";
import { DbConflictError, DbInvalidError, DbNotFoundError } from "./errors.ts";
import { openStore } from "../tests/support/db_store.ts";

async function withConnections() {
  const s = await openStore();
  await s.repos.users.create({ name: "alice" }, "system");
  for (const name of ["a", "b"]) {
    await s.repos.connections.create({ name, type: "direct", host: "h", port: 8009 }, "alice");
  }
  return s;
}

Deno.test("balancers: create with members, defaults, owner grant", async () => {
  await using s = await withConnections();
  const lb = await s.repos.balancers.create({
    name: "LB",
    stickySession: "JSESSIONID",
    members: [{ connection: "B", loadFactor: 3, route: "b1" }, { connection: "a" }],
  }, "alice");
  assert.equal(lb.method, "byrequests");
  assert.equal(lb.stickyForce, false);
  assert.deepEqual(lb.members, [
    { connection: "a", loadFactor: 1, route: null, status: "active" },
    { connection: "b", loadFactor: 3, route: "b1", status: "active" },
  ]);
  assert.deepEqual(await s.repos.balancers.get("lb"), lb);
  assert.deepEqual(await s.repos.balancers.getPermissions("lb"), [{
    user: "alice",
    role: "owner",
  }]);
  assert.deepEqual(await s.repos.balancers.permissionsOf("alice"), [{
    balancer: "LB",
    role: "owner",
  }]);
  await assert.rejects(s.repos.balancers.create({ name: "lb" }, "alice"), DbConflictError);
});

Deno.test("balancers: update replaces members only when given; bad members rejected", async () => {
  await using s = await withConnections();
  await s.repos.balancers.create({ name: "lb", members: [{ connection: "a" }] }, "alice");
  const u = await s.repos.balancers.update("lb", { method: "bybusyness" }, "alice");
  assert.equal(u.method, "bybusyness");
  assert.equal(u.members.length, 1);
  const v = await s.repos.balancers.update("lb", {
    members: [{ connection: "b", status: "draining" }],
  }, "alice");
  assert.deepEqual(v.members.map((m) => [m.connection, m.status]), [["b", "draining"]]);
  await assert.rejects(
    s.repos.balancers.update(
      "lb",
      { members: [{ connection: "a" }, { connection: "A" }] },
      "alice",
    ),
    DbInvalidError,
  );
  await assert.rejects(
    s.repos.balancers.update("lb", { members: [{ connection: "a", loadFactor: 101 }] }, "alice"),
    /load factor 101/,
  );
  await assert.rejects(
    s.repos.balancers.update("lb", { members: [{ connection: "zz" }] }, "alice"),
    DbNotFoundError,
  );
  assert.deepEqual((await s.repos.balancers.get("lb")).members.map((m) => m.connection), ["b"]);
});

Deno.test("balancers: routes may target them; delete and member connections are guarded", async () => {
  await using s = await withConnections();
  await s.repos.balancers.create({ name: "lb", members: [{ connection: "a" }] }, "alice");
  const r = await s.repos.routes.create({ pathPrefix: "/", balancer: "LB" }, "alice");
  assert.equal(r.balancer, "lb");
  assert.equal(r.connection, null);
  await assert.rejects(s.repos.connections.delete("a", "alice"), /used by balancer "lb"/);
  const err = await s.repos.balancers.delete("lb", "alice").catch((e) => e);
  assert.ok(err instanceof DbConflictError);
  assert.deepEqual(err.routeIds, [r.id]);
  assert.deepEqual(await s.repos.balancers.delete("lb", "alice", { force: true }), {
    deletedRoutes: [r.id],
  });
  assert.deepEqual(await s.repos.balancers.list(), []);
  await s.repos.connections.delete("a", "alice");
});

Deno.test("balancers: force-deleting a member connection drops the membership", async () => {
  await using s = await withConnections();
  await s.repos.balancers.create({
    name: "lb",
    members: [{ connection: "a" }, { connection: "b" }],
  }, "alice");
  await s.repos.connections.delete("a", "alice", { force: true });
  assert.deepEqual((await s.repos.balancers.get("lb")).members.map((m) => m.connection), ["b"]);
});
