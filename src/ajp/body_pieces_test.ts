import assert from "node:assert/strict";
import { takeBytes } from "./body_pieces.ts";

Deno.test("takeBytes joins views up to max and leaves the tail of a split view in place", () => {
  const views = [new Uint8Array([1, 2]), new Uint8Array([3, 4, 5]), new Uint8Array([6])];
  assert.deepEqual([...takeBytes(views, 4)], [1, 2, 3, 4]);
  assert.deepEqual(views.map((v) => [...v]), [[5], [6]]);
  assert.deepEqual([...takeBytes(views, 10)], [5, 6]);
  assert.equal(views.length, 0);
});

Deno.test("takeBytes copies: the piece does not share the views' memory", () => {
  const src = new Uint8Array([7, 8]);
  const piece = takeBytes([src], 2);
  src[0] = 0;
  assert.deepEqual([...piece], [7, 8]);
});
