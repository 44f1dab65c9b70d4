import assert from "node:assert/strict";
import { GatewayError } from "./errors.ts";
import { preRead } from "./pre_read.ts";

function source(pieces: Uint8Array[], stallAfter = Infinity) {
  let i = 0;
  return new ReadableStream<Uint8Array>({
    async pull(c) {
      if (i >= stallAfter) return await new Promise(() => {});
      if (i < pieces.length) c.enqueue(pieces[i++]);
      else c.close();
    },
  }, { highWaterMark: 0 });
}

async function all(s: ReadableStream<Uint8Array>) {
  return new Uint8Array(await new Response(s).arrayBuffer());
}

Deno.test("preRead: a small body is read whole, with its length", async () => {
  const r = await preRead(source([new Uint8Array([1, 2]), new Uint8Array([3])]), 10, 1000);
  assert.equal(r.length, 3);
  assert.deepEqual(await all(r.stream), new Uint8Array([1, 2, 3]));
});

Deno.test("preRead: a larger body keeps its first bytes and streams the rest", async () => {
  const p = (n: number) => new Uint8Array(4).fill(n);
  const r = await preRead(source([p(1), p(2), p(3), p(4)]), 6, 1000);
  assert.equal(r.length, null);
  assert.deepEqual(
    await all(r.stream),
    new Uint8Array([1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4]),
  );
});

Deno.test("preRead: a client that stalls gets 408", async () => {
  await assert.rejects(
    preRead(source([new Uint8Array(1)], 1), 10, 50),
    (err) => err instanceof GatewayError && err.status === 408,
  );
});

Deno.test("preRead without a timeout waits on the stream alone, and passes on its error", async () => {
  const own = new GatewayError("request_timeout", "request body: no data from the client");
  let reads = 0;
  const stream = new ReadableStream<Uint8Array>({
    async pull(c) {
      reads++;
      if (reads === 1) return c.enqueue(new Uint8Array(3));
      // stalls longer than a timer-based pre-read of 20 ms would wait, then fails by itself
      await new Promise((r) => setTimeout(r, 80));
      c.error(own);
    },
  }, { highWaterMark: 0 });
  await assert.rejects(preRead(stream, 10, null), (err) => err === own);
  assert.equal(reads, 2);
});
