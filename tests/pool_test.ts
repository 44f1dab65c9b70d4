/**
 * Connection pools against a real Tomcat: `initial` sockets open at start (counted on the
 * wire), idle timeout recycles them, an exhausted pool answers 503 with Retry-After,
 * `prepost` CPING never hands out a socket of a restarted Tomcat, reset and disable/enable.
 */
import assert from "node:assert/strict";
import type { ConnectionInput } from "../db/mod.ts";
import type { AjpUpstream } from "../src/ajp/ajp_upstream.ts";
import { startTestGateway } from "./support/gateway.ts";
import { establishedTo } from "./support/tcp_count.ts";
import { startTomcat, tomcatAvailable } from "./support/tomcat.ts";
import { waitUntil } from "./support/wait.ts";

const SECRET = "pool-secret";

Deno.test({
  name: "connection pools against Tomcat",
  ignore: tomcatAvailable() !== null,
  sanitizeOps: false,
  sanitizeResources: false,
  async fn(t) {
    await using tomcat = await startTomcat({ ajp: [{ name: "ajp", secret: SECRET }] });
    const port = tomcat.ajpPort("ajp");
    await using gw = await startTestGateway([]);
    const repos = gw.store.repos;
    const add = async (name: string, extra: Partial<ConnectionInput>) => {
      await repos.connections.create(
        { name, type: "direct", host: "127.0.0.1", port, secret: SECRET, ...extra },
        "admin",
      );
      await repos.routes.create(
        { pathPrefix: `/${name}`, connection: name, backendPath: "/app" },
        "admin",
      );
      await gw.sync.refresh();
      return () =>
        (gw.runtime.storedUpstream(name) ??
          gw.runtime.cliUpstreams.get(name.toLowerCase())) as AjpUpstream;
    };
    const get = (path: string) => fetch(gw.url(path));

    await t.step("initial sockets are open after start, counted on the wire", async () => {
      const before = await establishedTo(port);
      const b = await add("warm", { pool: { initial: 3 } });
      await waitUntil(() => b().poolStats().idle === 3, "3 idle sockets");
      assert.equal(await establishedTo(port) - before, 3);
      assert.equal(b().state, "connected");
    });

    await t.step("idle timeout recycles sockets and keeps `initial` open", async () => {
      const b = await add("ttl", { pool: { initial: 2, idleTimeoutMs: 600 } });
      await waitUntil(() => b().poolStats().idle === 2, "2 idle sockets");
      await waitUntil(() => b().poolStats().closed.idle_timeout >= 2, "idle timeout", 5000);
      await waitUntil(() => b().poolStats().idle === 2, "refilled");
      assert.ok(b().poolStats().opened >= 4);
    });

    await t.step(
      "an exhausted pool answers 503 with Retry-After after acquireTimeoutMs",
      async () => {
        await add("tiny", { pool: { max: 1, acquireTimeoutMs: 300 } });
        const slow = get("/tiny/sleep?ms=1500");
        await new Promise((r) => setTimeout(r, 200));
        const t0 = performance.now();
        const r = await get("/tiny/probe/x");
        const waited = performance.now() - t0;
        assert.equal(r.status, 503);
        assert.ok(r.headers.get("retry-after"));
        await r.body?.cancel();
        assert.ok(waited >= 280 && waited < 1200, `waited ${waited} ms`);
        assert.equal((await slow).status, 200);
        await (await slow).body?.cancel().catch(() => {});
      },
    );

    await t.step(
      "prepost CPING: a Tomcat restarted in between, and the request still succeeds",
      async () => {
        const b = await add("pp", { ping: { mode: "prepost", timeoutMs: 1000, intervalMs: 200 } });
        assert.equal((await get("/pp/probe/1")).status, 200);
        const opened = b().poolStats().opened;
        await tomcat.restart();
        await new Promise((r) => setTimeout(r, 300));
        const r = await get("/pp/probe/2");
        assert.equal(r.status, 200);
        await r.body?.cancel();
        const s = b().poolStats();
        assert.equal(s.opened, opened + 1, "a new socket was opened");
        assert.ok(
          s.closed.eof + s.closed.ping_failed + s.closed.error >= 1,
          JSON.stringify(s.closed),
        );
      },
    );

    await t.step("reset closes every socket and opens `initial` anew", async () => {
      const b = await add("rs", { pool: { initial: 2 } });
      await waitUntil(() => b().poolStats().idle === 2, "2 idle");
      const opened = b().poolStats().opened;
      const res = await gw.api("POST", "/api/v1/connections/rs/reset");
      assert.equal(res.status, 200);
      await res.body?.cancel();
      await waitUntil(
        () => b().poolStats().idle === 2 && b().poolStats().opened === opened + 2,
        "reopened",
      );
      assert.equal(b().poolStats().closed.reset, 2);
    });

    await t.step("disable answers 503 at once and closes sockets; enable restores", async () => {
      const b = await add("de", { pool: { initial: 1 } });
      await waitUntil(() => b().poolStats().idle === 1, "1 idle");
      await (await gw.api("POST", "/api/v1/connections/de/disable")).body?.cancel();
      const t0 = performance.now();
      const r = await get("/de/probe/x");
      assert.equal(r.status, 503);
      await r.body?.cancel();
      assert.ok(performance.now() - t0 < 200);
      assert.equal(b().poolStats().idle, 0);
      await (await gw.api("POST", "/api/v1/connections/de/enable")).body?.cancel();
      const ok = await get("/de/probe/x");
      assert.equal(ok.status, 200);
      await ok.body?.cancel();
    });
  },
});
