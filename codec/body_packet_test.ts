import assert from "node:assert/strict";
import { bodyPacket, countingBytes, payloadOf } from "../tests/fixtures/ajp_fixture.ts";
import {
  bodyPacketSize,
  decodeBodyPacket,
  EMPTY_BODY_PACKET,
  encodeBodyPacket,
} from "./body_packet.ts";
import { AjpEncodeError, AjpProtocolError } from "./errors.ts";
import { maxBodyChunk } from "./packet_size.ts";

Deno.test("encodeBodyPacket matches the fixture", () => {
  const data = new Uint8Array(countingBytes(300));
  const out = new Uint8Array(8192);
  const end = encodeBodyPacket(data, out);
  assert.equal(end, bodyPacketSize(300));
  assert.deepEqual(out.subarray(0, end), bodyPacket(countingBytes(300)));
});

Deno.test("encodeBodyPacket carries 8186 bytes in an 8192-byte packet, not 8187", () => {
  const out = new Uint8Array(8192);
  const max = maxBodyChunk(8192);
  assert.equal(max, 8186);
  assert.equal(encodeBodyPacket(new Uint8Array(max).fill(7), out), 8192);
  assert.deepEqual([...out.subarray(0, 6)], [0x12, 0x34, 0x1f, 0xfc, 0x1f, 0xfa]);
  assert.deepEqual(out.subarray(0, 8192), bodyPacket(new Array(max).fill(7)));
  assert.throws(
    () => encodeBodyPacket(new Uint8Array(max + 1), out),
    (err: unknown) => err instanceof AjpEncodeError && err.reason === "overflow",
  );
});

Deno.test("encodeBodyPacket writes at an offset and caps a packet at 65536 bytes", () => {
  const out = new Uint8Array(70000);
  assert.equal(encodeBodyPacket(new Uint8Array([1, 2]), out, 10), 18);
  assert.deepEqual([...out.subarray(10, 18)], [0x12, 0x34, 0, 4, 0, 2, 1, 2]);
  assert.equal(encodeBodyPacket(new Uint8Array(65530), out), 65536);
  assert.throws(() => encodeBodyPacket(new Uint8Array(65531), out), AjpEncodeError);
  assert.throws(() => encodeBodyPacket(new Uint8Array(1), out, -1), RangeError);
});

Deno.test("encodeBodyPacket of no data is httpd's end-of-body packet", () => {
  const out = new Uint8Array(8);
  assert.deepEqual(out.subarray(0, encodeBodyPacket(new Uint8Array(0), out)), bodyPacket([]));
});

Deno.test("EMPTY_BODY_PACKET is 12 34 00 00", () => {
  assert.deepEqual(EMPTY_BODY_PACKET, new Uint8Array([0x12, 0x34, 0, 0]));
});

Deno.test("decodeBodyPacket reads data, the empty payload and httpd's 00 00", () => {
  assert.deepEqual(decodeBodyPacket(payloadOf(bodyPacket([9, 8, 7]))), new Uint8Array([9, 8, 7]));
  assert.deepEqual(decodeBodyPacket(new Uint8Array(0)), new Uint8Array(0));
  assert.deepEqual(decodeBodyPacket(new Uint8Array([0, 0])), new Uint8Array(0));
});

Deno.test("decodeBodyPacket requires the length to match the payload", () => {
  for (const bytes of [[0], [0, 2, 1], [0, 1, 1, 2], [0, 0, 0]]) {
    assert.throws(() => decodeBodyPacket(new Uint8Array(bytes)), AjpProtocolError, String(bytes));
  }
  assert.throws(() => decodeBodyPacket(new Uint8Array([0, 5, 1])), {
    name: "AjpProtocolError",
    message: "body packet declares 5 data bytes; its payload carries 1",
  });
});
