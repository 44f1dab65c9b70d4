import assert from "node:assert/strict";
import { TimeSeries } from "../../src/observe/time_series.ts";
import { createApiApp } from "./mod.ts";
import { openApi } from "../../tests/support/api_app.ts";

Deno.test("POST /connections/{name}/test: CPONG time from a fresh socket, or the error", async () => {
  await using h = await openApi();
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  const served = (async () => {
    const conn = await listener.accept();
    await conn.read(new Uint8Array(5));
    await conn.write(new Uint8Array([0x41, 0x42, 0x00, 0x01, 0x09]));
    conn.close();
  })();
  await h.call("POST", "/api/v1/connections", {
    body: { name: "c1", type: "direct", host: "127.0.0.1", port },
  });
  const ok = await (await h.call("POST", "/api/v1/connections/c1/test")).json();
  await served;
  listener.close();
  assert.equal(ok.ok, true, JSON.stringify(ok));
  assert.equal(ok.target, `127.0.0.1:${port}`);
  assert.equal(typeof ok.cpongMs, "number");

  const failed = await (await h.call("POST", "/api/v1/connections/c1/test")).json();
  assert.equal(failed.ok, false);
  assert.equal(failed.step, "connect");
  assert.match(failed.error, new RegExp(`cannot connect to 127\\.0\\.0\\.1:${port}`));

  const bob = await h.userWithToken("bob");
  const refused = await h.call("POST", "/api/v1/connections/c1/test", { token: bob });
  assert.equal(refused.status, 403);
  await refused.body?.cancel();

  await h.call("POST", "/api/v1/connections", {
    body: { name: "p1", type: "proxy", host: "px", protocol: "http", proxyPort: 3128 },
  });
  const proxy = await h.call("POST", "/api/v1/connections/p1/test");
  assert.equal(proxy.status, 422);
  assert.match((await proxy.json()).detail, /direct AJP sockets only/);
});

Deno.test("GET /series: routes for all, connections only with a role; 404 without series", async () => {
  await using h = await openApi();
  const none = await h.call("GET", "/api/v1/series");
  assert.equal(none.status, 404);
  await none.body?.cancel();

  const series = new TimeSeries();
  const app = createApiApp({ repos: h.repos, live: h.live, series });
  const bob = await h.userWithToken("bob");
  for (const [route, connection] of [["r1", "mine"], ["r2", "theirs"]]) {
    series.record({
      requestId: "x",
      method: "GET",
      path: "/",
      route,
      connection,
      status: 200,
      outcome: "ok",
      bytesIn: 0,
      bytesOut: 0,
      ttfbMs: 1,
      totalMs: 2,
      remoteAddr: "127.0.0.1",
    });
  }
  await h.call("POST", "/api/v1/connections", {
    token: bob,
    body: { name: "mine", type: "direct", host: "h", port: 1 },
  });
  const get = async (token: string) =>
    await (await app.request("/api/v1/series", { headers: { authorization: `Bearer ${token}` } }))
      .json();
  const asBob = await get(bob);
  assert.deepEqual(Object.keys(asBob.routes).sort(), ["r1", "r2"]);
  assert.deepEqual(Object.keys(asBob.connections), ["mine"]);
  assert.equal(asBob.times.length, 180);
  const asRoot = await get(h.rootToken);
  assert.deepEqual(Object.keys(asRoot.connections).sort(), ["mine", "theirs"]);
  assert.equal(asRoot.connections.theirs.total, 1);
});
