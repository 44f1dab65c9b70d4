import assert from "node:assert/strict";
import { headerPairsOf, wholeBodyOf, wholeBodyResponse } from "./whole_body.ts";

Deno.test("wholeBodyResponse: marks the body, which still reads back through the Response", async () => {
  const bytes = new TextEncoder().encode("hello");
  const res = wholeBodyResponse(bytes, 201, [["x-a", "1"]]);
  assert.equal(wholeBodyOf(res), bytes);
  assert.equal(res.status, 201);
  assert.equal(res.headers.get("x-a"), "1");
  assert.equal(await res.text(), "hello");
  assert.equal(wholeBodyOf(new Response(bytes)), undefined);
});

Deno.test("headerPairsOf: a marked response's pairs in order with repeats apart, else its Headers", () => {
  const pairs: [string, string][] = [["set-cookie", "a=1"], ["x-b", "2"], ["set-cookie", "b=2"]];
  const res = wholeBodyResponse(new Uint8Array(1), 200, pairs);
  assert.deepEqual([...headerPairsOf(res)], pairs);
  const plain = new Response(null, { headers: [["x-b", "2"], ["x-a", "1"]] });
  assert.deepEqual([...headerPairsOf(plain)], [["x-a", "1"], ["x-b", "2"]]);
});

Deno.test("wholeBodyResponse: a header value the Fetch API refuses throws", () => {
  assert.throws(
    () => wholeBodyResponse(new Uint8Array(1), 200, [["x-a", "1\r\nx-evil: 1"]]),
    TypeError,
  );
});
