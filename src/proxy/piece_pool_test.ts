import assert from "node:assert/strict";
import { freePieces, givePiece, KEPT_PER_SIZE, POOLED_MIN, takePiece } from "./piece_pool.ts";

Deno.test("piece pool: a given-back piece's memory is lent again", () => {
  const a = takePiece(10000);
  assert.equal(a.length, 10000);
  givePiece(a);
  const b = takePiece(12000);
  assert.equal(b.buffer, a.buffer);
  assert.equal(b.length, 12000);
  givePiece(b);
});

Deno.test("piece pool: a piece given back twice is lent once", () => {
  const a = takePiece(40000);
  givePiece(a);
  givePiece(a);
  const b = takePiece(40000);
  const c = takePiece(40000);
  assert.notEqual(b.buffer, c.buffer);
  givePiece(b);
  givePiece(c);
});

Deno.test("piece pool: arrays it did not lend, and small pieces, are left alone", () => {
  const before = freePieces();
  givePiece(new Uint8Array(16384));
  givePiece(new Uint8Array(new ArrayBuffer(65536)));
  const small = takePiece(POOLED_MIN - 1);
  assert.equal(small.buffer.byteLength, POOLED_MIN - 1);
  givePiece(small);
  assert.deepEqual(freePieces(), before);
});

Deno.test("piece pool: at most KEPT_PER_SIZE free buffers of a size are kept", () => {
  const lent = Array.from({ length: KEPT_PER_SIZE + 10 }, () => takePiece(16384));
  for (const p of lent) givePiece(p);
  assert.equal(freePieces()[0], KEPT_PER_SIZE);
});
