import assert from "node:assert/strict";
import fc from "fast-check";
import { containerMessage } from "../tests/fixtures/ajp_arbitraries.ts";
import {
  countingBytes,
  cpongPacket,
  endResponsePacket,
  fromContainer,
  getBodyChunkPacket,
  payloadOf,
  sendBodyChunkPacket,
  sendHeadersPacket,
  str,
  u16,
} from "../tests/fixtures/ajp_fixture.ts";
import { decodeContainerMessage, encodeContainerMessage } from "./container_message.ts";
import { AjpEncodeError, AjpProtocolError } from "./errors.ts";
import type { ContainerMessage, HeaderPair } from "./types.ts";

function decode(packet: Uint8Array): ContainerMessage {
  return decodeContainerMessage(payloadOf(packet));
}

function rejects(payload: number[], message: RegExp) {
  assert.throws(() => decodeContainerMessage(new Uint8Array(payload)), (err: unknown) => {
    assert.ok(err instanceof AjpProtocolError, String(err));
    assert.match(err.message, message);
    return true;
  });
}

// Written out by hand from T Constants / H ajp_header.h.
const RESPONSE_CODES: [number, string][] = [
  [0xa001, "Content-Type"],
  [0xa002, "Content-Language"],
  [0xa003, "Content-Length"],
  [0xa004, "Date"],
  [0xa005, "Last-Modified"],
  [0xa006, "Location"],
  [0xa007, "Set-Cookie"],
  [0xa008, "Set-Cookie2"],
  [0xa009, "Servlet-Engine"],
  [0xa00a, "Status"],
  [0xa00b, "WWW-Authenticate"],
];

Deno.test("SEND_HEADERS: decodes every coded name and string names", () => {
  const packet = sendHeadersPacket(200, "200", [
    ...RESPONSE_CODES.map(([code, name]) => [code, `v-${name}`] as const),
    ["content-type", "lower"],
    ["X-Powered-By", "JSP"],
  ]);
  const msg = decode(packet);
  assert.deepEqual(msg, {
    type: "SEND_HEADERS",
    status: 200,
    reason: "200",
    headers: [
      ...RESPONSE_CODES.map(([, name]) => [name, `v-${name}`]),
      ["content-type", "lower"],
      ["X-Powered-By", "JSP"],
    ],
  });
  assert.deepEqual(encodeContainerMessage(msg), packet);
});

Deno.test("SEND_HEADERS: a null reason and no headers", () => {
  const packet = sendHeadersPacket(404, null, []);
  const msg = decode(packet);
  assert.deepEqual(msg, { type: "SEND_HEADERS", status: 404, reason: null, headers: [] });
  assert.deepEqual(encodeContainerMessage(msg), packet);
});

Deno.test("SEND_HEADERS: bytes 0x80-0xFF in values decode one char per byte", () => {
  const value = "caf\xe9 \x80\x9f\xff";
  const msg = decode(sendHeadersPacket(200, "OK", [["X-Name", value]]));
  assert.equal(msg.type === "SEND_HEADERS" && msg.headers[0][1], value);
});

Deno.test("SEND_HEADERS: rejects unknown codes, nulls, missing NULs, overlong counts, trailers", () => {
  const head = [0x04, ...u16(200), ...str("OK")];
  rejects([...head, ...u16(1), ...u16(0xa00c), ...str("x")], /unknown response header code 0xa00c/);
  rejects([...head, ...u16(1), ...u16(0xa000), ...str("x")], /unknown response header code 0xa000/);
  rejects([...head, ...u16(1), 0xff, 0xff, ...str("x")], /header name at offset 10 is null/);
  rejects([...head, ...u16(1), ...str("X"), 0xff, 0xff], /header value at offset \d+ is null/);
  rejects([...head, ...u16(1), ...str("X"), ...u16(1), 0x41, 0x42], /missing its NUL/);
  rejects(
    [...head, ...u16(40), ...str("X"), ...str("y")],
    /header count 40 at offset 8 cannot fit/,
  );
  rejects([...head, ...u16(0), 0], /SEND_HEADERS has 1 unexpected bytes/);
  rejects([0x04, ...u16(200), 0, 5, 0x41], /reason at offset 3 declares 5 bytes/);
  rejects([0x04, 0], /status at offset 1 needs 2 bytes/);
});

Deno.test("SEND_BODY_CHUNK: data views the payload; zero length is a flush", () => {
  const payload = payloadOf(sendBodyChunkPacket(countingBytes(1000)));
  const msg = decodeContainerMessage(payload);
  assert.equal(msg.type, "SEND_BODY_CHUNK");
  if (msg.type !== "SEND_BODY_CHUNK") return;
  assert.deepEqual(msg.data, new Uint8Array(countingBytes(1000)));
  assert.equal(msg.data.buffer, payload.buffer);
  assert.equal(msg.data.byteOffset, 3);
  assert.deepEqual(decode(sendBodyChunkPacket([])), {
    type: "SEND_BODY_CHUNK",
    data: new Uint8Array(0),
  });
  assert.deepEqual(encodeContainerMessage(msg), sendBodyChunkPacket(countingBytes(1000)));
});

Deno.test("SEND_BODY_CHUNK: the length must be exactly payload - 4", () => {
  rejects([0x03, ...u16(3), 1, 2, 3], /declares 3 bytes; its 6-byte payload needs 2/);
  rejects([0x03, ...u16(3), 1, 2, 3, 0, 0], /declares 3 bytes/);
  rejects([0x03, ...u16(3), 1, 0], /declares 3 bytes/);
  rejects([0x03, 0], /SEND_BODY_CHUNK length at offset 1 needs 2 bytes/);
});

Deno.test("SEND_BODY_CHUNK: the largest chunk Tomcat sends fits (8184 of 8192)", () => {
  const packet = sendBodyChunkPacket(countingBytes(8184));
  assert.equal(packet.length, 8192);
  const msg = decode(packet);
  assert.equal(msg.type === "SEND_BODY_CHUNK" && msg.data.length, 8184);
  assert.deepEqual(encodeContainerMessage(msg), packet);
  assert.throws(
    () => encodeContainerMessage({ type: "SEND_BODY_CHUNK", data: new Uint8Array(8185) }),
    (err: unknown) => err instanceof AjpEncodeError && err.reason === "overflow",
  );
  const big = { type: "SEND_BODY_CHUNK", data: new Uint8Array(65528) } as const;
  assert.equal(encodeContainerMessage(big, 65536).length, 65536);
});

Deno.test("END_RESPONSE: only 1 means reuse", () => {
  assert.deepEqual(decode(endResponsePacket(1)), { type: "END_RESPONSE", reuse: true });
  assert.deepEqual(decode(endResponsePacket(0)), { type: "END_RESPONSE", reuse: false });
  assert.deepEqual(decode(endResponsePacket(2)), { type: "END_RESPONSE", reuse: false });
  assert.deepEqual(
    encodeContainerMessage({ type: "END_RESPONSE", reuse: true }),
    endResponsePacket(1),
  );
  assert.deepEqual(
    encodeContainerMessage({ type: "END_RESPONSE", reuse: false }),
    endResponsePacket(0),
  );
  rejects([0x05], /END_RESPONSE reuse at offset 1 needs 1 bytes/);
  rejects([0x05, 1, 0], /END_RESPONSE has 1 unexpected bytes/);
});

Deno.test("GET_BODY_CHUNK: the requested size", () => {
  assert.deepEqual(decode(getBodyChunkPacket(8186)), { type: "GET_BODY_CHUNK", size: 8186 });
  assert.deepEqual(
    encodeContainerMessage({ type: "GET_BODY_CHUNK", size: 8186 }),
    getBodyChunkPacket(8186),
  );
  rejects([0x06, 0x1f], /GET_BODY_CHUNK size at offset 1 needs 2 bytes/);
  rejects([0x06, 0x1f, 0xfa, 0], /GET_BODY_CHUNK has 1 unexpected bytes/);
});

Deno.test("CPONG: code 9 alone", () => {
  assert.deepEqual(decode(cpongPacket()), { type: "CPONG" });
  assert.deepEqual(encodeContainerMessage({ type: "CPONG" }), cpongPacket());
  rejects([0x09, 0], /CPONG has 1 unexpected bytes/);
});

Deno.test("unknown and empty messages are protocol errors", () => {
  rejects([0x11], /^unknown container message code 0x11$/);
  for (const code of [0, 1, 2, 7, 8, 10, 0xff]) rejects([code, 0, 0], /unknown container message/);
  rejects([], /message code at offset 0 needs 1 bytes/);
});

Deno.test("encodeContainerMessage codes names case-sensitively, like Tomcat", () => {
  const packet = encodeContainerMessage({
    type: "SEND_HEADERS",
    status: 302,
    reason: "Found",
    headers: [["Location", "/x"], ["location", "/y"]],
  });
  assert.deepEqual(
    packet,
    fromContainer([
      0x04,
      ...u16(302),
      ...str("Found"),
      ...u16(2),
      ...u16(0xa006),
      ...str("/x"),
      ...str("location"),
      ...str("/y"),
    ]),
  );
});

Deno.test("encodeContainerMessage rejects unencodable values and bad packet sizes", () => {
  const invalid = (err: unknown) => err instanceof AjpEncodeError && err.reason === "invalid";
  const headers = (h: HeaderPair[]): ContainerMessage => ({
    type: "SEND_HEADERS",
    status: 200,
    reason: null,
    headers: h,
  });
  assert.throws(() => encodeContainerMessage(headers([["X", "\u0100"]])), invalid);
  assert.throws(() => encodeContainerMessage(headers([["x".repeat(0xa000), ""]]), 65536), invalid);
  assert.throws(() => encodeContainerMessage({ type: "GET_BODY_CHUNK", size: -1 }), invalid);
  assert.throws(() => encodeContainerMessage({ type: "CPONG" }, 1000), RangeError);
});

Deno.test("property: decodeContainerMessage(encodeContainerMessage(m)) gives m back", () => {
  fc.assert(
    fc.property(containerMessage, (msg) => {
      const packet = encodeContainerMessage(msg);
      assert.deepEqual([packet[0], packet[1]], [0x41, 0x42]);
      assert.equal((packet[2] << 8) | packet[3], packet.length - 4);
      assert.deepEqual(decodeContainerMessage(packet.subarray(4)), msg);
    }),
    { numRuns: 3000 },
  );
});
