import assert from "node:assert/strict";
import { Hono } from "hono";
import { HTTPException } from "hono/http-exception";
import { DbConflictError, DbInvalidError, DbNotFoundError } from "../../db/mod.ts";
import { apiErrorHandler } from "./on_error.ts";
import { ApiProblem, PROBLEM_JSON } from "./problem.ts";

async function answer(err: Error) {
  const logged: unknown[] = [];
  const app = new Hono();
  app.get("/", () => {
    throw err;
  });
  app.onError(apiErrorHandler((_m, e) => logged.push(e)));
  const res = await app.request("/");
  assert.equal(res.headers.get("content-type"), PROBLEM_JSON);
  return { status: res.status, body: await res.json(), logged };
}

Deno.test("apiErrorHandler: maps each error kind to its status", async () => {
  assert.equal((await answer(new ApiProblem(403, "no"))).status, 403);
  assert.equal((await answer(new HTTPException(400, { message: "Malformed JSON" }))).status, 400);
  assert.equal((await answer(new DbNotFoundError("connection", "x"))).status, 404);
  assert.equal((await answer(new DbInvalidError("bad"))).status, 422);
  const conflict = await answer(new DbConflictError("used", ["r1", "r2"]));
  assert.equal(conflict.status, 409);
  assert.deepEqual(conflict.body.routes, ["r1", "r2"]);
});

Deno.test("apiErrorHandler: anything else is a logged 500 without details", async () => {
  const err = new Error("secret internals");
  const r = await answer(err);
  assert.equal(r.status, 500);
  assert.deepEqual(r.logged, [err]);
  assert.ok(!JSON.stringify(r.body).includes("secret internals"));
  assert.ok(!JSON.stringify(r.body).includes("at "));
});
