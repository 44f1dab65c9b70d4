import assert from "node:assert/strict";
import { z } from "zod";
import { ApiProblem } from "./problem.ts";
import { fieldErrorsOf, validationHook } from "./validation_hook.ts";

const schema = z.strictObject({
  name: z.string().min(1),
  pool: z.strictObject({ max: z.int() }).optional(),
});

Deno.test("fieldErrorsOf: dotted paths, one error per unknown key", () => {
  const r = schema.safeParse({ name: "", extra: 1, pool: { max: 1.5, other: 2 } });
  assert.ok(!r.success);
  const fields = fieldErrorsOf(r.error.issues).map((e) => e.field).sort();
  assert.deepEqual(fields, ["extra", "name", "pool.max", "pool.other"]);
});

Deno.test("validationHook: throws a 422 ApiProblem on failure only", () => {
  const bad = schema.safeParse([]);
  assert.ok(!bad.success);
  assert.throws(() => validationHook(bad), (e) => e instanceof ApiProblem && e.status === 422);
  validationHook({ success: true });
});
