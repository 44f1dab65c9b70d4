/**
 * Checks the real-Tomcat harness (tests/support/tomcat.ts) and the test webapp: one Tomcat with
 * a secured AJP connector, an open one and an HTTP connector serves every step. Skipped, with
 * the reason printed, where Tomcat or a JDK is missing.
 * @module
 */

import assert from "node:assert/strict";
import { cping } from "./support/cping.ts";
import { startTomcat, tomcatAvailable } from "./support/tomcat.ts";
import { figure } from "./support/figures.ts";

const unavailable = tomcatAvailable();
if (unavailable !== null) console.warn(`skipping Tomcat harness tests: ${unavailable}`);

const SECRET = "harness-secret";

/** Byte i of /stream's body, as the webapp computes it. */
function streamBytes(n: number): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = (i * 31 + 7) & 0xff;
  return out;
}

async function sha256Hex(bytes: Uint8Array<ArrayBuffer>): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
  return Array.from(digest, (b) => b.toString(16).padStart(2, "0")).join("");
}

/** An AJP13 string: u16 length, bytes, NUL; null is 0xFFFF. */
function ajpString(s: string | null): number[] {
  if (s === null) return [0xff, 0xff];
  const bytes = new TextEncoder().encode(s);
  return [bytes.length >> 8, bytes.length & 0xff, ...bytes, 0];
}

/**
 * A minimal FORWARD_REQUEST for `GET path` (H ajp_header.c; T AjpProcessor.prepareRequest),
 * written here by hand so that this harness test does not depend on the codec under test.
 */
function forwardGet(path: string, secret: string | null): Uint8Array {
  const payload = [
    0x02, // FORWARD_REQUEST
    0x02, // GET
    ...ajpString("HTTP/1.1"),
    ...ajpString(path),
    ...ajpString("127.0.0.1"),
    ...ajpString(null),
    ...ajpString("localhost"),
    0x00,
    80,
    0x00, // is_ssl
    0x00,
    0x02, // two headers
    0xa0,
    0x0b,
    ...ajpString("localhost"), // Host
    0xa0,
    0x08,
    ...ajpString("0"), // Content-Length: 0, so Tomcat asks for no body
    ...(secret === null ? [] : [0x0c, ...ajpString(secret)]),
    0xff, // are_done
  ];
  return new Uint8Array([0x12, 0x34, payload.length >> 8, payload.length & 0xff, ...payload]);
}

interface AjpReply {
  status: number;
  headers: [string, string][];
  body: Uint8Array;
  reuse: boolean;
}

const RESPONSE_HEADER_NAMES: Record<number, string> = {
  0xa001: "Content-Type",
  0xa003: "Content-Length",
  0xa007: "Set-Cookie",
  0xa00b: "WWW-Authenticate",
};

/** Sends one FORWARD_REQUEST on a new connection and reads the reply up to END_RESPONSE. */
async function ajpGet(port: number, path: string, secret: string | null): Promise<AjpReply> {
  using conn = await Deno.connect({ hostname: "127.0.0.1", port });
  await conn.write(forwardGet(path, secret));
  let buf = new Uint8Array(0);
  const need = async (n: number) => {
    while (buf.length < n) {
      const chunk = new Uint8Array(65536);
      const got = await conn.read(chunk);
      if (got === null) throw new Error(`AJP connection closed with ${buf.length}/${n} bytes`);
      const next = new Uint8Array(buf.length + got);
      next.set(buf);
      next.set(chunk.subarray(0, got), buf.length);
      buf = next;
    }
  };
  const reply: AjpReply = { status: 0, headers: [], body: new Uint8Array(0), reuse: false };
  const decoder = new TextDecoder();
  for (;;) {
    await need(4);
    assert.deepEqual([buf[0], buf[1]], [0x41, 0x42], "container packets start with AB");
    const len = (buf[2] << 8) | buf[3];
    await need(4 + len);
    const p = buf.subarray(4, 4 + len);
    buf = buf.slice(4 + len);
    let at = 1;
    const u16 = () => (p[at++] << 8) | p[at++];
    const str = () => {
      const n = u16();
      const s = decoder.decode(p.subarray(at, at + n));
      at += n + 1;
      return s;
    };
    switch (p[0]) {
      case 4: { // SEND_HEADERS
        reply.status = u16();
        str();
        for (let count = u16(); count > 0; count--) {
          const name = p[at] === 0xa0 ? RESPONSE_HEADER_NAMES[u16()] ?? "?" : str();
          reply.headers.push([name, str()]);
        }
        break;
      }
      case 3: { // SEND_BODY_CHUNK
        const n = u16();
        const body = new Uint8Array(reply.body.length + n);
        body.set(reply.body);
        body.set(p.subarray(at, at + n), reply.body.length);
        reply.body = body;
        break;
      }
      case 6: // GET_BODY_CHUNK: answer with an empty packet, end of body
        await conn.write(new Uint8Array([0x12, 0x34, 0x00, 0x00]));
        break;
      case 5: // END_RESPONSE
        reply.reuse = p[1] === 1;
        return reply;
      default:
        throw new Error(`unexpected AJP message code ${p[0]}`);
    }
  }
}

async function procExists(pid: number): Promise<boolean> {
  try {
    await Deno.stat(`/proc/${pid}`);
    return true;
  } catch {
    return false;
  }
}

// deno-lint-ignore no-explicit-any
type Json = any;

Deno.test({
  name: "tomcat harness: one Tomcat serves the test webapp over AJP and HTTP",
  ignore: unavailable !== null,
}, async (t) => {
  const tomcat = await startTomcat({
    ajp: [
      { name: "secured", secret: SECRET },
      { name: "open", packetSize: 16384, keepAliveTimeoutMs: 5000 },
    ],
    http: true,
    jvmRoute: "route1",
    instance: "t1",
  });
  figure(`Tomcat started in ${tomcat.startupMs} ms (pid ${tomcat.pid}, base ${tomcat.base})`);
  const firstPid = tomcat.pid;
  const http = (path: string) => `http://127.0.0.1:${tomcat.httpPort}${path}`;
  try {
    await t.step("every AJP connector answers CPING with CPONG", async () => {
      assert.equal(await cping(tomcat.ajpPort("secured")), true);
      assert.equal(await cping(tomcat.ajpPort("open")), true);
      assert.notEqual(tomcat.ajpPort("secured"), tomcat.ajpPort("open"));
      assert.throws(() => tomcat.ajpPort("nope"), /no AJP connector named "nope"/);
    });

    await t.step("an AJP request with the secret reaches /probe", async () => {
      const reply = await ajpGet(tomcat.ajpPort("secured"), "/app/probe/ajp", SECRET);
      assert.equal(reply.status, 200);
      assert.equal(reply.reuse, true);
      const probe: Json = JSON.parse(new TextDecoder().decode(reply.body));
      assert.equal(probe.method, "GET");
      assert.equal(probe.requestURI, "/app/probe/ajp");
      assert.equal(probe.contextPath, "/app");
      assert.equal(probe.pathInfo, "/ajp");
      assert.equal(probe.servedBy, "t1");
      assert.equal(probe.jvmRoute, "route1");
      assert.equal(probe.localPort, 80);
    });

    await t.step("an AJP request without the secret gets 403 and no reuse", async () => {
      const reply = await ajpGet(tomcat.ajpPort("secured"), "/probe/x", null);
      assert.equal(reply.status, 403);
      assert.equal(reply.reuse, false);
      const open = await ajpGet(tomcat.ajpPort("open"), "/probe/x", null);
      assert.equal(open.status, 200);
    });

    await t.step("/probe reports method, raw URI, query, headers and body", async () => {
      for (const method of ["PATCH", "FOO", "PROPFIND", "DELETE"]) {
        const res = await fetch(http("/probe/a%20b;x=1?q=%2F&r"), {
          method,
          headers: { "X-One": "1", "Content-Type": "application/x-www-form-urlencoded" },
          body: "a=1&b=2",
        });
        assert.equal(res.status, 200);
        assert.equal(res.headers.get("content-type"), "application/json");
        const probe: Json = await res.json();
        assert.equal(probe.method, method);
        assert.equal(probe.requestURI, "/probe/a%20b;x=1");
        assert.equal(probe.queryString, "q=%2F&r");
        assert.equal(probe.contextPath, "");
        assert.equal(probe.servletPath, "/probe");
        assert.equal(probe.pathInfo, "/a b");
        assert.equal(probe.protocol, "HTTP/1.1");
        assert.equal(probe.scheme, "http");
        assert.equal(probe.secure, false);
        assert.equal(probe.contentLength, 7);
        assert.equal(probe.bodyLength, 7);
        assert.equal(probe.bodySha256, await sha256Hex(new TextEncoder().encode("a=1&b=2")));
        assert.deepEqual(
          probe.headers.filter(([name]: [string]) => name === "x-one"),
          [["x-one", "1"]],
        );
        assert.equal(probe.sessionId, null);
      }
      const app: Json = await (await fetch(http("/app/probe"))).json();
      assert.equal(app.contextPath, "/app");
      assert.equal(app.pathInfo, null);
      assert.equal(app.queryString, null);
    });

    await t.step("/count counts /probe requests per instance and resets", async () => {
      const reset: Json = await (await fetch(http("/count?reset=1"))).json();
      assert.ok(reset.requestCount >= 5);
      await (await fetch(http("/probe"))).body?.cancel();
      await (await fetch(http("/app/probe"))).body?.cancel();
      const after: Json = await (await fetch(http("/count"))).json();
      assert.equal(after.requestCount, 2, "ROOT and /app share the instance counter");
      assert.equal(after.servedBy, "t1");
    });

    await t.step("/stream sends the (i * 31 + 7) & 0xFF pattern", async () => {
      const expected = await sha256Hex(streamBytes(100_000));
      const res = await fetch(http("/stream?bytes=100000"));
      assert.equal(res.headers.get("content-type"), "application/octet-stream");
      assert.equal(res.headers.get("content-length"), null);
      assert.equal(await sha256Hex(new Uint8Array(await res.arrayBuffer())), expected);
      const withLength = await fetch(http("/stream?bytes=100000&chunk=1000&flush=1&cl=1"));
      assert.equal(withLength.headers.get("content-length"), "100000");
      assert.equal(await sha256Hex(new Uint8Array(await withLength.arrayBuffer())), expected);
    });

    await t.step("/echo returns the body and /sha hashes it", async () => {
      const body = crypto.getRandomValues(new Uint8Array(50_000));
      const echo = await fetch(http("/echo"), { method: "POST", body });
      assert.deepEqual(new Uint8Array(await echo.arrayBuffer()), body);
      const sha: Json = await (await fetch(http("/sha"), { method: "PUT", body })).json();
      assert.deepEqual(sha, {
        bodyLength: 50_000,
        bodySha256: await sha256Hex(body),
        contentLength: 50_000,
        transferEncoding: null,
      });
    });

    await t.step("/session creates a session that carries the jvmRoute", async () => {
      const res = await fetch(http("/app/session"));
      const session: Json = await res.json();
      assert.match(session.sessionId, /\.route1$/);
      assert.equal(session.servedBy, "t1");
      assert.equal(session.jvmRoute, "route1");
      const cookie = res.headers.getSetCookie().find((c) => c.startsWith("JSESSIONID="));
      assert.ok(cookie, "Set-Cookie JSESSIONID");
      const probe: Json = await (await fetch(http("/app/probe"), {
        headers: { Cookie: cookie.split(";")[0] },
      })).json();
      assert.equal(probe.sessionId, session.sessionId);
    });

    await t.step("/cookies and /headers add response headers in order", async () => {
      const cookies = await fetch(http("/cookies?n=3"));
      await cookies.body?.cancel();
      assert.deepEqual(cookies.headers.getSetCookie(), ["c1=v1", "c2=v2", "c3=v3"]);
      const headers = await fetch(http("/headers?n=5"));
      await headers.body?.cancel();
      for (let i = 1; i <= 5; i++) assert.equal(headers.headers.get(`x-test-${i}`), `v-${i}`);
    });

    await t.step("/status, /basic, /ignore-body, /sleep and a static file", async () => {
      const failed = await fetch(http("/status?code=500&body=boom"));
      assert.equal(failed.status, 500);
      assert.equal(await failed.text(), "boom");
      const empty = await fetch(http("/status?code=204"));
      assert.equal(empty.status, 204);
      assert.equal(await empty.text(), "");
      const denied = await fetch(http("/basic/x"));
      await denied.body?.cancel();
      assert.equal(denied.status, 401);
      assert.match(denied.headers.get("www-authenticate") ?? "", /^Basic /);
      const allowed = await fetch(http("/basic/x"), {
        headers: { Authorization: `Basic ${btoa("gate:gatepw")}` },
      });
      assert.equal(allowed.status, 200);
      assert.equal((await allowed.json()).pathInfo, "/x");
      const ignored = await fetch(http("/ignore-body"), { method: "POST", body: "x".repeat(1000) });
      assert.equal(await ignored.text(), "ignored");
      assert.equal(await (await fetch(http("/sleep?ms=20"))).text(), "slept");
      const file = await fetch(http("/app/hello.txt"));
      assert.equal(file.headers.get("content-type"), "text/plain");
      assert.match(await file.text(), /hello/);
    });

    await t.step("kill() and restart() keep the ports and start a new JVM", async () => {
      const ajp = tomcat.ajpPort("secured");
      await tomcat.kill();
      assert.equal(tomcat.pid, 0);
      assert.equal(await procExists(firstPid), false);
      assert.equal(await cping(ajp), false);
      await tomcat.restart();
      figure(`Tomcat restarted in ${tomcat.startupMs} ms`);
      assert.notEqual(tomcat.pid, firstPid);
      assert.equal(tomcat.ajpPort("secured"), ajp);
      assert.equal(await cping(ajp), true);
      const count: Json = await (await fetch(http("/count"))).json();
      assert.equal(count.requestCount, 0);
      assert.match(await tomcat.logs(), /Server startup in/);
    });
  } finally {
    const pid = tomcat.pid;
    await tomcat.stop();
    assert.equal(await procExists(pid), false, `Tomcat pid ${pid} is gone`);
    await assert.rejects(Deno.stat(tomcat.base), Deno.errors.NotFound);
    assert.equal(tomcat.pid, 0);
  }
});

Deno.test({
  name: "tomcat harness: a connector Tomcat refuses fails the start with its log",
  ignore: unavailable !== null,
}, async () => {
  await assert.rejects(
    startTomcat({ ajp: [{ name: "bad", secretRequired: true }] }),
    /secretRequired="true" but the secret attribute is either null/,
  );
});
