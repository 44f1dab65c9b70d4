import assert from "node:assert/strict";
import { headEnd, HeadError, parseHead } from "./head.ts";

const bytes = (s: string) => Uint8Array.from(s, (c) => c.charCodeAt(0));

const status = (s: string, max = 100) => {
  try {
    parseHead(bytes(s), max);
    return 0;
  } catch (err) {
    assert.ok(err instanceof HeadError);
    return err.status;
  }
};

Deno.test("headEnd finds the blank line, with CRLF or bare LF, at any split", () => {
  const head = bytes("GET / HTTP/1.1\r\nHost: a\r\n\r\nBODY");
  assert.equal(headEnd(head, head.length), head.length - 4);
  for (let cut = 0; cut < head.length - 4; cut++) assert.equal(headEnd(head, cut), -1, `${cut}`);
  const lf = bytes("GET / HTTP/1.1\nHost: a\n\n");
  assert.equal(headEnd(lf, lf.length), lf.length);
});

Deno.test("parseHead reads the request line and headers, lower-casing names", () => {
  const h = parseHead(bytes("\r\nPOST /a?b=1 HTTP/1.0\r\nHost: x\r\nX-A:  v w \r\n\r\n"), 100);
  assert.deepEqual(h, {
    method: "POST",
    target: "/a?b=1",
    minor: 0,
    headers: [["host", "x"], ["x-a", "v w"]],
  });
});

Deno.test("parseHead refuses malformed heads with 400, too many fields with 431", () => {
  assert.equal(status("GET / HTTP/1.1\r\nHost: a\r\n\r\n"), 0);
  for (
    const bad of [
      "GET  / HTTP/1.1\r\n\r\n",
      "GET / HTTP/1.1 x\r\n\r\n",
      "G(T / HTTP/1.1\r\n\r\n",
      "GET /a b HTTP/1.1\r\n\r\n",
      "GET / HTTX/1.1\r\n\r\n",
      "GET / HTTP/1.1\r\nHost: a\r\n folded\r\n\r\n",
      "GET / HTTP/1.1\r\nBad Name: a\r\n\r\n",
      "GET / HTTP/1.1\r\n: a\r\n\r\n",
      "GET / HTTP/1.1\r\nX: a\rb\r\n\r\n",
      "GET / HTTP/1.1\r\nX: a\x00b\r\n\r\n",
    ]
  ) {
    assert.equal(status(bad), 400, JSON.stringify(bad));
  }
  assert.equal(status("PRI * HTTP/2.0\r\n\r\n"), 505);
  assert.equal(status("GET / HTTP/1.1\r\nA: 1\r\nB: 2\r\nC: 3\r\n\r\n", 2), 431);
});
