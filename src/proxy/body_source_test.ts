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
  const p = (await src.next(3))!;
  assert.deepEqual([...p], [3, 4, 5]);
  src.unread(p);
  assert.equal(src.consumed, 2);
  assert.deepEqual([...(await src.next(3))!], [3, 4, 5]);
  assert.deepEqual([...(await src.next(10))!], [6]);
  assert.equal(src.exhausted, true);
  assert.equal(await src.next(10), null);
});

/** A stream whose chunks the test enqueues by hand. */
function manual(): { stream: ReadableStream<Uint8Array>; push(...b: number[]): void; end(): void } {
  let c!: ReadableStreamDefaultController<Uint8Array>;
  const stream = new ReadableStream<Uint8Array>({ start: (ctl) => void (c = ctl) });
  return { stream, push: (...b) => c.enqueue(new Uint8Array(b)), end: () => c.close() };
}

const tick = () => new Promise((r) => setTimeout(r, 0));

Deno.test("BodySource fills a piece from a chunk already received", async () => {
  const m = manual();
  m.push(1, 2, 3, 4, 5);
  const src = new BodySource(m.stream, 9);
  assert.deepEqual([...(await src.next(4))!], [1, 2, 3, 4]);
  m.push(6, 7, 8, 9); // arrives while the backend works on the first piece
  await tick();
  // [5] alone would be a 1-byte packet: it is topped up from the chunk read ahead
  assert.deepEqual([...(await src.next(4))!], [5, 6, 7, 8]);
  assert.deepEqual([...(await src.next(4))!], [9]);
  assert.equal(src.exhausted, true);
});

Deno.test("BodySource never waits for more data to fill a piece", async () => {
  const m = manual();
  m.push(1, 2, 3);
  const src = new BodySource(m.stream, null);
  assert.deepEqual([...(await src.next(2))!], [1, 2]);
  // nothing more has arrived: the last byte goes out alone, at once
  assert.deepEqual([...(await src.next(8))!], [3]);
  const later = src.next(8);
  m.push(4);
  assert.deepEqual([...(await later)!], [4]);
  m.end();
  assert.equal(await src.next(8), null);
});

Deno.test("BodySource counts bytes in hand when a short body ends during a top-up", async () => {
  const m = manual();
  m.push(1, 2, 3);
  const src = new BodySource(m.stream, 10);
  assert.deepEqual([...(await src.next(2))!], [1, 2]);
  m.end(); // 3 of 10 bytes
  await tick();
  await assert.rejects(
    () => src.next(8),
    (e) => e instanceof GatewayError && /after 3 of 10 bytes/.test(e.message),
  );
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

Deno.test("BodySource.isEmpty tells an empty stream from one with data, keeping the data", async () => {
  assert.equal(await new BodySource(streamOf(), null).isEmpty(), true);
  assert.equal(await new BodySource(streamOf([]), null).isEmpty(), true);
  const src = new BodySource(streamOf([], [7, 8], [9]), null);
  assert.equal(await src.isEmpty(), false);
  assert.deepEqual([...(await src.next(10))!], [7, 8]);
  assert.deepEqual([...(await src.next(10))!], [9]);
  assert.equal(await src.next(10), null);
});
