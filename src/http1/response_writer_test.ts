import assert from "node:assert/strict";
import { declareLength, wholeBodyResponse } from "../proxy/whole_body.ts";
import { ConnReader } from "./conn_reader.ts";
import { writeResponse } from "./response_writer.ts";
import { freePieces, takePiece } from "../proxy/piece_pool.ts";

/** A connection that records each write. */
function recordingConn(): { conn: Deno.Conn; writes: Uint8Array[] } {
  const writes: Uint8Array[] = [];
  const conn = {
    write: (b: Uint8Array) => {
      writes.push(b.slice());
      return Promise.resolve(b.length);
    },
  } as unknown as Deno.Conn;
  return { conn, writes };
}

const opts = { isHead: false, minor: 1 as const, keepAlive: () => true, writeTimeoutMs: 1000 };

Deno.test("writeResponse: a whole body goes out with its head in one write, its stream untouched", async () => {
  const { conn, writes } = recordingConn();
  const res = wholeBodyResponse(new TextEncoder().encode("hello"), 200, []);
  assert.equal(await writeResponse(new ConnReader(conn, 64), res, opts), "keep");
  assert.equal(writes.length, 1);
  const text = new TextDecoder().decode(writes[0]);
  assert.match(text, /^HTTP\/1\.1 200 OK\r\n/);
  assert.match(text, /\r\ncontent-length: 5\r\n/);
  assert.ok(text.endsWith("\r\n\r\nhello"));
  assert.equal(res.bodyUsed, false);
});

Deno.test("writeResponse: a streamed body is chunked", async () => {
  const { conn, writes } = recordingConn();
  let pull = 0;
  const body = new ReadableStream<Uint8Array>({
    async pull(c) {
      await new Promise((r) => setTimeout(r, 10)); // later than the first-piece wait
      if (pull++ < 2) c.enqueue(new TextEncoder().encode("ab"));
      else c.close();
    },
  });
  assert.equal(await writeResponse(new ConnReader(conn, 64), new Response(body), opts), "keep");
  const text = writes.map((w) => new TextDecoder().decode(w)).join("");
  assert.match(text, /\r\ntransfer-encoding: chunked\r\n/);
  assert.ok(text.endsWith("\r\n\r\n2\r\nab\r\n2\r\nab\r\n0\r\n\r\n"), JSON.stringify(text));
});

/** A stream of `parts`, each after 10 ms (later than the first-piece wait). */
function slowStream(parts: Uint8Array[]): ReadableStream<Uint8Array> {
  let i = 0;
  return new ReadableStream<Uint8Array>({
    async pull(c) {
      await new Promise((r) => setTimeout(r, 10));
      if (i < parts.length) c.enqueue(parts[i++]);
      else c.close();
    },
  });
}

const text = (writes: Uint8Array[]) => writes.map((w) => new TextDecoder().decode(w)).join("");
const bytes = (s: string) => new TextEncoder().encode(s);

Deno.test("writeResponse: a streamed body with a declared length goes out as is, not chunked", async () => {
  const { conn, writes } = recordingConn();
  const res = declareLength(new Response(slowStream([bytes("abc"), bytes("de")])), 5);
  assert.equal(await writeResponse(new ConnReader(conn, 64), res, opts), "keep");
  const out = text(writes);
  assert.match(out, /\r\ncontent-length: 5\r\n/);
  assert.doesNotMatch(out, /transfer-encoding/);
  assert.ok(out.endsWith("\r\n\r\nabcde"), JSON.stringify(out));
});

Deno.test("writeResponse: bytes beyond the declared length are not sent and the connection closes", async () => {
  const { conn, writes } = recordingConn();
  let cancelled = false;
  const inner = slowStream([bytes("abc"), bytes("defg"), bytes("never")]);
  const reader = inner.getReader();
  const body = new ReadableStream<Uint8Array>({
    async pull(c) {
      const n = await reader.read();
      if (n.done) c.close();
      else c.enqueue(n.value);
    },
    cancel() {
      cancelled = true;
    },
  });
  const res = declareLength(new Response(body), 5);
  assert.equal(await writeResponse(new ConnReader(conn, 64), res, opts), "close");
  assert.ok(text(writes).endsWith("\r\n\r\nabcde"), JSON.stringify(text(writes)));
  assert.ok(cancelled);
});

Deno.test("writeResponse: a body shorter than its declared length closes the connection", async () => {
  const { conn, writes } = recordingConn();
  const res = declareLength(new Response(slowStream([bytes("abc")])), 5);
  assert.equal(await writeResponse(new ConnReader(conn, 64), res, opts), "close");
  assert.ok(text(writes).endsWith("\r\n\r\nabc"));
});

Deno.test("writeResponse: a Content-Length header on a streamed response is not its framing", async () => {
  const { conn, writes } = recordingConn();
  const res = new Response(slowStream([bytes("abcdef")]), { headers: { "content-length": "5" } });
  assert.equal(await writeResponse(new ConnReader(conn, 64), res, opts), "keep");
  assert.match(text(writes), /transfer-encoding: chunked/);
  assert.doesNotMatch(text(writes), /content-length/);
});

Deno.test("writeResponse: written pooled pieces go back to the piece pool", async () => {
  const { conn } = recordingConn();
  const pieces = [takePiece(8192), takePiece(8192), takePiece(20000)];
  for (const p of pieces) p.fill(0x61);
  const before = freePieces();
  const res = declareLength(new Response(slowStream(pieces)), 36384);
  assert.equal(await writeResponse(new ConnReader(conn, 64), res, opts), "keep");
  const after = freePieces();
  assert.deepEqual([after[0] - before[0], after[1] - before[1]], [2, 1]);
});
