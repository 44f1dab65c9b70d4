/**
 * Live change under load: while four clients loop on a stored route, the route is moved to
 * another connection (another Tomcat), that connection is disabled and enabled again. No
 * request fails except 503s while disabled, and each change shows within one second.
 */
import assert from "node:assert/strict";
import { startTestGateway } from "./support/gateway.ts";
import { startTomcat, tomcatAvailable } from "./support/tomcat.ts";
import { figure } from "./support/figures.ts";

const skip = tomcatAvailable();
if (skip) console.warn(`live change test skipped: ${skip}`);

/** How long a change may take to show (the "within one second"). */
const VISIBLE_MS = 1000;
/** Hard bounds of the load loop. */
const LOOP_MAX_MS = 12_000;
const LOOP_MAX_REQUESTS = 250_000;

/** One request of the load loop; times from performance.now(). */
interface Sample {
  start: number;
  end: number;
  /** HTTP status, or 0 when fetch itself failed. */
  status: number;
  /** The Tomcat instance that answered a /probe request, else null. */
  servedBy: string | null;
  /** The body of a non-200 answer, or the fetch error. */
  detail: string;
  /** x-request-id of a gateway error answer, to find its access log line. */
  requestId: string | null;
}

/**
 * Runs `workers` fetch loops until `stop` resolves, LOOP_MAX_MS passes or LOOP_MAX_REQUESTS
 * were sent. Worker 0 asks for /sleep so that exchanges are in flight at every change.
 */
async function loadLoop(
  url: (path: string) => string,
  workers: number,
  stop: Promise<void>,
): Promise<Sample[]> {
  const samples: Sample[] = [];
  let stopped = false;
  stop.then(() => stopped = true);
  const deadline = performance.now() + LOOP_MAX_MS;
  const worker = async (w: number) => {
    const path = w === 0 ? "/live/sleep?ms=150" : `/live/probe/w${w}`;
    while (!stopped && performance.now() < deadline && samples.length < LOOP_MAX_REQUESTS) {
      const start = performance.now();
      let status = 0;
      let servedBy: string | null = null;
      let detail = "";
      let requestId: string | null = null;
      try {
        const res = await fetch(url(path));
        status = res.status;
        if (status !== 200) requestId = res.headers.get("x-request-id");
        const body = await res.text();
        if (status === 200 && w !== 0) servedBy = JSON.parse(body).servedBy;
        else if (status !== 200) detail = body.trim();
      } catch (err) {
        detail = err instanceof Error ? err.message : String(err);
      }
      samples.push({ start, end: performance.now(), status, servedBy, detail, requestId });
    }
  };
  await Promise.all(Array.from({ length: workers }, (_, w) => worker(w)));
  return samples;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

Deno.test({
  name: "live change: repoint, disable, enable under load; only 503s while disabled",
  ignore: skip !== null,
  async fn() {
    const [a, b] = await Promise.all([
      startTomcat({ instance: "A", ajp: [{ name: "main", secret: "secret-of-a" }] }),
      startTomcat({ instance: "B", ajp: [{ name: "main", secret: "secret-of-b" }] }),
    ]);
    await using _a = a;
    await using _b = b;
    await using gw = await startTestGateway([]);
    const api = async (method: string, path: string, body?: unknown) => {
      const res = await gw.api(method, path, body);
      const text = await res.text();
      assert.ok(res.ok, `${method} ${path}: ${res.status} ${text}`);
      return JSON.parse(text);
    };
    const backends = [["ta", a, "secret-of-a"], ["tb", b, "secret-of-b"]] as const;
    for (const [name, tomcat, secret] of backends) {
      await api("POST", "/api/v1/connections", {
        name,
        type: "direct",
        host: "127.0.0.1",
        port: tomcat.ajpPort("main"),
        secret,
      });
    }
    const route = await api("POST", "/api/v1/routes", {
      pathPrefix: "/live",
      connection: "ta",
      backendPath: "/app",
    });
    const first = await fetch(gw.url("/live/probe/first"));
    assert.equal(first.status, 200);
    assert.equal((await first.json()).servedBy, "A");

    const stop = Promise.withResolvers<void>();
    const loop = loadLoop(gw.url, 4, stop.promise);
    let samples: Sample[];
    let patchAt: number, disableAt: number, disabledAck: number, enableAt: number;
    let stateWhileDisabled: string;
    try {
      await sleep(800);
      patchAt = performance.now();
      assert.equal(
        (await api("PATCH", `/api/v1/routes/${route.id}`, { connection: "tb" }))
          .connection,
        "tb",
      );
      await sleep(1500);
      disableAt = performance.now();
      assert.equal((await api("POST", "/api/v1/connections/tb/disable")).enabled, false);
      disabledAck = performance.now();
      await sleep(1500);
      stateWhileDisabled = (await api("GET", "/api/v1/connections/tb")).state;
      enableAt = performance.now();
      assert.equal((await api("POST", "/api/v1/connections/tb/enable")).enabled, true);
      await sleep(1500);
    } finally {
      stop.resolve();
      samples = await loop;
    }

    const probes = samples.filter((s) => s.servedBy !== null);
    const count = (pred: (s: Sample) => boolean) => samples.filter(pred).length;
    const rel = (t: number, from: number) => Math.round(t - from);
    const lastA = Math.max(...probes.filter((s) => s.servedBy === "A").map((s) => s.start));
    const firstB = Math.min(...probes.filter((s) => s.servedBy === "B").map((s) => s.end));
    const unavailable = samples.filter((s) => s.status === 503);
    const figures = {
      requests: samples.length,
      ok200: count((s) => s.status === 200),
      unavailable503: unavailable.length,
      other: count((s) => s.status !== 200 && s.status !== 503),
      servedByA: count((s) => s.servedBy === "A"),
      servedByB: count((s) => s.servedBy === "B"),
      lastStartServedByA_afterPatchMs: rel(lastA, patchAt),
      firstAnswerFromB_afterPatchMs: rel(firstB, patchAt),
      first503Start_afterDisableMs: rel(Math.min(...unavailable.map((s) => s.start)), disableAt),
      disableApiMs: rel(disabledAck, disableAt),
      last503Start_afterEnableMs: rel(Math.max(...unavailable.map((s) => s.start)), enableAt),
    };
    figure("live change figures:", JSON.stringify(figures));

    const failures = samples.filter((s) => s.status !== 200 && s.status !== 503);
    assert.deepEqual(
      failures.slice(0, 5).map((s) => `${s.status} at ${rel(s.start, patchAt)} ms: ${s.detail}`),
      [],
      `${failures.length} requests neither 200 nor 503`,
    );
    assert.ok(samples.length > 100, `the loop ran (${samples.length} requests)`);

    // Repoint: after patchAt + 1 s nothing comes from A any more, and B does answer.
    const lateA = probes.filter((s) => s.servedBy === "A" && s.start > patchAt + VISIBLE_MS);
    assert.equal(lateA.length, 0, `served by A more than 1 s after the PATCH`);
    assert.ok(firstB - patchAt < VISIBLE_MS, `first answer from B ${rel(firstB, patchAt)} ms`);
    assert.ok(probes.every((s) => s.servedBy === "A" || s.servedBy === "B"));

    // Disable: 503s only between disable and enable (+ 1 s), and every request started in
    // [disable + 1 s, enable) is a 503.
    assert.equal(stateWhileDisabled, "disabled");
    // the client is told "service unavailable"; the access log line says why
    await gw.log.flush();
    const errors = new Map(
      gw.logLines.map((l) => JSON.parse(l)).filter((l) => l.error).map((
        l,
      ) => [l.requestId, l.error]),
    );
    for (const s of unavailable) {
      assert.ok(
        s.start >= disableAt && s.start <= enableAt + VISIBLE_MS,
        `503 at ${rel(s.start, disableAt)} ms after disable, ${rel(s.start, enableAt)} ms ` +
          `after enable: ${s.detail}`,
      );
      assert.match(s.detail, /^service unavailable \(request id /);
      assert.match(errors.get(s.requestId) ?? "", /disabled/, `log line of ${s.requestId}`);
    }
    const whileDisabled = samples.filter((s) =>
      s.start >= disableAt + VISIBLE_MS && s.end <= enableAt
    );
    assert.ok(whileDisabled.length > 10, `requests while disabled: ${whileDisabled.length}`);
    assert.deepEqual(
      whileDisabled.filter((s) => s.status !== 503).map((s) => rel(s.start, disableAt)),
      [],
      "every request started a second after disable and ended before enable is a 503",
    );

    // Enable: from enable + 1 s on, everything is 200 again, from B.
    const afterEnable = samples.filter((s) => s.start >= enableAt + VISIBLE_MS);
    assert.ok(afterEnable.length > 10, `requests after enable: ${afterEnable.length}`);
    assert.ok(afterEnable.every((s) => s.status === 200));
    assert.ok(afterEnable.every((s) => s.servedBy === null || s.servedBy === "B"));
  },
});
