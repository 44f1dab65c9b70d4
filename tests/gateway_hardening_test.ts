/**
 * The probe's findings against a running gateway: the management listener and a foreign
 * Host (DNS rebinding), and connections whose backend an ordinary user set reaching the
 * gateway itself or loopback when they connect (a name that resolves elsewhere later).
 */
import assert from "node:assert/strict";
import { rawRequest } from "./support/raw_http.ts";
import { startTestGateway } from "./support/gateway.ts";

const text = (b: Uint8Array) => new TextDecoder().decode(b);

Deno.test("management listener: another Host is 421, its own address and --admin-host 200", async () => {
  await using gw = await startTestGateway([], { args: ["--admin-host", "gw-admin.example"] });
  const port = gw.adminAddr.port;
  const get = (path: string, host: string) =>
    rawRequest(port, `GET ${path} HTTP/1.1\r\nHost: ${host}\r\nConnection: close`);
  for (const path of ["/metrics", "/readyz", "/api/v1/openapi.json"]) {
    const rebound = await get(path, `rebind.example:${port}`);
    assert.equal(rebound.status, 421, path);
    assert.ok(!text(rebound.body).includes("process_"), "no metrics leak");
  }
  assert.equal((await get("/metrics", `127.0.0.1:${port}`)).status, 200);
  assert.equal((await get("/metrics", `localhost:${port}`)).status, 200);
  assert.equal((await get("/metrics", "gw-admin.example")).status, 200);
});

Deno.test("a restricted proxy connection cannot reach the management listener", async () => {
  await using gw = await startTestGateway([]);
  const repos = gw.store.repos;
  // as the API stores a connection a non-superuser set; "localhost" stands for a name
  // that resolved to an allowed address when it was stored
  await repos.connections.create({
    name: "ssrf",
    type: "proxy",
    host: "localhost",
    protocol: "http",
    proxyPort: gw.adminAddr.port,
    restricted: true,
  }, "bob");
  await repos.routes.create({ pathPrefix: "/ssrf", connection: "ssrf", backendPath: "/" }, "bob");
  await gw.sync.refresh();
  const res = await fetch(gw.url("/ssrf/metrics"));
  const body = await res.text();
  assert.ok(res.status >= 500, `status ${res.status}`);
  assert.ok(!body.includes("process_"), "no metrics through the proxy");
  // a superuser who points it there vouches for it: the same request then goes through
  const patched = await gw.api("PATCH", "/api/v1/connections/ssrf", { host: "127.0.0.1" });
  assert.equal(patched.status, 200);
  assert.equal((await patched.json()).restricted, false);
  await gw.sync.refresh();
  const allowed = await fetch(gw.url("/ssrf/healthz"));
  assert.equal(allowed.status, 200, await allowed.text());
});

Deno.test("a restricted AJP connection to loopback is closed before a byte is sent", async () => {
  using backend = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  await using gw = await startTestGateway([]);
  const repos = gw.store.repos;
  await repos.connections.create({
    name: "inside",
    type: "direct",
    host: "localhost",
    port: backend.addr.port,
    pool: { connectTimeoutMs: 1000, acquireTimeoutMs: 1000 },
    restricted: true,
  }, "bob");
  await repos.routes.create({ pathPrefix: "/inside", connection: "inside" }, "bob");
  await gw.sync.refresh();
  const seen = (async () => {
    const conn = await backend.accept();
    const buf = new Uint8Array(64);
    const n = await conn.read(buf).catch(() => null);
    conn.close();
    return n;
  })();
  const res = await fetch(gw.url("/inside/x"));
  await res.body?.cancel();
  assert.ok(res.status >= 500, `status ${res.status}`);
  assert.equal(await seen, null, "the backend saw the socket closed, no AJP bytes");
  assert.ok(
    gw.warnings.some((w) => w.includes("only a superuser may set this backend")) ||
      (await (await gw.api("GET", "/api/v1/connections/inside")).json()).error?.message
        ?.includes("loopback"),
    "the refusal is reported",
  );
});
