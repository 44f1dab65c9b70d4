/**
 * Connection state is live: a connection whose Tomcat refuses connections shows "error" with
 * the error text and since when, and returns to "connected" by itself (the background probe,
 * no proxied request) once Tomcat answers again; `pool.initial` sockets show as idle.
 */
import assert from "node:assert/strict";
import { startTestGateway } from "./support/gateway.ts";
import { startTomcat, tomcatAvailable } from "./support/tomcat.ts";
import { waitFor } from "./support/wait.ts";
import { figure } from "./support/figures.ts";

const skip = tomcatAvailable();
if (skip) console.warn(`state live test skipped: ${skip}`);

const SECRET = "state-live-secret";

interface ConnectionView {
  state: string;
  error: { message: string; since: string } | null;
  stats: { idle: number; busy: number; requests: number; failures: number };
}

Deno.test({
  name: "connection state: error with text and since while refused, connected again by itself",
  ignore: skip !== null,
  async fn(t) {
    await using tomcat = await startTomcat({ ajp: [{ name: "main", secret: SECRET }] });
    await using gw = await startTestGateway([]);
    const view = async (name: string): Promise<ConnectionView> => {
      const res = await gw.api("GET", `/api/v1/connections/${name}`);
      assert.equal(res.status, 200);
      return await res.json();
    };
    const create = async (body: Record<string, unknown>) => {
      const res = await gw.api("POST", "/api/v1/connections", {
        type: "direct",
        host: "127.0.0.1",
        port: tomcat.ajpPort("main"),
        secret: SECRET,
        ...body,
      });
      assert.equal(res.status, 201, await res.text());
    };
    const get = async (path: string) => {
      const res = await fetch(gw.url(path));
      return { status: res.status, text: await res.text() };
    };

    await t.step("refused: state error with the error text and since", async () => {
      await create({ name: "st" });
      const route = await gw.api("POST", "/api/v1/routes", {
        pathPrefix: "/st",
        connection: "st",
        backendPath: "/app",
      });
      assert.equal(route.status, 201, await route.text());
      assert.equal((await get("/st/probe/one")).status, 200);
      assert.equal((await view("st")).state, "connected");

      const killedAt = Date.now();
      await tomcat.kill();
      const down = await get("/st/probe/two");
      assert.equal(down.status, 503, down.text);

      const v = await view("st");
      assert.equal(v.state, "error");
      assert.ok(v.error !== null, "error is set in state error");
      assert.match(v.error.message, /refused/i);
      assert.match(v.error.message, new RegExp(`127\\.0\\.0\\.1:${tomcat.ajpPort("main")}`));
      assert.match(v.error.since, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/);
      const since = Date.parse(v.error.since);
      assert.ok(since >= killedAt - 1000 && since <= Date.now(), `since ${v.error.since}`);

      // The first background probe (1 s) fails too: still error, since unchanged.
      await new Promise((r) => setTimeout(r, 1500));
      const later = await view("st");
      assert.equal(later.state, "error");
      assert.equal(later.error?.since, v.error.since);
      assert.match(later.error?.message ?? "", /refused/i);
    });

    await t.step("back to connected by itself once Tomcat answers again", async () => {
      const before = await view("st");
      await tomcat.restart();
      const restartedAt = performance.now();
      const { elapsedMs } = await waitFor(
        'connection "st" to be connected again',
        async () => (await view("st")).state === "connected" ? true : undefined,
        { timeoutMs: 10_000, intervalMs: 100 },
      );
      figure(
        `state live: connected again ${Math.round(elapsedMs)} ms after restart ` +
          `(restart took ${tomcat.startupMs} ms)`,
      );
      const after = await view("st");
      assert.equal(after.error, null);
      assert.equal(after.stats.requests, before.stats.requests, "no proxied request was needed");
      assert.ok(performance.now() - restartedAt < 10_000);
      const res = await get("/st/probe/three");
      assert.equal(res.status, 200, res.text);
    });

    await t.step("pool.initial 2 shows idle 2 shortly after creation", async () => {
      await create({ name: "warm", pool: { initial: 2 } });
      const { value, elapsedMs } = await waitFor(
        'connection "warm" to hold 2 idle sockets',
        async () => {
          const v = await view("warm");
          return v.stats.idle === 2 ? v : undefined;
        },
        { timeoutMs: 2000 },
      );
      figure(`state live: idle 2 after ${Math.round(elapsedMs)} ms`);
      assert.equal(value.state, "connected");
      assert.equal(value.stats.busy, 0);
      assert.equal(value.stats.requests, 0);
    });
  },
});
