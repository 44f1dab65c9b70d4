import assert from "node:assert/strict";
import { GatewayError } from "../proxy/errors.ts";
import { type Framing, requestBody } from "./body.ts";
import { ConnReader } from "./conn_reader.ts";

const enc = new TextEncoder();

/** A connected loopback pair: the client side and the server side's reader. */
async function pair() {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const client = await Deno.connect({
    hostname: "127.0.0.1",
    port: (listener.addr as Deno.NetAddr).port,
  });
  const server = await listener.accept();
  listener.close();
  const reader = new ConnReader(server, 64);
  // the listener's sweep, which enforces the deadlines
  const sweeper = setInterval(() => reader.sweep(Date.now()), 10);
  return {
    client,
    reader,
    [Symbol.dispose]() {
      clearInterval(sweeper);
      for (const c of [client, server]) {
        try {
          c.close();
        } catch {
          // closed
        }
      }
    },
  };
}

async function read(framing: Framing, wire: string[], timeoutMs = 2000) {
  using p = await pair();
  const body = requestBody(p.reader, framing, { timeoutMs, pieceSize: 5 });
  const writing = (async () => {
    for (const piece of wire) {
      await p.client.write(enc.encode(piece));
      await new Promise((r) => setTimeout(r, 5));
    }
  })();
  try {
    const text = await new Response(body.stream).text();
    return { text, complete: body.complete };
  } finally {
    await writing.catch(() => {});
  }
}

Deno.test("requestBody: Content-Length body in pieces, then complete", async () => {
  assert.deepEqual(await read({ length: 12 }, ["hello ", "world!", "NEXT"]), {
    text: "hello world!",
    complete: true,
  });
});

Deno.test("requestBody: chunked body with extensions and trailers, split anywhere", async () => {
  const wire = "3;x=y\r\nabc\r\nA\r\n0123456789\r\n0\r\nTrailer: t\r\n\r\n";
  for (const cut of [1, 4, 9, 17, 30]) {
    const r = await read({ chunked: true }, [wire.slice(0, cut), wire.slice(cut)]);
    assert.deepEqual(r, { text: "abc0123456789", complete: true }, `cut ${cut}`);
  }
});

Deno.test("requestBody: malformed chunked bodies fail with 400", async () => {
  for (
    const wire of [
      "-1\r\nx\r\n0\r\n\r\n",
      "0x1\r\nx\r\n0\r\n\r\n",
      "1\r\nxy\r\n0\r\n\r\n",
      "1\nx\r\n",
    ]
  ) {
    await assert.rejects(
      read({ chunked: true }, [wire]),
      (err) => err instanceof GatewayError && err.status === 400,
      JSON.stringify(wire),
    );
  }
});

Deno.test("requestBody: a stalled client fails with 408", async () => {
  await assert.rejects(
    read({ length: 10 }, ["abc"], 100),
    (err) => err instanceof GatewayError && err.status === 408,
  );
});
