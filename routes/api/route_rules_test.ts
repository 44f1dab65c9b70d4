import assert from "node:assert/strict";
import type { Route } from "../../db/mod.ts";
import { mergeRoutePatch, normalizeHost, shadows, targetIssues } from "./route_rules.ts";

const route: Route = {
  id: "r",
  host: null,
  pathPrefix: "/",
  connection: null,
  balancer: "b",
  backendPath: null,
  preserveHost: true,
  enabled: true,
  createdAt: "",
  updatedAt: "",
};

Deno.test("targetIssues: exactly one of connection and balancer", () => {
  assert.deepEqual(targetIssues({ connection: "c", balancer: null }), []);
  assert.deepEqual(targetIssues({ connection: null, balancer: "b" }), []);
  assert.equal(targetIssues({ connection: "c", balancer: "b" })[0].field, "balancer");
  assert.equal(targetIssues({ connection: null, balancer: null })[0].field, "connection");
});

Deno.test("mergeRoutePatch: naming one target clears the other unless both are named", () => {
  assert.deepEqual(mergeRoutePatch(route, { connection: "c" }).target, {
    connection: "c",
    balancer: null,
  });
  assert.deepEqual(mergeRoutePatch(route, { connection: "c", balancer: "b" }).target, {
    connection: "c",
    balancer: "b",
  });
  assert.deepEqual(mergeRoutePatch(route, { enabled: false }).target, {
    connection: null,
    balancer: "b",
  });
  assert.deepEqual(mergeRoutePatch(route, { balancer: null }).target, {
    connection: null,
    balancer: null,
  });
});

Deno.test("normalizeHost: lower-cases strings, keeps null and undefined", () => {
  assert.equal(normalizeHost("App.Example.COM"), "app.example.com");
  assert.equal(normalizeHost(null), null);
  assert.equal(normalizeHost(undefined), undefined);
});

Deno.test("shadows: a same or longer prefix on a covered host, or a host-bound route", () => {
  const any = (pathPrefix: string) => ({ host: null, pathPrefix });
  const on = (host: string, pathPrefix: string) => ({ host, pathPrefix });
  // the probe's cases: a host-bound /echo over the any-host /echo, a longer /echo/info
  assert.equal(shadows(on("127.0.0.1", "/echo"), any("/echo")), true);
  assert.equal(shadows(any("/echo/info"), any("/echo")), true);
  assert.equal(shadows(any("/echo/"), any("/echo")), true);
  assert.equal(shadows(any("/echo"), any("/echo")), true);
  assert.equal(shadows(any("/echo;x"), any("/echo")), true);
  assert.equal(shadows(any("/x"), any("/")), true, "anything under the root route");
  assert.equal(shadows(on("a", "/"), any("/echo")), true, "host-bound root over /echo");
  assert.equal(shadows(on("a", "/echo/x"), on("a", "/echo")), true);
  // no request changes hands
  assert.equal(shadows(any("/echo"), any("/echo/info")), false, "shorter prefix loses");
  assert.equal(shadows(any("/echoes"), any("/echo")), false, "not a segment boundary");
  assert.equal(shadows(any("/other"), any("/echo")), false);
  assert.equal(shadows(any("/echo/x"), on("a", "/echo")), false, "host-bound wins anyway");
  assert.equal(shadows(on("b", "/echo/x"), on("a", "/echo")), false, "another host");
  assert.equal(shadows(on("a", "/other"), any("/echo")), false);
});
