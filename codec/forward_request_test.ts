import assert from "node:assert/strict";
import fc from "fast-check";
import { asDecoded, forwardRequest } from "../tests/fixtures/ajp_arbitraries.ts";
import {
  type ForwardRequestFixture,
  forwardRequestPacket,
  forwardRequestPayload,
  payloadOf,
  reqAttr,
  strAttr,
  u16Attr,
} from "../tests/fixtures/ajp_fixture.ts";
import { METHODS } from "./constants.ts";
import { AjpEncodeError, AjpProtocolError } from "./errors.ts";
import { decodeForwardRequest, encodeForwardRequest } from "./forward_request.ts";
import type { ForwardRequest } from "./types.ts";

const BASE: ForwardRequest = {
  method: "GET",
  protocol: "HTTP/1.1",
  reqUri: "/app/index.jsp",
  remoteAddr: "192.0.2.7",
  remoteHost: null,
  serverName: "example.com",
  serverPort: 443,
  isSsl: true,
  headers: [],
  attributes: {},
};

const BASE_FIXTURE: ForwardRequestFixture = {
  method: 0x02,
  protocol: "HTTP/1.1",
  reqUri: "/app/index.jsp",
  remoteAddr: "192.0.2.7",
  remoteHost: null,
  serverName: "example.com",
  serverPort: 443,
  isSsl: true,
  headers: [],
  attributes: [],
};

function encode(req: ForwardRequest, size = 8192): Uint8Array {
  const out = new Uint8Array(size);
  return out.slice(0, encodeForwardRequest(req, out));
}

function isEncodeError(reason: "overflow" | "invalid", message?: RegExp) {
  return (err: unknown) => {
    assert.ok(err instanceof AjpEncodeError, String(err));
    assert.equal(err.reason, reason);
    if (message) assert.match(err.message, message);
    return true;
  };
}

Deno.test("encodeForwardRequest matches the fixture for a full request", () => {
  const req: ForwardRequest = {
    ...BASE,
    remoteHost: "client.example",
    headers: [
      ["host", "example.com"],
      ["User-Agent", "curl/8"],
      ["x-trace", "abc"],
      ["ACCEPT", "*/*"],
      ["cookie", "a=1"],
      ["cookie", "b=2"],
    ],
    attributes: {
      context: "/app",
      servletPath: "/index.jsp",
      remoteUser: "bob",
      authType: "Basic",
      queryString: "q=%20x&y",
      jvmRoute: "node1",
      sslCert: "-----BEGIN CERTIFICATE-----",
      sslCipher: "TLS_AES_128_GCM_SHA256",
      sslSession: "abcd",
      sslKeySize: 256,
      requestAttributes: [["AJP_REMOTE_PORT", "54321"], ["AJP_LOCAL_ADDR", "10.0.0.1"]],
      secret: "s3cret",
    },
  };
  const expected = forwardRequestPacket({
    ...BASE_FIXTURE,
    remoteHost: "client.example",
    headers: [
      [0xa00b, "example.com"],
      [0xa00e, "curl/8"],
      ["x-trace", "abc"],
      [0xa001, "*/*"],
      [0xa009, "a=1"],
      [0xa009, "b=2"],
    ],
    attributes: [
      strAttr(0x01, "/app"),
      strAttr(0x02, "/index.jsp"),
      strAttr(0x03, "bob"),
      strAttr(0x04, "Basic"),
      strAttr(0x05, "q=%20x&y"),
      strAttr(0x06, "node1"),
      strAttr(0x07, "-----BEGIN CERTIFICATE-----"),
      strAttr(0x08, "TLS_AES_128_GCM_SHA256"),
      strAttr(0x09, "abcd"),
      u16Attr(0x0b, 256),
      reqAttr("AJP_REMOTE_PORT", "54321"),
      reqAttr("AJP_LOCAL_ADDR", "10.0.0.1"),
      strAttr(0x0c, "s3cret"),
    ],
  });
  assert.deepEqual(encode(req), expected);
});

Deno.test("encodeForwardRequest codes all 14 request headers case-insensitively", () => {
  const codes = [
    "Accept",
    "Accept-Charset",
    "Accept-Encoding",
    "Accept-Language",
    "Authorization",
    "Connection",
    "Content-Type",
    "Content-Length",
    "Cookie",
    "Cookie2",
    "Host",
    "Pragma",
    "Referer",
    "User-Agent",
  ];
  for (const [i, name] of codes.entries()) {
    for (const spelling of [name, name.toLowerCase(), name.toUpperCase()]) {
      const bytes = encode({ ...BASE, headers: [[spelling, "v"]] });
      const expected = forwardRequestPacket({ ...BASE_FIXTURE, headers: [[0xa001 + i, "v"]] });
      assert.deepEqual(bytes, expected, spelling);
    }
  }
});

Deno.test("encodeForwardRequest sends each of the 27 methods as its code", () => {
  for (const [i, method] of METHODS.entries()) {
    const bytes = encode({ ...BASE, method });
    assert.deepEqual(bytes, forwardRequestPacket({ ...BASE_FIXTURE, method: i + 1 }), method);
    assert.equal(decodeForwardRequest(payloadOf(bytes)).method, method);
  }
  assert.equal(METHODS.length, 27);
});

Deno.test("encodeForwardRequest sends PATCH and other tokens as 0xFF plus attribute 0x0D", () => {
  for (const method of ["PATCH", "BREW", "get", "X-Custom_1.0~"]) {
    const bytes = encode({ ...BASE, method, attributes: { secret: "k" } });
    const expected = forwardRequestPacket({
      ...BASE_FIXTURE,
      method: 0xff,
      attributes: [strAttr(0x0c, "k"), strAttr(0x0d, method)],
    });
    assert.deepEqual(bytes, expected, method);
    assert.equal(decodeForwardRequest(payloadOf(bytes)).method, method);
  }
});

Deno.test("encodeForwardRequest rejects a method that is not a token as invalid", () => {
  for (const method of ["", "GET /", "BAD\r\nX", "caf\xe9", "A(B"]) {
    assert.throws(() => encode({ ...BASE, method }), isEncodeError("invalid", /not an HTTP token/));
  }
});

Deno.test("encodeForwardRequest encodes ssl_key_size as a u16", () => {
  const bytes = encode({ ...BASE, attributes: { sslKeySize: 0x1234 } });
  const tail = [...bytes.subarray(bytes.length - 4)];
  assert.deepEqual(tail, [0x0b, 0x12, 0x34, 0xff]);
  assert.throws(
    () => encode({ ...BASE, attributes: { sslKeySize: 70000 } }),
    isEncodeError("invalid", /ssl_key_size/),
  );
});

Deno.test("encodeForwardRequest encodes a null remote_host as FFFF", () => {
  const bytes = encode(BASE);
  const expected = forwardRequestPayload(BASE_FIXTURE);
  assert.deepEqual([...payloadOf(bytes)], expected);
  // 02 02, protocol (8+3), req_uri (14+3), remote_addr (9+3), then FF FF.
  assert.deepEqual([...bytes.subarray(4 + 2 + 11 + 17 + 12, 4 + 2 + 11 + 17 + 12 + 2)], [
    0xff,
    0xff,
  ]);
});

Deno.test("encodeForwardRequest writes at an offset and returns the end offset", () => {
  const out = new Uint8Array(9000).fill(0xaa);
  const end = encodeForwardRequest(BASE, out, 100);
  const expected = forwardRequestPacket(BASE_FIXTURE);
  assert.equal(end, 100 + expected.length);
  assert.deepEqual(out.subarray(100, end), expected);
  assert.equal(out[99], 0xaa);
  assert.equal(out[end], 0xaa);
});

/** A request padded with one header so that its packet is exactly `size` bytes. */
function requestOfSize(size: number): ForwardRequest {
  const probe = encode({ ...BASE, headers: [["x-pad", ""]] }, 65536).length;
  return { ...BASE, headers: [["x-pad", "p".repeat(size - probe)]] };
}

Deno.test("encodeForwardRequest fills a packet exactly; one byte more overflows", () => {
  for (const size of [8192, 65536]) {
    const fits = requestOfSize(size);
    const out = new Uint8Array(size);
    assert.equal(encodeForwardRequest(fits, out), size);
    assert.deepEqual([...out.subarray(0, 4)], [0x12, 0x34, (size - 4) >> 8, (size - 4) & 0xff]);
    assert.deepEqual(decodeForwardRequest(out.subarray(4)), fits);
    const tooBig = requestOfSize(size + 1);
    assert.throws(() => encodeForwardRequest(tooBig, out), isEncodeError("overflow"));
    assert.throws(() => encodeForwardRequest(fits, out, 1), isEncodeError("overflow"));
  }
});

Deno.test("encodeForwardRequest never writes more than 65536 bytes, even into a larger buffer", () => {
  const out = new Uint8Array(100000);
  assert.throws(() => encodeForwardRequest(requestOfSize(65537), out), isEncodeError("overflow"));
});

Deno.test("encodeForwardRequest rejects unencodable values as invalid", () => {
  const cases: ForwardRequest[] = [
    { ...BASE, headers: [["x", "\u2603"]] },
    { ...BASE, reqUri: "/\u{1f600}" },
    { ...BASE, serverPort: 65536 },
    { ...BASE, headers: [["x".repeat(0xa000), "v"]] },
    { ...BASE, attributes: { queryString: "q".repeat(0xffff) } },
  ];
  for (const req of cases) {
    assert.throws(() => encodeForwardRequest(req, new Uint8Array(65536)), isEncodeError("invalid"));
  }
  // 0x9FFF bytes is the longest sendable name; it only overflows.
  assert.throws(
    () =>
      encodeForwardRequest({ ...BASE, headers: [["x".repeat(0x9fff), ""]] }, new Uint8Array(8192)),
    isEncodeError("overflow"),
  );
});

Deno.test("decodeForwardRequest decodes the fixture", () => {
  const payload = payloadOf(forwardRequestPacket({
    ...BASE_FIXTURE,
    method: 0xff,
    remoteHost: "h",
    headers: [[0xa00b, "example.com"], ["X-Forwarded-Proto", "https"]],
    attributes: [u16Attr(0x0b, 128), strAttr(0x0d, "PATCH"), reqAttr("AJP_REMOTE_PORT", "1")],
  }));
  assert.deepEqual(decodeForwardRequest(payload), {
    ...BASE,
    method: "PATCH",
    remoteHost: "h",
    headers: [["host", "example.com"], ["X-Forwarded-Proto", "https"]],
    attributes: { sslKeySize: 128, requestAttributes: [["AJP_REMOTE_PORT", "1"]] },
  });
});

function decodeError(fixture: Partial<ForwardRequestFixture>, message: RegExp) {
  const payload = forwardRequestPayload({ ...BASE_FIXTURE, ...fixture });
  assert.throws(() => decodeForwardRequest(new Uint8Array(payload)), (err: unknown) => {
    assert.ok(err instanceof AjpProtocolError, String(err));
    assert.match(err.message, message);
    return true;
  });
}

Deno.test("decodeForwardRequest rejects malformed requests", () => {
  decodeError({ method: 0 }, /unknown method code 0x00/);
  decodeError({ method: 28 }, /unknown method code 0x1c/);
  decodeError({ method: 0xff }, /without a stored_method/);
  decodeError({ attributes: [strAttr(0x0d, "PATCH")] }, /follows coded method 0x02/);
  decodeError({ attributes: [[0x0e, 0, 0, 0]] }, /unknown attribute code 0x0e/);
  decodeError({ attributes: [strAttr(0x05, "a"), strAttr(0x05, "b")] }, /query_string .* repeated/);
  decodeError({ attributes: [u16Attr(0x0b, 1), u16Attr(0x0b, 2)] }, /ssl_key_size .* repeated/);
  decodeError({ headers: [[0xa00f, "x"]] }, /unknown request header code 0xa00f/);
  decodeError({ headers: [[0xa000, "x"]] }, /unknown request header code 0xa000/);
  decodeError({ attributes: [[0x05, 0xff, 0xff]] }, /query_string at offset \d+ is null/);
});

Deno.test("decodeForwardRequest bounds counts and lengths and requires NULs", () => {
  const good = forwardRequestPayload(BASE_FIXTURE);
  const reject = (bytes: number[], message: RegExp) =>
    assert.throws(() => decodeForwardRequest(new Uint8Array(bytes)), (err: unknown) => {
      assert.ok(err instanceof AjpProtocolError, String(err));
      assert.match(err.message, message);
      return true;
    });
  reject([], /message code at offset 0/);
  reject([0x04, ...good.slice(1)], /expected FORWARD_REQUEST/);
  reject([...good, 0], /unexpected bytes after its end/);
  reject(good.slice(0, -1), /attribute code at offset \d+ needs 1 bytes/);
  // Protocol "HTTP/1.1" with its NUL replaced.
  reject(
    [...good.slice(0, 12), 0x41, ...good.slice(13)],
    /protocol at offset 2 is missing its NUL/,
  );
  // Protocol declaring more bytes than the payload holds.
  reject([0x02, 0x02, 0x7f, 0xff, ...good.slice(4)], /protocol at offset 2 declares 32767 bytes/);
  // Header count 0xFFFF with no headers.
  const countAt = good.length - 3;
  reject([...good.slice(0, countAt), 0xff, 0xff, 0xff], /header count 65535 .* cannot fit/);
  reject([...good.slice(0, countAt - 1), 2, 0, 0, 0xff], /is_ssl .* is 2/);
});

Deno.test("property: decodeForwardRequest(encodeForwardRequest(r)) gives r back", () => {
  const out = new Uint8Array(65536);
  fc.assert(
    fc.property(forwardRequest, fc.integer({ min: 0, max: 64 }), (req, offset) => {
      const end = encodeForwardRequest(req, out, offset);
      const length = (out[offset + 2] << 8) | out[offset + 3];
      assert.equal(end - offset - 4, length);
      assert.deepEqual(decodeForwardRequest(out.subarray(offset + 4, end)), asDecoded(req));
    }),
    { numRuns: 3000 },
  );
});
