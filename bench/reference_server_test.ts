import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { concatBytes } from "../codec/mod.ts";
import {
  createReferenceHandler,
  parseListen,
  patternByte,
  PIECE_SIZE,
  WHOLE_BODY_MAX,
} from "./reference_server.ts";

const BASE = "http://127.0.0.1:8080/app";

/** The /stream pattern computed byte by byte, independently of the handler's slices. */
function expectedPattern(bytes: number): Uint8Array {
  return Uint8Array.from({ length: bytes }, (_, i) => (i * 31 + 7) & 0xff);
}

/** Every chunk of `body`, as the server would write them. */
async function chunks(body: ReadableStream<Uint8Array>): Promise<Uint8Array[]> {
  const out: Uint8Array[] = [];
  for await (const c of body) out.push(c);
  return out;
}

Deno.test("createReferenceHandler answers /stream?bytes=13&cl=1 with the 13 pattern bytes", async () => {
  const res = await createReferenceHandler()(new Request(`${BASE}/stream?bytes=13&cl=1`));
  assert.equal(res.status, 200);
  assert.equal(res.headers.get("content-length"), "13");
  assert.equal(res.headers.get("content-type"), "application/octet-stream");
  assert.deepEqual(new Uint8Array(await res.arrayBuffer()), expectedPattern(13));
  assert.equal(patternByte(300), expectedPattern(301)[300]);
});

Deno.test("createReferenceHandler sends a body of up to 64 KiB as one piece", async () => {
  const res = await createReferenceHandler()(
    new Request(`${BASE}/stream?bytes=${WHOLE_BODY_MAX}&cl=1`),
  );
  const parts = await chunks(res.body!);
  assert.equal(parts.length, 1);
  assert.deepEqual(parts[0], expectedPattern(WHOLE_BODY_MAX));
});

Deno.test("createReferenceHandler streams a larger body in fresh 16 KiB pieces", async () => {
  const bytes = 1024 * 1024 + 1000;
  const res = await createReferenceHandler()(new Request(`${BASE}/stream?bytes=${bytes}&cl=1`));
  assert.equal(res.headers.get("content-length"), String(bytes));
  const parts = await chunks(res.body!);
  assert.equal(parts.length, Math.ceil(bytes / PIECE_SIZE));
  assert.ok(parts.slice(0, -1).every((p) => p.length === PIECE_SIZE));
  assert.equal(new Set(parts.map((p) => p.buffer)).size, parts.length, "each piece its own");
  assert.deepEqual(concatBytes(parts), expectedPattern(bytes));
});

Deno.test("createReferenceHandler leaves Content-Length out without cl=1", async () => {
  const res = await createReferenceHandler()(new Request(`${BASE}/stream?bytes=100000`));
  assert.equal(res.headers.get("content-length"), null);
  assert.equal((await res.arrayBuffer()).byteLength, 100000);
});

Deno.test("createReferenceHandler answers /sha with the webapp's JSON of a streamed body", async () => {
  const body = expectedPattern(200_000);
  const pieces = [body.subarray(0, 7), body.subarray(7, 70_000), body.subarray(70_000)];
  const stream = ReadableStream.from(pieces);
  const res = await createReferenceHandler()(
    new Request(`${BASE}/sha`, {
      method: "PUT",
      body: stream,
      headers: { "content-length": "200000" },
    }),
  );
  assert.equal(res.headers.get("content-type"), "application/json");
  assert.deepEqual(await res.json(), {
    bodyLength: 200_000,
    bodySha256: createHash("sha256").update(body).digest("hex"),
    contentLength: 200_000,
    transferEncoding: null,
  });
});

Deno.test("createReferenceHandler answers /sha without a body as the webapp does", async () => {
  const res = await createReferenceHandler()(new Request(`${BASE}/sha`));
  assert.deepEqual(await res.json(), {
    bodyLength: 0,
    bodySha256: "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    contentLength: -1,
    transferEncoding: null,
  });
});

Deno.test("createReferenceHandler refuses bad sizes and paths outside its prefix", async () => {
  const handler = createReferenceHandler("/app");
  for (const bytes of ["-1", "1.5", "x", "1e20"]) {
    const res = await handler(new Request(`${BASE}/stream?bytes=${bytes}`));
    assert.equal(res.status, 400, bytes);
    await res.body?.cancel();
  }
  const res = await handler(new Request("http://127.0.0.1:8080/big/stream?bytes=13"));
  assert.equal(res.status, 404);
  await res.body?.cancel();
});

Deno.test("parseListen reads --listen HOST:PORT, default a free loopback port", () => {
  assert.deepEqual(parseListen([]), { hostname: "127.0.0.1", port: 0 });
  assert.deepEqual(parseListen(["--listen", "127.0.0.1:8080"]), {
    hostname: "127.0.0.1",
    port: 8080,
  });
  assert.throws(() => parseListen(["--listen", "8080"]), /not HOST:PORT/);
  assert.throws(() => parseListen(["--listen"]), /not HOST:PORT/);
});
