import assert from "node:assert/strict";
import type { Route } from "../../db/mod.ts";
import { mergeRoutePatch, normalizeHost, targetIssues } from "./route_rules.ts";

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
