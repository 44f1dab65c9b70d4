import assert from "node:assert/strict";
import { sameUsers, toGrants, toPermissionsBody } from "./permissions_schema.ts";

Deno.test("toPermissionsBody / toGrants: round trip by role", () => {
  const grants = [
    { user: "a", role: "owner" as const },
    { user: "b", role: "access" as const },
    { user: "c", role: "admin" as const },
  ];
  const body = toPermissionsBody(grants);
  assert.deepEqual(body, { owners: ["a"], admins: ["c"], access: ["b"] });
  assert.deepEqual(toPermissionsBody(toGrants(body)), body);
});

Deno.test("sameUsers: ignores case, order and repeats", () => {
  assert.equal(sameUsers(["Bob", "alice"], ["alice", "bob", "BOB"]), true);
  assert.equal(sameUsers(["alice"], ["alice", "bob"]), false);
});
