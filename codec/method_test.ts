import assert from "node:assert/strict";
import { isValidMethodToken, methodCode } from "./method.ts";

// Written out by hand from H ajp_header.h, not derived from constants.ts.
const CODED: [string, number][] = [
  ["OPTIONS", 1],
  ["GET", 2],
  ["HEAD", 3],
  ["POST", 4],
  ["PUT", 5],
  ["DELETE", 6],
  ["TRACE", 7],
  ["PROPFIND", 8],
  ["PROPPATCH", 9],
  ["MKCOL", 10],
  ["COPY", 11],
  ["MOVE", 12],
  ["LOCK", 13],
  ["UNLOCK", 14],
  ["ACL", 15],
  ["REPORT", 16],
  ["VERSION-CONTROL", 17],
  ["CHECKIN", 18],
  ["CHECKOUT", 19],
  ["UNCHECKOUT", 20],
  ["SEARCH", 21],
  ["MKWORKSPACE", 22],
  ["UPDATE", 23],
  ["LABEL", 24],
  ["MERGE", 25],
  ["BASELINE-CONTROL", 26],
  ["MKACTIVITY", 27],
];

Deno.test("methodCode gives the 27 coded methods 1-27", () => {
  for (const [method, code] of CODED) assert.equal(methodCode(method), code, method);
});

Deno.test("methodCode gives 0xFF to PATCH, other tokens and other cases", () => {
  for (const m of ["PATCH", "CONNECT", "get", "Get", "BREW", "X-CUSTOM", "", "GET "]) {
    assert.equal(methodCode(m), 0xff, m);
  }
});

Deno.test("isValidMethodToken accepts RFC 9110 tokens", () => {
  for (const m of ["GET", "PATCH", "a", "X-Y_Z.1~", "!#$%&'*+-.^_`|~", "0"]) {
    assert.ok(isValidMethodToken(m), m);
  }
});

Deno.test("isValidMethodToken rejects empty strings, separators, controls and non-ASCII", () => {
  for (
    const m of ["", "GET POST", "GE(T", "A:B", "A/B", "A\tB", "A\x00", "\x7f", "É", "A\u0100", '"']
  ) {
    assert.ok(!isValidMethodToken(m), JSON.stringify(m));
  }
});
