import assert from "node:assert/strict";
import { MAGIC_FROM_CONTAINER, MAGIC_TO_CONTAINER } from "./constants.ts";
import { readFrameHeader, writeFrameHeader } from "./frame.ts";

Deno.test("readFrameHeader returns the payload length", () => {
  const buf = new Uint8Array([0xee, 0x41, 0x42, 0x00, 0x01, 0x09]);
  assert.equal(readFrameHeader(buf, 1, MAGIC_FROM_CONTAINER, 8192), 1);
  const max = new Uint8Array([0x12, 0x34, 0x1f, 0xfc]);
  assert.equal(readFrameHeader(max, 0, MAGIC_TO_CONTAINER, 8192), 8188);
});

Deno.test("readFrameHeader rejects the wrong magic, naming both", () => {
  assert.throws(
    () => readFrameHeader(new Uint8Array([0x12, 0x34, 0, 1]), 0, MAGIC_FROM_CONTAINER, 8192),
    { name: "AjpProtocolError", message: "AJP packet starts with 0x1234; expected magic 0x4142" },
  );
  assert.throws(
    () => readFrameHeader(new Uint8Array([0x48, 0x54, 0x54, 0x50]), 0, MAGIC_TO_CONTAINER, 8192),
    /starts with 0x4854; expected magic 0x1234/,
  );
});

Deno.test("readFrameHeader rejects a payload longer than packetSize - 4", () => {
  // 8189 payload bytes + 4 header bytes = 8193: httpd's old check let this through (CVE-2026-28780).
  assert.throws(
    () => readFrameHeader(new Uint8Array([0x41, 0x42, 0x1f, 0xfd]), 0, MAGIC_FROM_CONTAINER, 8192),
    {
      name: "AjpProtocolError",
      message: "AJP packet declares 8189 payload bytes; packet size is 8192 (at most 8188)",
    },
  );
  assert.throws(
    () => readFrameHeader(new Uint8Array([0x41, 0x42, 0x23, 0x28]), 0, MAGIC_FROM_CONTAINER, 8192),
    /declares 9000 payload bytes; packet size is 8192/,
  );
  const big = new Uint8Array([0x41, 0x42, 0xff, 0xfc]);
  assert.equal(readFrameHeader(big, 0, MAGIC_FROM_CONTAINER, 65536), 65532);
  assert.throws(
    () => readFrameHeader(new Uint8Array([0x41, 0x42, 0xff, 0xfd]), 0, 0x4142, 65536),
    /65533/,
  );
});

Deno.test("writeFrameHeader writes magic and big-endian length, read back by readFrameHeader", () => {
  const out = new Uint8Array(8);
  writeFrameHeader(out, 2, 0x1234, 0x0102);
  assert.deepEqual([...out], [0, 0, 0x12, 0x34, 0x01, 0x02, 0, 0]);
  writeFrameHeader(out, 0, 0x4142, 8188);
  assert.equal(readFrameHeader(out, 0, 0x4142, 8192), 8188);
});
