import assert from "node:assert/strict";
import { concatBytes } from "./bytes.ts";

Deno.test("concatBytes joins the parts in order into a new array", () => {
  const a = new Uint8Array([1, 2]);
  const out = concatBytes([a, new Uint8Array(0), new Uint8Array([3])]);
  assert.deepEqual([...out], [1, 2, 3]);
  assert.equal(concatBytes([]).length, 0);
});

Deno.test("concatBytes copies even a single part", () => {
  const a = new Uint8Array([7, 8]);
  const out = concatBytes([a]);
  a[0] = 0;
  assert.deepEqual([...out], [7, 8]);
});
