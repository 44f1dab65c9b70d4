import assert from "node:assert/strict";
import { DbConflictError, DbInvalidError, DbNotFoundError } from "./errors.ts";

Deno.test("db errors carry what the API layer needs", () => {
  const nf = new DbNotFoundError("connection", "tomcat-a");
  assert.equal(nf.message, 'connection "tomcat-a" not found');
  assert.equal(nf.name, "DbNotFoundError");
  assert.equal(nf.entity, "connection");
  const c = new DbConflictError("in use", ["r1"]);
  assert.deepEqual(c.routeIds, ["r1"]);
  assert.deepEqual(new DbConflictError("dup").routeIds, []);
  assert.ok(new DbInvalidError("x") instanceof Error);
});
