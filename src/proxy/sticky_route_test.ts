import assert from "node:assert/strict";
import { effectiveSticky, stickyNames, stickyRouteOf } from "./sticky_route.ts";

const names = stickyNames("JSESSIONID")!;

Deno.test("stickyRouteOf reads the route after the first dot of the session cookie", () => {
  assert.equal(stickyRouteOf(names, "a=1; JSESSIONID=ABC123.t2; b=2", "/x"), "t2");
  assert.equal(stickyRouteOf(names, "JSESSIONID=ABC.t1.extra", "/x"), "t1.extra");
  assert.equal(stickyRouteOf(names, "JSESSIONID=ABC", "/x"), null);
  assert.equal(stickyRouteOf(names, "OTHER=ABC.t1", "/x"), null);
});

Deno.test("stickyRouteOf falls back to the ;jsessionid= path parameter", () => {
  assert.equal(stickyRouteOf(names, null, "/app/page;jsessionid=ABC.t1"), "t1");
  assert.equal(stickyRouteOf(names, null, "/app/page;jsessionid=ABC.t1/more"), "t1");
  assert.equal(stickyRouteOf(names, "JSESSIONID=X", "/app;jsessionid=ABC.t2"), "t2");
});

Deno.test("stickyNames parses COOKIE|param", () => {
  assert.deepEqual(stickyNames("SID|sid"), { cookie: "SID", param: "sid" });
  assert.deepEqual(stickyNames("JSESSIONID"), { cookie: "JSESSIONID", param: "jsessionid" });
  assert.equal(stickyNames(null), null);
});

Deno.test("effectiveSticky: members with routes make a balancer sticky on JSESSIONID by default", () => {
  const routed = [{ route: "t1" }, { route: null }];
  assert.deepEqual(effectiveSticky(null, routed), { cookie: "JSESSIONID", param: "jsessionid" });
  assert.deepEqual(effectiveSticky("SID", routed), { cookie: "SID", param: "sid" });
  assert.equal(effectiveSticky(null, [{ route: null }]), null);
  assert.equal(effectiveSticky(null, []), null);
});
