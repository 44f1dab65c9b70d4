/**
 * Assertions on management API answers shared by the API tests: a problem+json error (RFC
 * 9457) with its status, and a 422 that names exactly the invalid fields.
 * @module
 */
import assert from "node:assert/strict";
import { PROBLEM_JSON } from "../../routes/api/problem.ts";

/** Asserts a problem+json answer with `status` and the fields every problem has; returns its body. */
export async function problem(res: Response, status: number) {
  const body = await res.json();
  assert.equal(res.status, status, JSON.stringify(body));
  assert.equal(res.headers.get("content-type"), PROBLEM_JSON);
  assert.equal(body.status, status);
  assert.equal(typeof body.title, "string");
  assert.equal(typeof body.detail, "string");
  assert.equal(body.type, "about:blank");
  return body;
}

/** Asserts a 422 whose `errors` name exactly `fields`, each also named in `detail`. */
export async function invalid(res: Response, ...fields: string[]) {
  const body = await problem(res, 422);
  const named = body.errors.map((e: { field: string }) => e.field);
  assert.deepEqual([...new Set(named)].sort(), [...fields].sort(), JSON.stringify(body.errors));
  for (const f of fields) assert.ok(body.detail.includes(f), body.detail);
}
