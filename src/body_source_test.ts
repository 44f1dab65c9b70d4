import assert from "node:assert/strict";
import { BodySource } from "./body_source.ts";
import { GatewayError } from "./errors.ts";

function streamOf(...chunks: number[][]): ReadableStream<Uint8Array> {
  return new ReadableStream({
    start(c) {
      for (const ch of chunks) c.enqueue(new Uint8Array(ch));
      c.close();
    },
  });
}

Deno.test("BodySource hands out pieces of at most max bytes and pushes back", async () => {
  const src = new BodySource(streamOf([1, 2, 3, 4, 5], [6]), 6);
  assert.deepEqual([...(await src.next(2))!], [1, 2]);
  const p = (await src.next(10))!;
  assert.deepEqual([...p], [3, 4, 5]);
  src.unread(p);
  assert.equal(src.consumed, 2);
  assert.deepEqual([...(await src.next(10))!], [3, 4, 5]);
  assert.deepEqual([...(await src.next(10))!], [6]);
  assert.equal(src.exhausted, true);
  assert.equal(await src.next(10), null);
});

Deno.test("BodySource reports a body shorter than its Content-Length as a client abort", async () => {
  const src = new BodySource(streamOf([1, 2]), 5);
  await src.next(10);
  await assert.rejects(
    () => src.next(10),
    (e) => e instanceof GatewayError && e.kind === "client_aborted",
  );
});

Deno.test("BodySource turns a stream error into client_aborted", async () => {
  const s = new ReadableStream<Uint8Array>({ pull: (c) => c.error(new Error("reset")) });
  const src = new BodySource(s, null);
  await assert.rejects(
    () => src.next(10),
    (e) => e instanceof GatewayError && e.kind === "client_aborted",
  );
});

Deno.test("BodySource without a body returns null at once", async () => {
  assert.equal(await new BodySource(null, 0).next(10), null);
});
