import assert from "node:assert/strict";
import { definedOnly, iso, nameKey } from "./repo_context.ts";

Deno.test("repo_context helpers", () => {
  assert.equal(nameKey("Tomcat-A.prod"), "tomcat-a.prod");
  assert.equal(iso(0), "1970-01-01T00:00:00.000Z");
  assert.equal(iso(null), null);
  assert.deepEqual(definedOnly({ a: 1, b: undefined, c: null }), { a: 1, c: null });
});
