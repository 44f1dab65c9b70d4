import assert from "node:assert/strict";
import * as codec from "./mod.ts";

Deno.test("mod.ts exposes the codec's public API", () => {
  const functions = [
    "validatePacketSize",
    "maxBodyChunk",
    "readFrameHeader",
    "writeFrameHeader",
    "isValidMethodToken",
    "methodCode",
    "encodeForwardRequest",
    "decodeForwardRequest",
    "encodeBodyPacket",
    "decodeBodyPacket",
    "bodyPacketSize",
    "decodeContainerMessage",
    "encodeContainerMessage",
    "decodeProxyMessage",
    "FrameReader",
    "ByteReader",
    "ByteWriter",
    "concatBytes",
    "AjpProtocolError",
    "AjpEncodeError",
  ] as const;
  for (const name of functions) assert.equal(typeof codec[name], "function", name);
  for (const name of ["CPING_PACKET", "CPONG_PACKET", "EMPTY_BODY_PACKET"] as const) {
    assert.ok(codec[name] instanceof Uint8Array, name);
  }
  assert.equal(codec.MAGIC_TO_CONTAINER, 0x1234);
  assert.equal(codec.STORED_METHOD_CODE, 0xff);
});
