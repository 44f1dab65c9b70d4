import assert from "node:assert/strict";
import {
  cpingPacket,
  forwardRequestPacket,
  payloadOf,
  strAttr,
} from "../tests/fixtures/ajp_fixture.ts";
import { AjpProtocolError } from "./errors.ts";
import { decodeProxyMessage } from "./proxy_message.ts";

Deno.test("decodeProxyMessage decodes CPING", () => {
  assert.deepEqual(decodeProxyMessage(payloadOf(cpingPacket())), { type: "CPING" });
});

Deno.test("decodeProxyMessage decodes FORWARD_REQUEST", () => {
  const packet = forwardRequestPacket({
    method: 0x04,
    protocol: "HTTP/1.1",
    reqUri: "/upload",
    remoteAddr: "::1",
    remoteHost: null,
    serverName: "localhost",
    serverPort: 8080,
    isSsl: false,
    headers: [[0xa008, "5"]],
    attributes: [strAttr(0x0c, "secret")],
  });
  assert.deepEqual(decodeProxyMessage(payloadOf(packet)), {
    type: "FORWARD_REQUEST",
    request: {
      method: "POST",
      protocol: "HTTP/1.1",
      reqUri: "/upload",
      remoteAddr: "::1",
      remoteHost: null,
      serverName: "localhost",
      serverPort: 8080,
      isSsl: false,
      headers: [["content-length", "5"]],
      attributes: { secret: "secret" },
    },
  });
});

Deno.test("decodeProxyMessage rejects SHUTDOWN, PING, other codes and empty payloads", () => {
  for (const code of [0, 1, 3, 7, 8, 9, 0x0b, 0xff]) {
    assert.throws(() => decodeProxyMessage(new Uint8Array([code])), {
      name: "AjpProtocolError",
      message: `unexpected proxy message code 0x${code.toString(16).padStart(2, "0")}`,
    });
  }
  assert.throws(() => decodeProxyMessage(new Uint8Array(0)), AjpProtocolError);
  assert.throws(() => decodeProxyMessage(new Uint8Array([0x0a, 0])), /CPING has 1 unexpected/);
});
