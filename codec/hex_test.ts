import assert from "node:assert/strict";
import { hex16, hex8 } from "./hex.ts";

Deno.test("hex8 and hex16 pad to 2 and 4 digits", () => {
  assert.equal(hex8(0x0a), "0x0a");
  assert.equal(hex8(0xff), "0xff");
  assert.equal(hex16(0x4142), "0x4142");
  assert.equal(hex16(0x12), "0x0012");
});
