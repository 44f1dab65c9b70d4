import assert from "node:assert/strict";
import { ApiProblem, PROBLEM_JSON, problemResponse } from "./problem.ts";

Deno.test("problemResponse: RFC 9457 members and media type", async () => {
  const res = problemResponse(409, "taken", { routes: ["a"] }, { "x-a": "1" });
  assert.equal(res.status, 409);
  assert.equal(res.headers.get("content-type"), PROBLEM_JSON);
  assert.equal(res.headers.get("x-a"), "1");
  assert.deepEqual(await res.json(), {
    type: "about:blank",
    title: "Conflict",
    status: 409,
    detail: "taken",
    routes: ["a"],
  });
});

Deno.test("ApiProblem.validation: 422 naming each field; the root is `body`", async () => {
  const p = ApiProblem.validation([
    { field: "port", message: "required" },
    { field: "", message: "expected an object" },
    { field: "port", message: "too big" },
  ]);
  assert.equal(p.status, 422);
  assert.equal(p.message, "invalid port, body");
  const body = await p.toResponse().json();
  assert.deepEqual(body.errors.map((e: { field: string }) => e.field), ["port", "body", "port"]);
});
