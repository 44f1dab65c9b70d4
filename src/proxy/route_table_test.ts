import assert from "node:assert/strict";
import type { Upstream } from "./upstream.ts";
import { type Route, routeLabel, RouteTable } from "./route_table.ts";

const backend = (name: string) => ({ name }) as unknown as Upstream;
const route = (
  id: string,
  prefix: string,
  backendPath: string,
  host: string | null = null,
): Route => ({
  id,
  host,
  prefix,
  backendPath,
  target: backend(id),
  preserveHost: true,
});

Deno.test("RouteTable picks the longest prefix on segment boundaries", () => {
  const t = new RouteTable([
    route("root", "", "/root"),
    route("app", "/app", "/b"),
    route("deep", "/app/x", "/c"),
  ]);
  assert.equal(t.match(null, "/app/x/y")?.route.id, "deep");
  assert.equal(t.match(null, "/app/x/y")?.backendUri, "/c/y");
  assert.equal(t.match(null, "/app")?.backendUri, "/b");
  assert.equal(t.match(null, "/app/")?.backendUri, "/b/");
  assert.equal(t.match(null, "/app;jsessionid=1")?.backendUri, "/b;jsessionid=1");
  assert.equal(t.match(null, "/apple")?.route.id, "root");
  assert.equal(t.match(null, "/apple")?.backendUri, "/root/apple");
});

Deno.test("RouteTable prefers a host-bound route and returns null without a match", () => {
  const t = new RouteTable([route("any", "/a", "/any"), route("h", "/a", "/h", "example.org")]);
  assert.equal(t.match("example.org", "/a/1")?.route.id, "h");
  assert.equal(t.match("other.org", "/a/1")?.route.id, "any");
  assert.equal(t.match(null, "/b"), null);
});

Deno.test("RouteTable maps the root prefix to an empty backend path as the path itself", () => {
  const t = new RouteTable([route("r", "", "")]);
  assert.equal(t.match(null, "/")?.backendUri, "/");
  assert.equal(t.match(null, "/x%20y")?.backendUri, "/x%20y");
});

Deno.test("routeLabel names a route by host and prefix", () => {
  assert.equal(routeLabel({ host: null, prefix: "/app" }), "/app");
  assert.equal(routeLabel({ host: "shop.example.com", prefix: "/shop" }), "shop.example.com/shop");
  assert.equal(routeLabel({ host: null, prefix: "" }), "/");
});
