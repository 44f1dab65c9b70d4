/**
 * Metrics, access logs and readiness against a real Tomcat: /metrics counts requests by
 * route, connection and status class with histograms and pool gauges; each request writes
 * one JSON access line whose request id reaches Tomcat as x-request-id; /readyz needs the
 * database and a route.
 */
import assert from "node:assert/strict";
import { startTestGateway } from "./support/gateway.ts";
import { startTomcat, tomcatAvailable } from "./support/tomcat.ts";
import { figure } from "./support/figures.ts";

const SECRET = "observe-secret";

Deno.test({
  name: "metrics, access log and readiness",
  ignore: tomcatAvailable() !== null,
  sanitizeOps: false,
  sanitizeResources: false,
  async fn(t) {
    await using tomcat = await startTomcat({ ajp: [{ name: "ajp", secret: SECRET }] });
    await using gw = await startTestGateway([
      `/app ajp://127.0.0.1:${tomcat.ajpPort("ajp")}/app secret=${SECRET} name=main`,
    ]);

    await t.step("access log: one JSON line per request; its id reaches Tomcat", async () => {
      const r = await fetch(gw.url("/app/probe/log?x=1"), {
        method: "POST",
        body: "hello",
        headers: { "x-request-id": "spoofed" },
      });
      const probe = await r.json();
      await gw.log.flush();
      const lines = gw.logLines.map((l) => JSON.parse(l)).filter((l) => l.msg === "access");
      const rec = lines.at(-1);
      assert.equal(rec.level, "info");
      assert.equal(rec.method, "POST");
      assert.equal(rec.path, "/app/probe/log");
      assert.equal(rec.route, "cli-1");
      assert.equal(rec.connection, "main");
      assert.equal(rec.status, 200);
      assert.equal(rec.outcome, "ok");
      assert.equal(rec.bytesIn, 5);
      assert.ok(rec.bytesOut > 100);
      assert.ok(rec.ttfbMs > 0 && rec.totalMs >= rec.ttfbMs);
      const ids = (probe.headers as [string, string][]).filter(([k]) =>
        k.toLowerCase() === "x-request-id"
      );
      assert.deepEqual(ids.map(([, v]) => v), [rec.requestId]);
    });

    await t.step("/metrics: requests by class, histograms, pool gauges, memory", async () => {
      // Tomcat ends an error response with reuse=0: that socket is closed, the next one pooled
      await (await fetch(gw.url("/app/status?code=500"))).arrayBuffer();
      for (let i = 0; i < 5; i++) await (await fetch(gw.url("/app/probe/m"))).arrayBuffer();
      await (await fetch(gw.url("/nowhere"))).body?.cancel();
      const r = await fetch(gw.adminUrl("/metrics"));
      assert.match(r.headers.get("content-type") ?? "", /text\/plain/);
      const text = await r.text();
      const value = (re: RegExp) => Number(re.exec(text)?.[1] ?? NaN);
      assert.ok(
        value(/ajpgate_requests_total\{route="\/app",connection="main",class="2xx"\} (\d+)/) >= 6,
      );
      assert.equal(
        value(/ajpgate_requests_total\{route="\/app",connection="main",class="5xx"\} (\d+)/),
        1,
      );
      assert.equal(value(/ajpgate_requests_total\{route="",connection="",class="4xx"\} (\d+)/), 1);
      assert.ok(value(/ajpgate_request_duration_seconds_count\{route="\/app"\} (\d+)/) >= 7);
      // every socket opened is idle, busy, or closed for a counted reason
      const opened = value(/ajpgate_connection_sockets_opened_total\{connection="main"\} (\d+)/);
      const closed = [
        ...text.matchAll(
          /ajpgate_connection_sockets_closed_total\{connection="main",reason="\w+"\} (\d+)/g,
        ),
      ]
        .reduce((n, m) => n + Number(m[1]), 0);
      const idle = value(/ajpgate_connection_sockets\{connection="main",state="idle"\} (\d+)/);
      const busy = value(/ajpgate_connection_sockets\{connection="main",state="busy"\} (\d+)/);
      assert.ok(opened >= 1 && idle >= 1);
      assert.equal(opened, idle + busy + closed);
      assert.match(text, /ajpgate_connection_state\{connection="main",state="connected"\} 1/);
      assert.ok(value(/ajpgate_process_memory_bytes\{kind="rss"\} (\d+)/) > 1_000_000);
      figure(
        text.split("\n").filter((l) => /ajpgate_requests_total|sockets\{|rss/.test(l)).join("\n"),
      );
    });

    await t.step("/readyz: ready with the database and a route; /healthz alive", async () => {
      const r = await fetch(gw.adminUrl("/readyz"));
      assert.equal(r.status, 200);
      assert.deepEqual((await r.json()).checks, { database: { ok: true }, routes: { ok: true } });
      const h = await fetch(gw.adminUrl("/healthz"));
      assert.equal(h.status, 200);
      await h.body?.cancel();
    });
  },
});

Deno.test("/readyz is 503 without any route; --log-level warn writes no access lines", async () => {
  await using gw = await startTestGateway([], { logLevel: "warn" });
  const r = await fetch(gw.adminUrl("/readyz"));
  assert.equal(r.status, 503);
  assert.deepEqual((await r.json()).checks, {
    database: { ok: true },
    routes: { ok: false, error: "no route is configured" },
  });
  await (await fetch(gw.url("/x"))).body?.cancel();
  await gw.log.flush();
  assert.equal(gw.logLines.filter((l) => JSON.parse(l).msg === "access").length, 0);
});

Deno.test("a 404 for an unknown route is logged as rejected, not as an error", async () => {
  await using gw = await startTestGateway([]);
  const r = await fetch(gw.url("/nowhere"));
  assert.equal(r.status, 404);
  const id = r.headers.get("x-request-id")!;
  assert.equal(await r.text(), `no route for /nowhere (request id ${id})\n`);
  await gw.log.flush();
  const lines = gw.logLines.map((l) => JSON.parse(l));
  const access = lines.find((l) => l.requestId === id);
  assert.equal(access?.outcome, "rejected");
  assert.equal(access?.level, "info");
  assert.deepEqual(lines.filter((l) => l.level === "error" || l.level === "warn"), []);
  assert.deepEqual(gw.warnings, []);
});
