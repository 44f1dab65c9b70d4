/**
 * Balancers over two real Tomcats (jvmRoute t1 and t2): weighted distribution, sticky
 * sessions, failover without losing or repeating requests, stickyForce, recovery by the
 * background probe, draining and standby members. Requests are counted by the servlets.
 */
import assert from "node:assert/strict";
import type { BalancerInput } from "../db/mod.ts";
import { addBalancedRoute, startTestGateway } from "./support/gateway.ts";
import { startTomcat, tomcatAvailable, type TomcatInstance } from "./support/tomcat.ts";
import { figure } from "./support/figures.ts";
import { waitUntil } from "./support/wait.ts";

const SECRET = "balancer-secret";
const skip = tomcatAvailable();

interface Served {
  servedBy: string;
  sessionId?: string;
}

Deno.test({
  name: "balancer over two Tomcats",
  ignore: skip !== null,
  sanitizeOps: false,
  sanitizeResources: false,
  async fn(t) {
    await using t1 = await startTomcat({
      ajp: [{ name: "ajp", secret: SECRET }],
      http: true,
      jvmRoute: "t1",
    });
    await using t2 = await startTomcat({
      ajp: [{ name: "ajp", secret: SECRET }],
      http: true,
      jvmRoute: "t2",
    });
    await using gw = await startTestGateway([]);
    const repos = gw.store.repos;
    await addBalancedRoute(
      gw,
      [
        { name: "t1", port: t1.ajpPort("ajp"), secret: SECRET, loadFactor: 1 },
        { name: "t2", port: t2.ajpPort("ajp"), secret: SECRET, loadFactor: 3 },
      ],
      "/app",
      "/app",
    );
    const setBalancer = async (patch: Partial<BalancerInput>) => {
      await repos.balancers.update("lb", patch, "admin");
      await gw.sync.refresh();
    };

    const counts = async (tc: TomcatInstance, reset = false) => {
      const r = await fetch(`http://127.0.0.1:${tc.httpPort}/app/count${reset ? "?reset=1" : ""}`);
      return (await r.json()).requestCount as number;
    };
    const get = async (
      path: string,
      cookie?: string,
    ): Promise<{ status: number; body: Served | null }> => {
      const r = await fetch(gw.url(path), { headers: cookie ? { cookie } : {} });
      if (r.status !== 200) {
        await r.body?.cancel();
        return { status: r.status, body: null };
      }
      return { status: 200, body: await r.json() };
    };
    const newSessionOn = async (route: string): Promise<string> => {
      for (let i = 0; i < 20; i++) {
        const r = await get("/app/session");
        if (r.body?.servedBy === route) return `JSESSIONID=${r.body.sessionId}`;
      }
      throw new Error(`no session created on ${route}`);
    };

    await t.step("byrequests: 1,000 requests split by load factor 1:3 within 10 %", async () => {
      await counts(t1, true);
      await counts(t2, true);
      const by: Record<string, number> = { t1: 0, t2: 0 };
      for (let i = 0; i < 1000; i++) {
        const r = await get("/app/probe/x");
        assert.equal(r.status, 200);
        by[r.body!.servedBy]++;
      }
      const [c1, c2] = [await counts(t1), await counts(t2)];
      figure(
        `distribution 1:3 over 1000 -> t1 ${c1}, t2 ${c2} (gateway saw ${by.t1}/${by.t2})`,
      );
      assert.deepEqual([c1, c2], [by.t1, by.t2]);
      assert.ok(Math.abs(c1 - 250) <= 25 && Math.abs(c2 - 750) <= 75, `${c1}/${c2}`);
    });

    await t.step("a session created on t2 stays on t2 (cookie and ;jsessionid=)", async () => {
      const cookie = await newSessionOn("t2");
      for (let i = 0; i < 20; i++) {
        assert.equal((await get("/app/probe/s", cookie)).body?.servedBy, "t2");
      }
      const id = cookie.split("=")[1];
      for (let i = 0; i < 5; i++) {
        assert.equal((await get(`/app/probe/s;jsessionid=${id}`)).body?.servedBy, "t2");
      }
    });

    await t.step(
      "members with routes are sticky on JSESSIONID by default (as mod_jk)",
      async () => {
        await setBalancer({ stickySession: null });
        const cookie = await newSessionOn("t2");
        for (let i = 0; i < 20; i++) {
          assert.equal((await get("/app/probe/d", cookie)).body?.servedBy, "t2");
        }
        const id = cookie.split("=")[1];
        assert.equal((await get(`/app/probe/d;jsessionid=${id}`)).body?.servedBy, "t2");
        await setBalancer({ stickySession: "JSESSIONID" });
      },
    );

    await t.step("draining t2 keeps its sessions and takes no new ones", async () => {
      const cookie = await newSessionOn("t2");
      await setBalancer({
        members: [
          { connection: "t1", loadFactor: 1, route: "t1" },
          { connection: "t2", loadFactor: 3, route: "t2", status: "draining" },
        ],
      });
      for (let i = 0; i < 10; i++) {
        assert.equal((await get("/app/probe/d", cookie)).body?.servedBy, "t2");
      }
      for (let i = 0; i < 20; i++) assert.equal((await get("/app/probe/d")).body?.servedBy, "t1");
    });

    await t.step("standby t2 is used only when no active member is usable", async () => {
      await setBalancer({
        members: [
          { connection: "t1", loadFactor: 1, route: "t1" },
          { connection: "t2", loadFactor: 1, route: "t2", status: "standby" },
        ],
      });
      for (let i = 0; i < 10; i++) assert.equal((await get("/app/probe/sb")).body?.servedBy, "t1");
      await t1.kill();
      for (let i = 0; i < 10; i++) assert.equal((await get("/app/probe/sb")).body?.servedBy, "t2");
      await t1.restart();
      await waitUntil(
        () => gw.runtime.storedUpstream("t1")!.state === "connected",
        "t1 back",
        15_000,
      );
      assert.equal((await get("/app/probe/sb")).body?.servedBy, "t1");
      await setBalancer({
        members: [
          { connection: "t1", loadFactor: 1, route: "t1" },
          { connection: "t2", loadFactor: 3, route: "t2" },
        ],
      });
    });

    await t.step("stop t2: its sessions fail over to t1, none lost or repeated", async () => {
      const cookie = await newSessionOn("t2");
      await counts(t1, true);
      await counts(t2, true);
      const statuses: number[] = [];
      for (let i = 0; i < 30; i++) statuses.push((await get("/app/probe/f", cookie)).status);
      const t2Before = await counts(t2);
      await t2.kill();
      for (let i = 0; i < 70; i++) {
        const r = await get("/app/probe/f", cookie);
        statuses.push(r.status);
        if (r.status === 200) assert.equal(r.body!.servedBy, "t1");
      }
      const t1Seen = await counts(t1);
      figure(
        `failover: 100 requests, ${
          statuses.filter((s) => s === 200).length
        } answered 200; t2 saw ${t2Before}, t1 saw ${t1Seen}`,
      );
      assert.ok(statuses.every((s) => s === 200), `statuses ${statuses}`);
      assert.equal(t2Before + t1Seen, 100, "every request seen exactly once");
      assert.equal(gw.runtime.storedUpstream("t2")!.state, "error");
    });

    await t.step("stickyForce answers 503 while the session's member is down", async () => {
      await setBalancer({ stickyForce: true });
      const cookie = "JSESSIONID=ABCDEF.t2";
      const r = await get("/app/probe/force", cookie);
      assert.equal(r.status, 503);
      assert.equal((await get("/app/probe/force")).body?.servedBy, "t1");
      await setBalancer({ stickyForce: false });
    });

    await t.step("restart t2: back in rotation after its probe, without a request", async () => {
      await t2.restart();
      const t0 = performance.now();
      await waitUntil(
        () => gw.runtime.storedUpstream("t2")!.state === "connected",
        "t2 probe",
        20_000,
      );
      figure(`t2 back to connected ${Math.round(performance.now() - t0)} ms after restart`);
      const seen = new Set<string>();
      for (let i = 0; i < 8; i++) seen.add((await get("/app/probe/back")).body!.servedBy);
      assert.deepEqual([...seen].sort(), ["t1", "t2"]);
    });
  },
});
