/**
 * How a streamed response body is handed to the HTTP server: in pieces of at most 16 KiB
 * (V8 frees each piece only at its next young-generation collection, so smaller pieces keep
 * RSS down on large downloads), byte-exact across packet and piece boundaries, with the
 * socket back in the pool afterwards. Read in-process from the Response, since HTTP would
 * hide the piece boundaries; a scripted AJP peer controls what is buffered when.
 */
import assert from "node:assert/strict";
import type { ContainerMessage } from "../codec/mod.ts";
import { encodeContainerMessage } from "../codec/mod.ts";
import { Backend } from "../src/backend.ts";
import { BodySource } from "../src/body_source.ts";
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

function joined(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let off = 0;
  for (const p of parts) {
    out.set(p, off);
    off += p.length;
  }
  return out;
}

/** Sends one GET through `backend` and returns the body's pieces as delivered. */
async function pieces(backend: Backend): Promise<Uint8Array[]> {
  const res = await backend.send({
    method: "GET",
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

Deno.test("a streamed body arrives byte-exact in pieces of at most 16 KiB, socket reused", async () => {
  // 60,000 + 1 + 40,000 bytes in three chunks; the first two are buffered with the headers,
  // the last comes later with END_RESPONSE in the same write.
  const a = pattern(0, 60_000);
  const b = pattern(60_000, 1);
  const c = pattern(60_001, 40_000);
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
      await s.writeRaw(joined(encodeContainerMessage(headers, PACKET), chunk(a), chunk(b)));
      await new Promise((r) => setTimeout(r, 50));
      await s.writeRaw(
        joined(chunk(c), encodeContainerMessage({ type: "END_RESPONSE", reuse: true }, PACKET)),
      );
    }
  });
  const backend = new Backend(
    parseProxyPass(`/ ajp://127.0.0.1:${peer.port}/ packetsize=${PACKET} name=peer`).backend,
  );
  try {
    const got = await pieces(backend);
    assert.ok(got.length >= 7, `${got.length} pieces`);
    for (const p of got) assert.ok(p.length > 0 && p.length <= 16384, `a piece of ${p.length}`);
    assert.deepEqual(joined(...got), joined(a, b, c));
    assert.deepEqual(backend.sockets(), { idle: 1, busy: 0 });
    // the same socket serves the next request
    assert.deepEqual(joined(...await pieces(backend)), joined(a, b, c));
    assert.equal(requests, 2);
    assert.equal(peer.accepted(), 1);
  } finally {
    backend.close();
  }
});
