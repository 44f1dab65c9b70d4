import assert from "node:assert/strict";
import { encodeContainerMessage } from "../../codec/container_message.ts";
import { CPING_PACKET } from "../../codec/cping.ts";
import { GatewayError } from "../proxy/errors.ts";
import { FakeSocket } from "../../tests/support/fake_socket.ts";
import { AjpLink } from "./link.ts";

const END = encodeContainerMessage({ type: "END_RESPONSE", reuse: true });
const CPONG = encodeContainerMessage({ type: "CPONG" });

Deno.test("AjpLink reads a packet split across socket reads and keeps the next one buffered", async () => {
  const s = new FakeSocket();
  const link = new AjpLink(s, "t", 8192);
  s.push(END.subarray(0, 3));
  s.push(new Uint8Array([...END.subarray(3), ...CPONG]));
  assert.deepEqual([...await link.readPacket(0)], [5, 1]);
  assert.equal(link.buffered, CPONG.length);
  assert.deepEqual([...link.takeBufferedPacket()!], [9]);
  assert.equal(link.takeBufferedPacket(), null);
});

Deno.test("AjpLink: EOF between packets may go elsewhere, EOF inside one may not", async () => {
  const clean = new FakeSocket();
  clean.push(null);
  await assert.rejects(
    new AjpLink(clean, "t", 8192).readPacket(0),
    (e) => e instanceof GatewayError && e.kind === "closed" && e.retry === "other_member",
  );
  const cut = new FakeSocket();
  cut.push(END.subarray(0, 2));
  cut.push(null);
  await assert.rejects(
    new AjpLink(cut, "t", 8192).readPacket(0),
    (e) => e instanceof GatewayError && e.kind === "closed" && e.retry === "none",
  );
});

Deno.test("AjpLink closes on a malformed packet with a message naming the connection", async () => {
  const s = new FakeSocket();
  s.push(new Uint8Array([0x12, 0x34, 0, 1, 5]));
  const link = new AjpLink(s, "tomcat-a", 8192);
  await assert.rejects(link.readPacket(0), /connection "tomcat-a": malformed AJP packet/);
  assert.equal(s.closed, true);
});

Deno.test("AjpLink.cping sends CPING and accepts only CPONG", async () => {
  const s = new FakeSocket();
  s.push(CPONG);
  assert.equal(await new AjpLink(s, "t", 8192).cping(100), true);
  assert.deepEqual(s.written, [CPING_PACKET]);
  const bad = new FakeSocket();
  bad.push(END);
  assert.equal(await new AjpLink(bad, "t", 8192).cping(100), false);
  assert.equal(bad.closed, true);
});
