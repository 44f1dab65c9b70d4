import assert from "node:assert/strict";
import { BodyTooLargeError, limitedBytes } from "./limited_bytes.ts";

function source(chunks: number[]): ReadableStream<Uint8Array> {
  return ReadableStream.from(chunks.map((n) => new Uint8Array(n)));
}

Deno.test("limitedBytes: passes a body of exactly the limit", async () => {
  const out = await new Response(source([3, 4, 3]).pipeThrough(limitedBytes(10))).bytes();
  assert.equal(out.byteLength, 10);
});

Deno.test("limitedBytes: errors on the chunk that goes past, and cancels the source", async () => {
  let overflowed = false;
  let pulled = 0;
  let cancelled = false;
  const endless = new ReadableStream<Uint8Array>({
    pull(c) {
      pulled++;
      c.enqueue(new Uint8Array(4));
    },
    cancel() {
      cancelled = true;
    },
  });
  const limited = endless.pipeThrough(limitedBytes(10, () => overflowed = true));
  await assert.rejects(new Response(limited).bytes(), BodyTooLargeError);
  assert.equal(overflowed, true);
  assert.equal(cancelled, true);
  assert.ok(pulled <= 5, `pulled ${pulled} chunks`);
});
