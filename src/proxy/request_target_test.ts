import assert from "node:assert/strict";
import { GatewayError } from "./errors.ts";
import { assertNoHiddenDotSegments, splitTarget } from "./request_target.ts";

Deno.test("splitTarget keeps the raw path and query", () => {
  assert.deepEqual(splitTarget("http://h:1/a%2Fb/c?x=%20&y"), {
    path: "/a%2Fb/c",
    query: "x=%20&y",
  });
  assert.deepEqual(splitTarget("http://h/"), { path: "/", query: null });
  assert.deepEqual(splitTarget("http://h/p?"), { path: "/p", query: "" });
  assert.deepEqual(splitTarget("https://[::1]:8/p?q#f"), { path: "/p", query: "q" });
});

Deno.test("assertNoHiddenDotSegments refuses what Tomcat would resolve as a dot segment", () => {
  for (
    const bad of [
      "/app/..;/manager",
      "/app/%2e%2e/x",
      "/app/.;x/y",
      "/a/%2E/b",
      "/app/../manager",
      "/a/./b",
      "/a/..",
      "/app/%2e%2e%2fmanager/html",
      "/app/..%2Fmanager",
      "/app\\..\\manager",
      "/app/%5c../x",
    ]
  ) {
    assert.throws(() => assertNoHiddenDotSegments(bad), GatewayError, bad);
  }
  for (
    const ok of ["/app;jsessionid=1.t1/x", "/a%20b/c", "/a/..b/c", "/a/%2e%2ex", "/f.txt", "/a.b/c"]
  ) {
    assertNoHiddenDotSegments(ok);
  }
});
