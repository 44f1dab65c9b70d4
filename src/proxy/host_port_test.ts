import assert from "node:assert/strict";
import { hostLiteral, hostPort } from "./host_port.ts";

Deno.test("hostLiteral and hostPort bracket IPv6 literals only, once", () => {
  assert.equal(hostLiteral("::1"), "[::1]");
  assert.equal(hostLiteral("[::1]"), "[::1]");
  assert.equal(hostLiteral("127.0.0.1"), "127.0.0.1");
  assert.equal(hostPort("fe80::2", 8009), "[fe80::2]:8009");
  assert.equal(hostPort("tomcat", 80), "tomcat:80");
});
