/**
 * How a streamed response body is handed to the HTTP server: in pieces of at most 64 KiB
 * within the first MiB and 16 KiB after it (PIECE_MAX in src/ajp/exchange.ts), byte-exact
 * across packet and piece boundaries, with the socket back in the pool afterwards. Read in-process from the Response, since HTTP would
 * hide the piece boundaries; a scripted AJP peer controls what is buffered when.
 */
import assert from "node:assert/strict";
import type { ContainerMessage } from "../codec/mod.ts";
import { concatBytes, encodeContainerMessage } from "../codec/mod.ts";
import { AjpUpstream } from "../src/ajp/ajp_upstream.ts";
import { BodySource } from "../src/proxy/body_source.ts";
import { parseProxyPass } from "../src/config/proxy_pass.ts";
import { startAjpPeer } from "./support/ajp_peer.ts";

const PACKET = 65536;

/** `n` bytes where byte i is (i * 7 + 3) & 0xff, starting at offset `from`. */
function pattern(from: number, n: number): Uint8Array {
  return Uint8Array.from({ length: n }, (_, i) => ((from + i) * 7 + 3) & 0xff);
}

function chunk(data: Uint8Array): Uint8Array {
  return encodeContainerMessage({ type: "SEND_BODY_CHUNK", data }, PACKET);
}

/** Sends one GET through `backend` and returns the body's pieces as delivered. */
async function pieces(backend: AjpUpstream): Promise<Uint8Array[]> {
  const res = await backend.send({
    method: "GET",
    path: "/x",
    headers: new Headers(),
    backendUri: "/x",
    query: null,
    client: {
      remoteAddr: "127.0.0.1",
      remotePort: 1,
      localAddr: "127.0.0.1",
      localPort: 2,
      isSsl: false,
    },
    preserveHost: false,
    body: new BodySource(null, 0),
    bodyLength: 0,
  });
  assert.equal(res.status, 200);
  const out: Uint8Array[] = [];
  const reader = res.body!.getReader();
  for (let r = await reader.read(); !r.done; r = await reader.read()) out.push(r.value);
  return out;
}

Deno.test("a streamed body arrives byte-exact, in 64 KiB pieces then 16 KiB ones, socket reused", async () => {
  // 21 chunks of 60,000 bytes (1.26 MB), then a 1-byte one: the first two are written with
  // the headers, the rest later, END_RESPONSE with the last.
  const sizes = [...Array(21).fill(60_000), 1];
  const chunks: Uint8Array[] = [];
  for (let off = 0, i = 0; i < sizes.length; off += sizes[i], i++) {
    chunks.push(pattern(off, sizes[i]));
  }
  const headers: ContainerMessage = {
    type: "SEND_HEADERS",
    status: 200,
    reason: null,
    headers: [],
  };
  let requests = 0;
  await using peer = startAjpPeer(async (s) => {
    for (;;) {
      await s.readForward();
      requests++;
      await s.writeRaw(
        concatBytes([encodeContainerMessage(headers, PACKET), chunk(chunks[0]), chunk(chunks[1])]),
      );
      await new Promise((r) => setTimeout(r, 50));
      await s.writeRaw(concatBytes([
        ...chunks.slice(2).map(chunk),
        encodeContainerMessage({ type: "END_RESPONSE", reuse: true }, PACKET),
      ]));
    }
  });
  const backend = new AjpUpstream(
    parseProxyPass(`/ ajp://127.0.0.1:${peer.port}/ packetsize=${PACKET} name=peer`).backend,
  );
  try {
    const got = await pieces(backend);
    let off = 0;
    for (const p of got) {
      const max = off < 1 << 20 ? 65536 : 16384;
      assert.ok(p.length > 0 && p.length <= max, `a piece of ${p.length} at ${off}`);
      off += p.length;
    }
    assert.ok(got.some((p) => p.length > 16384), "no piece above 16 KiB");
    assert.ok(got.length > 2 && got.at(-2)!.length <= 16384);
    assert.deepEqual(concatBytes(got), concatBytes(chunks));
    assert.deepEqual(backend.sockets(), { idle: 1, busy: 0 });
    // the same socket serves the next request
    assert.deepEqual(concatBytes(await pieces(backend)), concatBytes(chunks));
    assert.equal(requests, 2);
    assert.equal(peer.accepted(), 1);
  } finally {
    backend.close();
  }
});
