import assert from "node:assert/strict";
import { maxBodyChunk, validatePacketSize } from "./packet_size.ts";

Deno.test("validatePacketSize accepts multiples of 1024 from 8192 to 65536", () => {
  for (let n = 8192; n <= 65536; n += 1024) assert.equal(validatePacketSize(n), n);
});

Deno.test("validatePacketSize rejects other sizes with a RangeError", () => {
  for (const n of [0, 4096, 7168, 8191, 8193, 9000, 65537, 66560, 8192.5, NaN, Infinity, -8192]) {
    assert.throws(() => validatePacketSize(n), RangeError, String(n));
  }
  assert.throws(() => validatePacketSize(9000), /9000 is invalid: it must be a multiple of 1024/);
});

Deno.test("maxBodyChunk is packet size minus 6", () => {
  assert.equal(maxBodyChunk(8192), 8186);
  assert.equal(maxBodyChunk(65536), 65530);
});
