import assert from "node:assert/strict";
import { parseBearer } from "./bearer.ts";

Deno.test("parseBearer: takes the token of a Bearer header", () => {
  assert.equal(parseBearer("Bearer abc-DEF_123"), "abc-DEF_123");
  assert.equal(parseBearer("bearer  abc=="), "abc==");
});

Deno.test("parseBearer: null for a missing, other-scheme or malformed header", () => {
  for (const h of [undefined, null, "", "Bearer", "Bearer ", "Basic abc", "Bearer a b", "abc"]) {
    assert.equal(parseBearer(h), null, String(h));
  }
});
