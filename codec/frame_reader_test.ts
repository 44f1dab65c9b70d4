import assert from "node:assert/strict";
import {
  cpongPacket,
  endResponsePacket,
  payloadOf,
  sendBodyChunkPacket,
  sendHeadersPacket,
} from "../tests/fixtures/ajp_fixture.ts";
import { MAGIC_FROM_CONTAINER, MAGIC_TO_CONTAINER } from "./constants.ts";
import { AjpProtocolError } from "./errors.ts";
import { concatBytes } from "./bytes.ts";
import { FrameReader } from "./frame_reader.ts";

const PACKETS = [
  sendHeadersPacket(200, "200", [[0xa001, "text/plain"], ["X-A", "b"]]),
  sendBodyChunkPacket([1, 2, 3]),
  sendBodyChunkPacket([]),
  cpongPacket(),
  endResponsePacket(1),
];
const STREAM = concatBytes(PACKETS);
const PAYLOADS = PACKETS.map(payloadOf);

Deno.test("FrameReader returns every payload of a chunk holding several packets", () => {
  const reader = new FrameReader(MAGIC_FROM_CONTAINER, 8192);
  assert.deepEqual(reader.push(STREAM), PAYLOADS);
  assert.equal(reader.pending, false);
});

Deno.test("FrameReader gives the same payloads for a stream split at every pair of offsets", () => {
  for (let i = 0; i <= STREAM.length; i++) {
    for (let j = i; j <= STREAM.length; j++) {
      const reader = new FrameReader(MAGIC_FROM_CONTAINER, 8192);
      const got = [
        ...reader.push(STREAM.subarray(0, i)),
        ...reader.push(STREAM.subarray(i, j)),
        ...reader.push(STREAM.subarray(j)),
      ];
      assert.deepEqual(got, PAYLOADS, `split at ${i}, ${j}`);
    }
  }
});

Deno.test("FrameReader handles 1-byte chunks and empty chunks", () => {
  const reader = new FrameReader(MAGIC_FROM_CONTAINER, 8192);
  const got: Uint8Array[] = [];
  for (const byte of STREAM) {
    got.push(...reader.push(new Uint8Array(0)), ...reader.push(new Uint8Array([byte])));
  }
  assert.deepEqual(got, PAYLOADS);
});

Deno.test("FrameReader keeps a partial packet and reports it as pending", () => {
  const reader = new FrameReader(MAGIC_FROM_CONTAINER, 8192);
  assert.deepEqual(reader.push(STREAM.subarray(0, 2)), []);
  assert.equal(reader.pending, true);
  assert.deepEqual(reader.push(STREAM.subarray(2, PACKETS[0].length + 1)), [PAYLOADS[0]]);
  assert.equal(reader.pending, true);
});

Deno.test("FrameReader payloads do not share memory with the chunk or with each other", () => {
  const reader = new FrameReader(MAGIC_FROM_CONTAINER, 8192);
  const chunk = STREAM.slice();
  const first = reader.push(chunk.subarray(0, PACKETS[0].length + PACKETS[1].length + 2));
  chunk.fill(0xee);
  const copy = first.map((p) => p.slice());
  reader.push(STREAM.subarray(PACKETS[0].length + PACKETS[1].length + 2));
  assert.deepEqual(first, copy);
  assert.deepEqual(first, PAYLOADS.slice(0, 2));
});

Deno.test("FrameReader reads a zero-length payload whose header ends a chunk", () => {
  const reader = new FrameReader(MAGIC_FROM_CONTAINER, 8192);
  assert.deepEqual(reader.push(new Uint8Array([0x41, 0x42, 0, 0])), [new Uint8Array(0)]);
  assert.deepEqual(reader.push(new Uint8Array([0x41, 0x42])), []);
  assert.deepEqual(reader.push(new Uint8Array([0, 0])), [new Uint8Array(0)]);
});

Deno.test("FrameReader rejects a bad magic and stays failed", () => {
  const reader = new FrameReader(MAGIC_TO_CONTAINER, 8192);
  assert.throws(() => reader.push(new Uint8Array([0x47, 0x45, 0x54, 0x20])), {
    name: "AjpProtocolError",
    message: "AJP packet starts with 0x4745; expected magic 0x1234",
  });
  assert.throws(() => reader.push(new Uint8Array([0x12, 0x34, 0, 1, 0x0a])), AjpProtocolError);
});

Deno.test("FrameReader rejects an oversized length from the header alone, before allocating", () => {
  const reader = new FrameReader(MAGIC_FROM_CONTAINER, 8192);
  // Only the header arrives: the error must not wait for 65535 payload bytes.
  assert.throws(() => reader.push(new Uint8Array([0x41, 0x42, 0xff, 0xff])), {
    name: "AjpProtocolError",
    message: "AJP packet declares 65535 payload bytes; packet size is 8192 (at most 8188)",
  });
  const split = new FrameReader(MAGIC_FROM_CONTAINER, 8192);
  assert.deepEqual(split.push(new Uint8Array([0x41, 0x42, 0x1f])), []);
  assert.throws(() => split.push(new Uint8Array([0xfd])), /8189 payload bytes/);
});

Deno.test("FrameReader accepts payloads up to packetSize - 4, also with 64K packets", () => {
  for (const size of [8192, 65536]) {
    const packet = new Uint8Array(size);
    packet.set([0x41, 0x42, (size - 4) >> 8, (size - 4) & 0xff, 3]);
    const reader = new FrameReader(MAGIC_FROM_CONTAINER, size);
    const got = [...reader.push(packet.subarray(0, 1000)), ...reader.push(packet.subarray(1000))];
    assert.equal(got.length, 1);
    assert.equal(got[0].length, size - 4);
  }
});

Deno.test("FrameReader validates its magic and packet size", () => {
  assert.throws(() => new FrameReader(0x4141, 8192), RangeError);
  assert.throws(() => new FrameReader(MAGIC_FROM_CONTAINER, 4096), RangeError);
});

Deno.test("FrameReader in place: reads into space(), payloads are views, leftovers survive compaction", () => {
  // A small buffer (one packet plus a little) forces compaction on almost every read.
  const reader = new FrameReader(MAGIC_FROM_CONTAINER, 8192, 8192 + 7);
  const body = sendBodyChunkPacket(Array.from({ length: 8000 }, () => 7));
  const stream = concatBytes([STREAM, body, STREAM]);
  const expected = [...PAYLOADS, payloadOf(body), ...PAYLOADS];
  for (const step of [1, 3, 100, 5000, 8199]) {
    const got: Uint8Array[] = [];
    for (let at = 0; at < stream.length;) {
      const room = reader.space();
      assert.ok(room.length > 0, `room at ${at}, step ${step}`);
      const n = Math.min(room.length, step, stream.length - at);
      room.set(stream.subarray(at, at + n));
      reader.filled(n);
      at += n;
      for (let p = reader.next(); p !== null; p = reader.next()) got.push(p.slice());
    }
    assert.deepEqual(got, expected, `reads of ${step} bytes`);
    assert.equal(reader.buffered, 0);
  }
});

Deno.test("FrameReader in place: next() returns null on a cut header and refuses overfilling", () => {
  const reader = new FrameReader(MAGIC_FROM_CONTAINER, 8192);
  reader.space().set([0x41, 0x42, 0]);
  reader.filled(3);
  assert.equal(reader.next(), null);
  assert.equal(reader.buffered, 3);
  assert.throws(() => reader.filled(reader.space().length + 1), RangeError);
  assert.throws(() => new FrameReader(MAGIC_FROM_CONTAINER, 8192, 100), RangeError);
});
