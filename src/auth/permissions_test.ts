import assert from "node:assert/strict";
import { type Action, ACTIONS, decide, type Role } from "./permissions.ts";

const user = { name: "u", superuser: false };
const root = { name: "root", superuser: true };
const may = (action: Action, ...roles: Role[]) => decide(user, action, new Set(roles));

Deno.test("decide: superusers may do everything, even without a role", () => {
  for (const action of ACTIONS) assert.equal(decide(root, action, new Set()), true, action);
});

Deno.test("decide: owner > admin > access on connections", () => {
  const expected: Record<string, [none: boolean, access: boolean, admin: boolean, owner: boolean]> =
    {
      "connection.read": [false, true, true, true],
      "connection.update": [false, false, true, true],
      "connection.reset": [false, false, true, true],
      "connection.disable": [false, false, true, true],
      "connection.enable": [false, false, true, true],
      "connection.delete": [false, false, false, true],
      "connection.permissions.read": [false, false, true, true],
      "connection.permissions.setAccess": [false, false, true, true],
      "connection.permissions.set": [false, false, false, true],
      "route.create": [false, true, true, true],
      "route.update": [false, false, true, true],
      "route.delete": [false, false, true, true],
      "route.shadow": [false, true, true, true],
      "route.permissions.read": [false, false, true, true],
      "route.permissions.setAccess": [false, false, true, true],
      "route.permissions.set": [false, false, false, true],
    };
  for (const [action, [none, access, admin, owner]] of Object.entries(expected)) {
    const a = action as Action;
    assert.deepEqual([may(a), may(a, "access"), may(a, "admin"), may(a, "owner")], [
      none,
      access,
      admin,
      owner,
    ], action);
  }
});

Deno.test("decide: user management and audit are superuser-only; listing is for anyone", () => {
  for (
    const a of [
      "user.list",
      "user.create",
      "user.delete",
      "token.create",
      "token.revoke",
      "audit.read",
    ]
  ) {
    assert.equal(may(a as Action, "owner", "admin", "access"), false, a);
  }
  for (
    const a of [
      "me.read",
      "connection.list",
      "connection.create",
      "route.list",
      "route.read",
      "token.own",
    ]
  ) {
    assert.equal(may(a as Action), true, a);
  }
});

Deno.test("decide: balancers take the same roles as connections; members need any role", () => {
  const roleSets: Role[][] = [[], ["access"], ["admin"], ["owner"]];
  const mirrored = ACTIONS.filter((a) => a.startsWith("connection.") && a !== "connection.reset");
  for (const action of mirrored) {
    const twin = action.replace("connection.", "balancer.") as Action;
    assert.ok(ACTIONS.includes(twin), twin);
    for (const roles of roleSets) {
      assert.equal(may(twin, ...roles), may(action, ...roles), `${twin} with [${roles}]`);
    }
  }
  assert.deepEqual(roleSets.map((r) => may("balancer.members.set", ...r)), [
    false,
    true,
    true,
    true,
  ]);
});
