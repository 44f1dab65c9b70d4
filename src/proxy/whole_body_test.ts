import assert from "node:assert/strict";
import { wholeBodyOf, wholeBodyResponse } from "./whole_body.ts";

Deno.test("wholeBodyResponse: marks the body, which still reads back through the Response", async () => {
  const bytes = new TextEncoder().encode("hello");
  const res = wholeBodyResponse(bytes, { status: 201, headers: { "x-a": "1" } });
  assert.equal(wholeBodyOf(res), bytes);
  assert.equal(res.status, 201);
  assert.equal(res.headers.get("x-a"), "1");
  assert.equal(await res.text(), "hello");
  assert.equal(wholeBodyOf(new Response(bytes)), undefined);
});
