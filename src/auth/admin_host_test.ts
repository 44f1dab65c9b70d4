import assert from "node:assert/strict";
import { adminHostCheck } from "./admin_host.ts";

Deno.test("adminHostCheck: a loopback listener answers its address and localhost", () => {
  const ok = adminHostCheck("127.0.0.1", []);
  assert.equal(ok("127.0.0.1"), true);
  assert.equal(ok("localhost"), true);
  assert.equal(ok("LOCALHOST."), true);
  assert.equal(ok("evil.example"), false, "a rebound name");
  assert.equal(ok("10.0.0.1"), false, "another address");
  assert.equal(ok("[::1]"), false);
});

Deno.test("adminHostCheck: listed names, any literal address on 0.0.0.0", () => {
  const ok = adminHostCheck("0.0.0.0", ["admin.example"]);
  assert.equal(ok("admin.example"), true);
  assert.equal(ok("Admin.Example"), true);
  assert.equal(ok("192.0.2.7"), true);
  assert.equal(ok("[2001:db8::1]"), true);
  assert.equal(ok("localhost"), true);
  assert.equal(ok("other.example"), false);
  const specific = adminHostCheck("192.0.2.7", []);
  assert.equal(specific("192.0.2.7"), true);
  assert.equal(specific("localhost"), false, "not listening on loopback");
  assert.equal(specific("192.0.2.8"), false);
  const v6 = adminHostCheck("::1", []);
  assert.equal(v6("[::1]"), true);
  assert.equal(v6("localhost"), true);
  const named = adminHostCheck("gateway.internal", []);
  assert.equal(named("gateway.internal"), true);
  assert.equal(named("evil.example"), false);
});
