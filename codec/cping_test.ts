import assert from "node:assert/strict";
import { cpingPacket, cpongPacket } from "../tests/fixtures/ajp_fixture.ts";
import { CPING_PACKET, CPONG_PACKET } from "./cping.ts";

Deno.test("CPING is 12 34 00 01 0A", () => {
  assert.deepEqual(CPING_PACKET, new Uint8Array([0x12, 0x34, 0x00, 0x01, 0x0a]));
  assert.deepEqual(CPING_PACKET, cpingPacket());
});

Deno.test("CPONG is 41 42 00 01 09", () => {
  assert.deepEqual(CPONG_PACKET, new Uint8Array([0x41, 0x42, 0x00, 0x01, 0x09]));
  assert.deepEqual(CPONG_PACKET, cpongPacket());
});
