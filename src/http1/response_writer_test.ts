import assert from "node:assert/strict";
import { wholeBodyResponse } from "../proxy/whole_body.ts";
import { ConnReader } from "./conn_reader.ts";
import { writeResponse } from "./response_writer.ts";

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
