/**
 * Persistence: a restart on the same database file keeps users, tokens, connections (with
 * their secrets, still usable), routes and permissions; no secret or token is in the files as
 * plain text; two gateway processes on one file see each other's changes within two seconds.
 */
import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import { startTestGateway, TEST_ADMIN_TOKEN } from "./support/gateway.ts";
import { startGatewayProcess } from "./support/gateway_process.ts";
import { startTomcat, tomcatAvailable } from "./support/tomcat.ts";
import { waitFor } from "./support/wait.ts";
import { figure } from "./support/figures.ts";

const skip = tomcatAvailable();
if (skip) console.warn(`persistence tests skipped: ${skip}`);

/** Distinctive, so that finding it in a file cannot be a coincidence. */
const SECRET = "Persist-AJP-Secret-7f3c9e1a";
/** The bound for a change made by one process to show in another. */
const PROPAGATION_MS = 2000;

/** Each file of the database (main file, WAL, shared memory, key) that exists now. */
async function databaseFiles(path: string): Promise<Map<string, Uint8Array>> {
  const files = new Map<string, Uint8Array>();
  for (const suffix of ["", "-wal", "-shm", "-journal", ".key"]) {
    try {
      files.set(`${path}${suffix}`, await Deno.readFile(`${path}${suffix}`));
    } catch (err) {
      if (!(err instanceof Deno.errors.NotFound)) throw err;
    }
  }
  return files;
}

/** Which of the files hold `text` as UTF-8, UTF-16LE, base64 or hex bytes. */
function filesHolding(files: Map<string, Uint8Array>, text: string): string[] {
  const needles = [
    Buffer.from(text, "utf8"),
    Buffer.from(text, "utf16le"),
    Buffer.from(Buffer.from(text).toString("base64").replace(/=+$/, "")),
    Buffer.from(Buffer.from(text).toString("hex")),
  ];
  return [...files].flatMap(([name, bytes]) => {
    const hay = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    return needles.some((n) => hay.includes(n)) ? [name] : [];
  });
}

async function ok<T = unknown>(res: Response, what: string): Promise<T> {
  const text = await res.text();
  assert.ok(res.ok, `${what}: ${res.status} ${text}`);
  return text === "" ? undefined as T : JSON.parse(text);
}

Deno.test({
  name: "restart on the same file keeps everything; no secret is in the files as plain text",
  ignore: skip !== null,
  async fn() {
    await using tomcat = await startTomcat({
      ajp: [{ name: "main", secret: SECRET }],
      instance: "persist",
    });
    const dir = await Deno.makeTempDir({ prefix: "ajpgate-persist-" });
    const dbPath = `${dir}/gw.db`;
    const db = `file:${dbPath}`;
    try {
      let aliceToken: string;
      let routeId: string;
      {
        await using gw = await startTestGateway([], { db });
        const api = async <T = unknown>(method: string, path: string, body?: unknown) =>
          await ok<T>(await gw.api(method, path, body), `${method} ${path}`);
        await api("POST", "/api/v1/users", { name: "alice" });
        aliceToken = (await api<{ token: string }>("POST", "/api/v1/users/alice/tokens", {
          name: "ci",
        })).token;
        await api("POST", "/api/v1/connections", {
          name: "tc",
          type: "direct",
          host: "127.0.0.1",
          port: tomcat.ajpPort("main"),
          secret: SECRET,
          pool: { max: 7, connectTimeoutMs: 1234 },
          description: "kept across restarts",
        });
        routeId = (await api<{ id: string }>("POST", "/api/v1/routes", {
          pathPrefix: "/kept",
          connection: "tc",
          backendPath: "/app",
        })).id;
        await api("PUT", "/api/v1/connections/tc/permissions", {
          owners: ["admin"],
          admins: ["alice"],
          access: [],
        });
        const served = await fetch(gw.url("/kept/probe/before"));
        assert.equal(served.status, 200);
        await served.body?.cancel();

        // While running: fresh writes sit in the WAL.
        const files = await databaseFiles(dbPath);
        assert.ok(files.has(dbPath), `database file ${dbPath} exists`);
        for (const [what, text] of [["secret", SECRET], ["alice's token", aliceToken]]) {
          assert.deepEqual(filesHolding(files, text), [], `${what} in plain text while running`);
        }
        assert.deepEqual(filesHolding(files, TEST_ADMIN_TOKEN), [], "admin token, running");
        // Control: a field stored in the clear is found, so the search above looks where the
        // data is.
        assert.notDeepEqual(filesHolding(files, "kept across restarts"), []);
      }

      const files = await databaseFiles(dbPath);
      for (const text of [SECRET, aliceToken, TEST_ADMIN_TOKEN]) {
        assert.deepEqual(filesHolding(files, text), [], `"${text}" in plain text after stop`);
      }

      // A new AJPGATE_ADMIN_TOKEN takes effect on restart (rotated); the old value is revoked.
      const freshToken = "fresh-admin-token-that-replaces-the-old-0123";
      await using gw = await startTestGateway([], {
        db,
        env: { AJPGATE_ADMIN_TOKEN: freshToken },
      });
      const api = async <T = unknown>(method: string, path: string, token = freshToken) =>
        await ok<T>(await gw.api(method, path, undefined, token), `${method} ${path}`);
      const old = await gw.api("GET", "/api/v1/me", undefined, TEST_ADMIN_TOKEN);
      await old.body?.cancel();
      assert.equal(old.status, 401, "the previous AJPGATE_ADMIN_TOKEN is revoked");

      const users = await api<
        { name: string; superuser: boolean; tokens: { name: string; revokedAt: string | null }[] }[]
      >("GET", "/api/v1/users");
      assert.deepEqual(
        users.map((
          u,
        ) => [u.name, u.superuser, u.tokens.map((t) => [t.name, t.revokedAt === null])]),
        [
          ["admin", true, [["AJPGATE_ADMIN_TOKEN", false], ["AJPGATE_ADMIN_TOKEN", true]]],
          ["alice", false, [["ci", true]]],
        ],
      );
      const me = await api<{ name: string; connections: unknown[] }>(
        "GET",
        "/api/v1/me",
        aliceToken,
      );
      assert.equal(me.name, "alice");
      assert.deepEqual(me.connections, [{ connection: "tc", role: "admin" }]);

      const conn = await api<Record<string, unknown>>("GET", "/api/v1/connections/tc");
      assert.equal(conn.port, tomcat.ajpPort("main"));
      assert.equal(conn.secretSet, true);
      assert.equal(conn.description, "kept across restarts");
      assert.deepEqual(
        [
          (conn.pool as { max: number }).max,
          (conn.pool as { connectTimeoutMs: number })
            .connectTimeoutMs,
        ],
        [7, 1234],
      );
      assert.deepEqual(conn.references, [routeId]);
      assert.deepEqual(await api("GET", "/api/v1/connections/tc/permissions"), {
        owners: ["admin"],
        admins: ["alice"],
        access: [],
      });
      const route = await api<Record<string, unknown>>("GET", `/api/v1/routes/${routeId}`);
      assert.deepEqual(
        [route.pathPrefix, route.connection, route.backendPath],
        ["/kept", "tc", "/app"],
      );

      // Tomcat requires the secret, so a 200 proves the stored secret decrypted.
      const res = await fetch(gw.url("/kept/probe/after"));
      assert.equal(res.status, 200, await res.clone().text());
      assert.equal((await res.json()).servedBy, "persist");
      // ...and a wrong secret really is refused by this Tomcat.
      await ok(
        await gw.api("POST", "/api/v1/connections", {
          name: "wrong",
          type: "direct",
          host: "127.0.0.1",
          port: tomcat.ajpPort("main"),
          secret: "not-the-secret",
        }, freshToken),
        "POST wrong",
      );
      await ok(
        await gw.api("POST", "/api/v1/routes", {
          pathPrefix: "/wrong",
          connection: "wrong",
          backendPath: "/app",
        }, freshToken),
        "POST route wrong",
      );
      const wrong = await fetch(gw.url("/wrong/probe/x"));
      await wrong.body?.cancel();
      assert.equal(wrong.status, 403);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test({
  name: "two gateway processes on one file see each other's changes within two seconds",
  ignore: skip !== null,
  async fn() {
    await using tomcat = await startTomcat({
      ajp: [{ name: "main", secret: SECRET }],
      instance: "shared",
    });
    const dir = await Deno.makeTempDir({ prefix: "ajpgate-two-" });
    const adminToken = "two-process-admin-token-0123456789abcdef";
    const db = `file:${dir}/gw.db`;
    try {
      await using one = await startGatewayProcess({ db, adminToken });
      await using two = await startGatewayProcess({ db, adminToken });
      const status = async (url: string) => {
        const res = await fetch(url);
        await res.body?.cancel();
        return res.status;
      };
      /** Polls `url` until it answers `want`; returns ms since `since`. */
      const seen = async (what: string, url: string, want: number, since: number) => {
        let last = 0;
        await waitFor(
          what,
          async () => {
            last = await status(url);
            return last === want ? true : undefined;
          },
          { timeoutMs: 5000, intervalMs: 20 },
          () => `status ${last}`,
        );
        return Math.round(performance.now() - since);
      };
      for (const [name, gw] of [["one", one], ["two", two]] as const) {
        assert.equal(await status(gw.url("/one/probe/x")), 404, `${name} has no route yet`);
      }

      // one -> two: a new connection and route, made through process one.
      let t0 = performance.now();
      await ok(
        await one.api("POST", "/api/v1/connections", {
          name: "shared",
          type: "direct",
          host: "127.0.0.1",
          port: tomcat.ajpPort("main"),
          secret: SECRET,
        }),
        "POST connection on one",
      );
      const route = await ok<{ id: string }>(
        await one.api("POST", "/api/v1/routes", {
          pathPrefix: "/one",
          connection: "shared",
          backendPath: "/app",
        }),
        "POST route on one",
      );
      const oneToTwo = await seen("process two to serve /one", two.url("/one/probe/x"), 200, t0);
      const viewOnTwo = await ok<{ secretSet: boolean; references: string[] }>(
        await two.api("GET", "/api/v1/connections/shared"),
        "GET connection on two",
      );
      assert.equal(viewOnTwo.secretSet, true);
      assert.deepEqual(viewOnTwo.references, [route.id]);

      // two -> one: a route made through process two, then a disable.
      t0 = performance.now();
      await ok(
        await two.api("POST", "/api/v1/routes", {
          pathPrefix: "/two",
          connection: "shared",
          backendPath: "/app",
        }),
        "POST route on two",
      );
      const twoToOne = await seen("process one to serve /two", one.url("/two/probe/x"), 200, t0);
      t0 = performance.now();
      await ok(await two.api("POST", "/api/v1/connections/shared/disable"), "disable on two");
      const disableToOne = await seen(
        "process one to answer 503",
        one.url("/one/probe/x"),
        503,
        t0,
      );

      figure(
        `two processes: one->two ${oneToTwo} ms, two->one ${twoToOne} ms, ` +
          `disable two->one ${disableToOne} ms`,
      );
      assert.ok(oneToTwo < PROPAGATION_MS, `one -> two took ${oneToTwo} ms`);
      assert.ok(twoToOne < PROPAGATION_MS, `two -> one took ${twoToOne} ms`);
      assert.ok(disableToOne < PROPAGATION_MS, `disable two -> one took ${disableToOne} ms`);

      for (const [name, gw] of [["one", one], ["two", two]] as const) {
        const exit = await gw.stop();
        assert.equal(exit.code, 0, `process ${name} exits 0 on SIGTERM:\n${gw.output()}`);
      }
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});
