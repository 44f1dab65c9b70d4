import assert from "node:assert/strict";
import { readCappedText } from "./read_capped.ts";

const post = (body: BodyInit | null, headers: Record<string, string> = {}) =>
  new Request("http://x/", { method: "POST", body, headers });

Deno.test("readCappedText: reads a small body, refuses a long one however it is framed", async () => {
  assert.equal(await readCappedText(post("a=1&b=2"), 16), "a=1&b=2");
  assert.equal(await readCappedText(post("x".repeat(17)), 16), null);
  const chunked = new ReadableStream<Uint8Array>({
    pull(c) {
      c.enqueue(new Uint8Array(10));
    },
  });
  assert.equal(await readCappedText(post(chunked), 16), null);
});

Deno.test("readCappedText: a body that stalls ends at the deadline", async () => {
  const stalled = new ReadableStream<Uint8Array>({
    start(c) {
      c.enqueue(new TextEncoder().encode("a="));
    },
  });
  const started = performance.now();
  assert.equal(await readCappedText(post(stalled), 1000, 100), null);
  assert.ok(performance.now() - started < 1000);
});
