/**
 * Every AJP13 message kind read by FrameReader (in place, as the link reads sockets) split at
 * every byte offset and in 1-byte chunks must give the same payloads and the same decoded
 * messages as the whole packet.
 */

import assert from "node:assert/strict";
import {
  concatBytes,
  decodeBodyPacket,
  decodeContainerMessage,
  decodeProxyMessage,
  FrameReader,
  MAGIC_FROM_CONTAINER,
  MAGIC_TO_CONTAINER,
} from "../codec/mod.ts";
import {
  bodyPacket,
  countingBytes,
  cpingPacket,
  cpongPacket,
  endResponsePacket,
  forwardRequestPacket,
  getBodyChunkPacket,
  payloadOf,
  reqAttr,
  sendBodyChunkPacket,
  sendHeadersPacket,
  strAttr,
  toContainer,
  u16Attr,
} from "./fixtures/ajp_fixture.ts";

const FORWARD_REQUEST = forwardRequestPacket({
  method: 0xff,
  protocol: "HTTP/1.1",
  reqUri: "/app/upload",
  remoteAddr: "203.0.113.9",
  remoteHost: null,
  serverName: "example.com",
  serverPort: 443,
  isSsl: true,
  headers: [[0xa00b, "example.com"], [0xa008, "3"], ["x-request-id", "r-1"]],
  attributes: [
    strAttr(0x05, "a=1&b=%20"),
    u16Attr(0x0b, 256),
    reqAttr("AJP_REMOTE_PORT", "50000"),
    strAttr(0x0c, "secret"),
    strAttr(0x0d, "PATCH"),
  ],
});

interface Case {
  name: string;
  packet: Uint8Array;
  magic: number;
  decode: (payload: Uint8Array) => unknown;
}

const toProxy = (
  name: string,
  packet: Uint8Array,
  decode: (payload: Uint8Array) => unknown = decodeProxyMessage,
): Case => ({
  name,
  packet,
  magic: MAGIC_TO_CONTAINER,
  decode,
});
const fromProxy = (name: string, packet: Uint8Array): Case => ({
  name,
  packet,
  magic: MAGIC_FROM_CONTAINER,
  decode: decodeContainerMessage,
});

const CASES: Case[] = [
  toProxy("FORWARD_REQUEST", FORWARD_REQUEST),
  toProxy("CPING", cpingPacket()),
  toProxy("body packet", bodyPacket([0x41, 0x42, 0x43]), decodeBodyPacket),
  toProxy("8186-byte body packet", bodyPacket(countingBytes(8186)), decodeBodyPacket),
  toProxy("empty body packet (mod_jk)", toContainer([]), decodeBodyPacket),
  toProxy("empty body packet (httpd)", bodyPacket([]), decodeBodyPacket),
  fromProxy(
    "SEND_HEADERS",
    sendHeadersPacket(200, "200", [[0xa001, "text/html"], [0xa007, "a=b"], ["X-A", "\xe9"]]),
  ),
  fromProxy("SEND_HEADERS with null reason", sendHeadersPacket(204, null, [])),
  fromProxy("SEND_BODY_CHUNK", sendBodyChunkPacket(countingBytes(300))),
  fromProxy("8184-byte SEND_BODY_CHUNK", sendBodyChunkPacket(countingBytes(8184))),
  fromProxy("flush", sendBodyChunkPacket([])),
  fromProxy("END_RESPONSE", endResponsePacket(1)),
  fromProxy("GET_BODY_CHUNK", getBodyChunkPacket(8186)),
  fromProxy("CPONG", cpongPacket()),
];

/** Feeds `chunks` as socket reads into the reader's own buffer, as the AJP link does. */
function pushAll(magic: number, chunks: Uint8Array[]): Uint8Array[] {
  const reader = new FrameReader(magic, 8192);
  const out: Uint8Array[] = [];
  for (const chunk of chunks) {
    for (let at = 0; at < chunk.length;) {
      const room = reader.space();
      const n = Math.min(room.length, chunk.length - at);
      room.set(chunk.subarray(at, at + n));
      reader.filled(n);
      at += n;
      for (let p = reader.next(); p !== null; p = reader.next()) out.push(p.slice());
    }
  }
  assert.equal(reader.pending, false);
  return out;
}

for (const c of CASES) {
  Deno.test(`${c.name}: split at every offset and in 1-byte chunks gives the same result`, () => {
    const payload = payloadOf(c.packet);
    const expected = c.decode(payload);
    assert.deepEqual(pushAll(c.magic, [c.packet]), [payload]);
    for (let i = 0; i <= c.packet.length; i++) {
      const got = pushAll(c.magic, [c.packet.subarray(0, i), c.packet.subarray(i)]);
      assert.equal(got.length, 1, `split at ${i}`);
      assert.deepEqual(got[0], payload, `split at ${i}`);
      assert.deepEqual(c.decode(got[0]), expected, `split at ${i}`);
    }
    const bytes = Array.from(c.packet, (_, i) => c.packet.subarray(i, i + 1));
    const got = pushAll(c.magic, bytes);
    assert.deepEqual(got, [payload]);
    assert.deepEqual(c.decode(got[0]), expected);
  });
}

for (const magic of [MAGIC_TO_CONTAINER, MAGIC_FROM_CONTAINER]) {
  const cases = CASES.filter((c) => c.magic === magic);
  const stream = concatBytes(cases.map((c) => c.packet));
  const expected = cases.map((c) => c.decode(payloadOf(c.packet)));
  Deno.test(`a stream of every ${magic === MAGIC_TO_CONTAINER ? "proxy" : "container"} message split at every offset`, () => {
    for (let i = 0; i <= stream.length; i++) {
      const got = pushAll(magic, [stream.subarray(0, i), stream.subarray(i)]);
      assert.deepEqual(got.map((p, k) => cases[k].decode(p)), expected, `split at ${i}`);
    }
  });
}
