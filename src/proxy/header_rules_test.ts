import assert from "node:assert/strict";
import { GatewayError } from "./errors.ts";
import {
  clientResponseHeaders,
  declaredBodyLength,
  forwardableRequestHeaders,
  requestBodyLength,
} from "./header_rules.ts";

Deno.test("forwardableRequestHeaders drops hop-by-hop, Connection-named and X-Forwarded headers", () => {
  const h = new Headers([
    ["Host", "a"],
    ["Connection", "keep-alive, X-Secret, bad token"],
    ["X-Secret", "1"],
    ["Keep-Alive", "5"],
    ["TE", "trailers"],
    ["X-Forwarded-For", "6.6.6.6"],
    ["Forwarded", "for=6.6.6.6"],
    ["Expect", "100-continue"],
    ["Accept", "*/*"],
  ]);
  assert.deepEqual(forwardableRequestHeaders(h), [["accept", "*/*"], ["host", "a"]]);
});

Deno.test("clientResponseHeaders frames from the body: Content-Length only on HEAD", () => {
  const backend: [string, string][] = [
    ["Content-Length", "5"],
    ["Transfer-Encoding", "chunked"],
    ["Set-Cookie", "a=1"],
    ["Set-Cookie", "b=2"],
  ];
  const get = clientResponseHeaders(backend, false);
  assert.equal(get.get("content-length"), null);
  assert.equal(get.get("transfer-encoding"), null);
  assert.deepEqual(get.getSetCookie(), ["a=1", "b=2"]);
  assert.equal(clientResponseHeaders(backend, true).get("content-length"), "5");
});

Deno.test("clientResponseHeaders drops the headers the backend names in its Connection", () => {
  const h = clientResponseHeaders([
    ["Connection", "X-Secret, close"],
    ["connection", "x-other"],
    ["X-Secret", "internal"],
    ["X-Other", "internal"],
    ["X-Kept", "yes"],
  ], false);
  assert.deepEqual([...h], [["x-kept", "yes"]]);
});

Deno.test("requestBodyLength accepts one framing and rejects the ambiguous ones", () => {
  const len = (init: [string, string][], hasBody = true) =>
    requestBodyLength(new Headers(init), hasBody);
  assert.equal(len([["content-length", "12"]]), 12);
  assert.equal(len([["transfer-encoding", "chunked"]]), null);
  assert.equal(len([], false), 0);
  assert.equal(len([], true), null);
  const status = (f: () => unknown) => {
    try {
      f();
    } catch (e) {
      return e instanceof GatewayError ? e.status : -1;
    }
    return 0;
  };
  assert.equal(status(() => len([["content-length", "1"], ["transfer-encoding", "chunked"]])), 400);
  assert.equal(status(() => len([["content-length", "1, 1"]])), 400);
  assert.equal(status(() => len([["content-length", "-1"]])), 400);
  assert.equal(status(() => len([["transfer-encoding", "gzip, chunked"]])), 501);
  assert.equal(status(() => len([["transfer-encoding", "gzip"]])), 501);
  // No body stream (GET/HEAD on Deno.serve) but a declared body: refused, not left hanging.
  assert.equal(status(() => len([["content-length", "1"]], false)), 400);
  assert.equal(status(() => len([["transfer-encoding", "chunked"]], false)), 400);
  assert.equal(len([["content-length", "0"]], false), 0);
});

Deno.test("declaredBodyLength: one plain decimal Content-Length, else null", () => {
  assert.equal(declaredBodyLength([["Content-Type", "x"], ["Content-Length", "1048576"]]), 1048576);
  assert.equal(declaredBodyLength([["content-length", "0"]]), 0);
  assert.equal(declaredBodyLength([["content-type", "x"]]), null);
  assert.equal(declaredBodyLength([["content-length", "5"], ["content-length", "5"]]), null);
  assert.equal(declaredBodyLength([["content-length", "5, 6"]]), null);
  assert.equal(declaredBodyLength([["content-length", "-1"]]), null);
  assert.equal(declaredBodyLength([["content-length", "1e3"]]), null);
  assert.equal(declaredBodyLength([["content-length", "1234567890123456"]]), null);
});
