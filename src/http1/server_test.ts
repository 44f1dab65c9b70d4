import assert from "node:assert/strict";
import { DRAIN_LINGER_MS, type Http1Handler, serveHttp1 } from "./server.ts";

const enc = new TextEncoder();
const dec = new TextDecoder();

/** Sends `text` on a fresh connection and reads until the server closes (or 3 s). */
async function exchange(port: number, text: string, half = false): Promise<string> {
  const conn = await Deno.connect({ hostname: "127.0.0.1", port });
  try {
    await conn.write(enc.encode(text));
    if (half) await conn.closeWrite();
    const buf = new Uint8Array(65536);
    let out = "";
    const deadline = Date.now() + 3000;
    while (Date.now() < deadline) {
      const n = await conn.read(buf).catch(() => null);
      if (n === null) break;
      out += dec.decode(buf.subarray(0, n));
    }
    return out;
  } finally {
    conn.close();
  }
}

function server(handler: Http1Handler) {
  const s = serveHttp1({ hostname: "127.0.0.1", port: 0, idleTimeoutMs: 300 }, handler);
  return Object.assign(s, { [Symbol.asyncDispose]: () => s.shutdown() });
}

Deno.test("serveHttp1: pipelined requests are answered in order, framed by length", async () => {
  await using s = server((req) => Promise.resolve(new Response(`${req.method} ${req.target}`)));
  const out = await exchange(
    s.addr.port,
    "GET /a HTTP/1.1\r\nHost: x\r\n\r\nGET /b?c HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
  );
  const a = out.indexOf("GET /a");
  const b = out.indexOf("GET /b?c");
  assert.ok(a > 0 && b > a, out);
  assert.match(out, /content-length: 6\r\n/);
  assert.match(out, /connection: close\r\n/);
});

Deno.test("serveHttp1: a streamed body goes out chunked; HTTP/1.0 gets it close-delimited", async () => {
  await using s = server(() => {
    let n = 0;
    const body = new ReadableStream<Uint8Array>({
      async pull(c) {
        await new Promise((r) => setTimeout(r, 5));
        if (n++ < 3) c.enqueue(enc.encode(`part${n};`));
        else c.close();
      },
    });
    return Promise.resolve(new Response(body));
  });
  const h11 = await exchange(s.addr.port, "GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  assert.match(h11, /transfer-encoding: chunked\r\n/);
  assert.match(h11, /\r\n6\r\npart1;\r\n6\r\npart2;\r\n6\r\npart3;\r\n0\r\n\r\n$/);
  const h10 = await exchange(s.addr.port, "GET / HTTP/1.0\r\n\r\n");
  assert.match(h10, /^HTTP\/1.0 200 OK\r\n/);
  assert.match(h10, /connection: close\r\n\r\npart1;part2;part3;$/);
});

Deno.test("serveHttp1: 100 Continue only once the handler reads the body", async () => {
  await using s = server(async (req) => {
    if (req.target === "/skip") return new Response("skipped");
    return new Response(await new Response(req.body).text() + ` ${req.method}`);
  });
  const read = await exchange(
    s.addr.port,
    "GET /read HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 2\r\n" +
      "Connection: close\r\n\r\nhi",
  );
  assert.match(read, /^HTTP\/1.1 100 Continue\r\n\r\nHTTP\/1.1 200 OK\r\n/);
  assert.match(read, /hi GET$/);
  const skip = await exchange(
    s.addr.port,
    "POST /skip HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\n",
  );
  assert.match(skip, /^HTTP\/1.1 200 OK\r\n/);
  // the unread body ends the connection rather than being taken for the next request
  assert.match(skip, /connection: close\r\n/);
});

Deno.test("serveHttp1: a HEAD answer keeps its Content-Length and has no body", async () => {
  await using s = server(() =>
    Promise.resolve(new Response("body", { headers: { "content-length": "4" } }))
  );
  const head = await exchange(
    s.addr.port,
    "HEAD / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
  );
  assert.match(head, /content-length: 4\r\n/);
  assert.ok(head.endsWith("\r\n\r\n"), head);
});

Deno.test("serveHttp1: shutdown closes idle connections and stops accepting", async () => {
  const s = server(() => Promise.resolve(new Response("x")));
  const conn = await Deno.connect({ hostname: "127.0.0.1", port: s.addr.port });
  await new Promise((r) => setTimeout(r, 50));
  assert.equal(s.connections, 1);
  await s.shutdown();
  assert.equal(s.connections, 0);
  conn.close();
  await assert.rejects(Deno.connect({ hostname: "127.0.0.1", port: s.addr.port }));
});

Deno.test("serveHttp1: a request that reaches a draining connection is answered with connection: close", async () => {
  const s = server((req) => Promise.resolve(new Response(req.target)));
  const conn = await Deno.connect({ hostname: "127.0.0.1", port: s.addr.port });
  const buf = new Uint8Array(4096);
  const read = async () => dec.decode(buf.subarray(0, (await conn.read(buf)) ?? 0));
  try {
    await conn.write(enc.encode("GET /one HTTP/1.1\r\nHost: x\r\n\r\n"));
    const first = await read();
    assert.match(first, /^HTTP\/1.1 200/);
    assert.doesNotMatch(first, /connection: close/);
    // The shutdown starts while the client's next request is on its way.
    const stopped = s.shutdown();
    await conn.write(enc.encode("GET /two HTTP/1.1\r\nHost: x\r\n\r\n"));
    const second = await read();
    assert.match(second, /^HTTP\/1.1 200/);
    assert.match(second, /connection: close\r\n/);
    assert.match(second, /\/two$/);
    await stopped;
    assert.equal(await conn.read(buf).catch(() => null), null);
  } finally {
    conn.close();
  }
});

Deno.test("serveHttp1: shutdown cuts a kept-alive connection's idle wait to the drain linger", async () => {
  const idleTimeoutMs = 20_000;
  const s = serveHttp1(
    { hostname: "127.0.0.1", port: 0, idleTimeoutMs },
    () => Promise.resolve(new Response("x")),
  );
  const conn = await Deno.connect({ hostname: "127.0.0.1", port: s.addr.port });
  try {
    await conn.write(enc.encode("GET / HTTP/1.1\r\nHost: x\r\n\r\n"));
    await conn.read(new Uint8Array(4096));
    const started = Date.now();
    await s.shutdown();
    const took = Date.now() - started;
    // the sweep finds the late read within 100 ms after its deadline
    assert.ok(took >= DRAIN_LINGER_MS - 10 && took < idleTimeoutMs / 4, `${took} ms`);
    assert.equal(await conn.read(new Uint8Array(16)).catch(() => null), null);
  } finally {
    conn.close();
  }
});

Deno.test("serveHttp1: the head goes out before a slow first body piece", async () => {
  await using s = server(() =>
    Promise.resolve(
      new Response(
        new ReadableStream<Uint8Array>({
          async pull(c) {
            await new Promise((r) => setTimeout(r, 800));
            c.enqueue(enc.encode("late"));
            c.close();
          },
        }, { highWaterMark: 0 }),
      ),
    )
  );
  const conn = await Deno.connect({ hostname: "127.0.0.1", port: s.addr.port });
  try {
    const started = Date.now();
    await conn.write(enc.encode("GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"));
    const buf = new Uint8Array(4096);
    const n = await conn.read(buf);
    assert.ok(Date.now() - started < 500, `head after ${Date.now() - started} ms`);
    assert.match(dec.decode(buf.subarray(0, n ?? 0)), /^HTTP\/1.1 200 OK\r\n/);
    let rest = "";
    for (let m = await conn.read(buf); m !== null; m = await conn.read(buf)) {
      rest += dec.decode(buf.subarray(0, m));
    }
    assert.match(rest, /4\r\nlate\r\n0\r\n\r\n$/);
  } finally {
    conn.close();
  }
});
