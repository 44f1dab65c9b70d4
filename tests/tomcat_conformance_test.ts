/**
 * Conformance against a real Apache Tomcat 10 over AJP: one Tomcat (AJP connectors with a
 * secret at 8192 and 65536 bytes) and one in-process gateway, each case a step. The last step
 * kills Tomcat mid-response.
 */
import assert from "node:assert/strict";
import { METHODS } from "../codec/constants.ts";
import { freePort } from "./support/ports.ts";
import { rawRequest } from "./support/raw_http.ts";
import { startTestGateway } from "./support/gateway.ts";
import { startTomcat, tomcatAvailable } from "./support/tomcat.ts";
import { figure } from "./support/figures.ts";
import { waitUntil } from "./support/wait.ts";

const SECRET = "s3cret-conformance";
const MiB = 1024 * 1024;
const skip = tomcatAvailable();
if (skip) console.warn(`tomcat conformance skipped: ${skip}`);

/** Byte i of the webapp's /stream output. */
const streamByte = (i: number) => (i * 31 + 7) & 0xff;

async function sha256Hex(data: Uint8Array): Promise<string> {
  const d = new Uint8Array(await crypto.subtle.digest("SHA-256", data as Uint8Array<ArrayBuffer>));
  return [...d].map((b) => b.toString(16).padStart(2, "0")).join("");
}

function pseudoRandom(n: number, seed: number): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(n);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

interface Probe {
  method: string;
  requestURI: string;
  queryString: string | null;
  remoteAddr: string;
  remotePort: number;
  localAddr: string;
  serverName: string;
  serverPort: number;
  scheme: string;
  secure: boolean;
  headers: [string, string][];
  bodyLength: number;
  bodySha256: string;
  contentLength: number;
}

Deno.test({
  name: "Tomcat over AJP: conformance",
  ignore: skip !== null,
  sanitizeResources: false,
  sanitizeOps: false,
  async fn(t) {
    await using tomcat = await startTomcat({
      ajp: [
        { name: "main", secret: SECRET, extraAttributes: { allowTrace: "true" } },
        { name: "big", secret: SECRET, packetSize: 65536 },
      ],
    });
    const main = tomcat.ajpPort("main");
    const closedPort = await freePort();
    await using gw = await startTestGateway([
      `/app ajp://127.0.0.1:${main}/app secret=${SECRET} name=main timeout=20`,
      `/slow ajp://127.0.0.1:${main}/app secret=${SECRET} name=slow timeout=1`,
      `/big ajp://127.0.0.1:${
        tomcat.ajpPort("big")
      }/app secret=${SECRET} name=big packetsize=65536`,
      `/wrong ajp://127.0.0.1:${main}/app secret=not-the-secret name=wrong`,
      `/down ajp://127.0.0.1:${closedPort}/app name=down connectiontimeout=2`,
    ]);
    const port = gw.proxyAddr.port;
    const backend = (name: string) => gw.runtime.cliUpstreams.get(name)!;
    const probe = async (path: string, init?: RequestInit): Promise<Probe> => {
      const r = await fetch(gw.url(path), init);
      assert.equal(r.status, 200, `${path}: ${r.status}`);
      return await r.json();
    };

    await t.step("GET is answered and reuses the pooled socket", async () => {
      const before = backend("main").poolStats().opened;
      for (let i = 0; i < 5; i++) {
        const p = await probe("/app/probe/x");
        assert.equal(p.method, "GET");
        assert.equal(p.requestURI, "/app/probe/x");
      }
      assert.equal(backend("main").poolStats().opened - before, before === 0 ? 1 : 0);
      // A Content-Length body is complete for the client before the gateway has read
      // END_RESPONSE (Tomcat writes it in its own segment): the socket is back just after.
      await waitUntil(() => backend("main").poolStats().idle === 1, "the socket back in the pool");
    });

    await t.step("HEAD carries no body and the socket stays usable", async () => {
      const r = await fetch(gw.url("/app/stream?bytes=1000&cl=1"), { method: "HEAD" });
      assert.equal(r.status, 200);
      assert.equal(r.headers.get("content-length"), "1000");
      assert.equal((await r.arrayBuffer()).byteLength, 0);
      assert.equal((await probe("/app/probe/after-head")).method, "GET");
    });

    await t.step("204 and 304 carry no body", async () => {
      for (const code of [204, 304]) {
        const r = await fetch(gw.url(`/app/status?code=${code}`));
        assert.equal(r.status, code);
        assert.equal((await r.arrayBuffer()).byteLength, 0);
      }
      assert.equal((await probe("/app/probe/after")).method, "GET");
    });

    await t.step("three Set-Cookie headers stay separate and in order", async () => {
      const r = await fetch(gw.url("/app/cookies?n=3"));
      await r.body?.cancel();
      assert.deepEqual(r.headers.getSetCookie().map((c) => c.split(";")[0]), [
        "c1=v1",
        "c2=v2",
        "c3=v3",
      ]);
    });

    await t.step("a 500 from the application passes through with its body", async () => {
      const r = await fetch(gw.url("/app/status?code=500&body=boom"));
      assert.equal(r.status, 500);
      assert.match(await r.text(), /boom/);
    });

    await t.step("10 MB download is byte-exact", async () => {
      const total = 10 * MiB;
      const r = await fetch(gw.url(`/app/stream?bytes=${total}`));
      let seen = 0;
      for await (const value of r.body!) {
        for (let k = 0; k < value.length; k++) {
          if (value[k] !== streamByte(seen + k)) assert.fail(`byte ${seen + k} differs`);
        }
        seen += value.length;
      }
      assert.equal(seen, total);
    });

    await t.step(
      "Tomcat's Content-Length frames a streamed download; without one it is chunked",
      async () => {
        const total = 3 * MiB + 5;
        const r = await fetch(gw.url(`/app/stream?bytes=${total}&cl=1`));
        assert.equal(r.headers.get("content-length"), String(total));
        assert.equal(r.headers.get("transfer-encoding"), null);
        const body = new Uint8Array(await r.arrayBuffer());
        assert.equal(body.length, total);
        for (let k = 0; k < body.length; k++) {
          if (body[k] !== streamByte(k)) assert.fail(`byte ${k} differs`);
        }
        const chunked = await fetch(gw.url(`/app/stream?bytes=${total}`));
        assert.equal(chunked.headers.get("content-length"), null);
        assert.equal(chunked.headers.get("transfer-encoding"), "chunked");
        assert.equal((await chunked.arrayBuffer()).byteLength, total);
      },
    );

    await t.step(
      "a paused client stops the backend read (backpressure, bounded memory)",
      async () => {
        const total = 256 * MiB;
        const b = backend("main");
        const inBefore = b.counters.bytesIn;
        const heapBefore = Deno.memoryUsage().heapUsed;
        const r = await fetch(gw.url(`/app/stream?bytes=${total}`));
        const reader = r.body!.getReader();
        let seen = 0;
        while (seen < MiB) seen += (await reader.read()).value!.length;
        await new Promise((res) => setTimeout(res, 700));
        const ahead = b.counters.bytesIn - inBefore - seen;
        const heapGrowth = Deno.memoryUsage().heapUsed - heapBefore;
        await reader.cancel();
        // Socket buffers on both sides of the loopback hold a few MiB; without backpressure
        // the gateway would have read most of the 256 MiB in 0.7 s.
        assert.ok(ahead < 24 * MiB, `gateway read ${ahead} bytes ahead of a paused client`);
        assert.ok(heapGrowth < 32 * MiB, `heap grew ${heapGrowth} bytes`);
        figure(
          `paused client: gateway ${(ahead / MiB).toFixed(1)} MiB ahead, ` +
            `heap +${(heapGrowth / MiB).toFixed(1)} MiB`,
        );
      },
    );

    await t.step(
      "bodies of 0, 1, 8186, 8187 and 20 MB with Content-Length arrive intact",
      async () => {
        for (const n of [0, 1, 8186, 8187, 20 * MiB]) {
          const body = pseudoRandom(n, n + 1);
          const p = await probe("/app/sha", { method: "POST", body });
          assert.equal(p.bodyLength, n, `length for ${n}`);
          assert.equal(p.bodySha256, await sha256Hex(body), `sha for ${n}`);
        }
      },
    );

    await t.step("50 MB chunked upload arrives intact", async () => {
      const n = 50 * MiB;
      const body = pseudoRandom(n, 7);
      let off = 0;
      const stream = new ReadableStream<Uint8Array>({
        pull(c) {
          if (off >= n) return c.close();
          const size = Math.min(65536 + (off % 1000), n - off);
          c.enqueue(body.slice(off, off + size));
          off += size;
        },
      });
      const r = await fetch(
        gw.url("/app/sha"),
        { method: "PUT", body: stream, duplex: "half" } as RequestInit,
      );
      const p = await r.json();
      assert.equal(p.bodyLength, n);
      assert.equal(p.bodySha256, await sha256Hex(body));
    });

    await t.step(
      "full duplex: a servlet echoing as it reads returns the body byte-exact",
      async () => {
        const body = pseudoRandom(2 * MiB, 11);
        const r = await fetch(gw.url("/app/echo"), { method: "POST", body });
        assert.equal(r.status, 200);
        const back = new Uint8Array(await r.arrayBuffer());
        assert.equal(back.length, body.length);
        assert.equal(await sha256Hex(back), await sha256Hex(body));
      },
    );

    await t.step("a servlet that ignores a 1 MB body leaves the socket usable", async () => {
      const r = await fetch(gw.url("/app/ignore-body"), {
        method: "POST",
        body: pseudoRandom(MiB, 3),
      });
      assert.equal(r.status, 200);
      await r.text();
      for (let i = 0; i < 3; i++) assert.equal((await probe("/app/probe/next")).method, "GET");
    });

    await t.step("client abort mid-upload destroys the backend socket", async () => {
      const b = backend("main");
      const closedBefore = totalClosed(b.poolStats().closed);
      const conn = await Deno.connect({ hostname: "127.0.0.1", port });
      const head = `POST /app/sha HTTP/1.1\r\nHost: x\r\nContent-Length: ${10 * MiB}\r\n\r\n`;
      await conn.write(new TextEncoder().encode(head));
      await conn.write(new Uint8Array(300_000));
      await new Promise((res) => setTimeout(res, 300));
      conn.close();
      await waitUntil(
        () => totalClosed(b.poolStats().closed) > closedBefore,
        "backend socket closed",
      );
      assert.equal((await probe("/app/probe/after-abort")).method, "GET");
    });

    await t.step("client abort mid-download destroys the backend socket", async () => {
      const b = backend("main");
      const closedBefore = totalClosed(b.poolStats().closed);
      const conn = await Deno.connect({ hostname: "127.0.0.1", port });
      await conn.write(
        new TextEncoder().encode(`GET /app/stream?bytes=${100 * MiB} HTTP/1.1\r\nHost: x\r\n\r\n`),
      );
      const buf = new Uint8Array(65536);
      let got = 0;
      while (got < MiB) got += (await conn.read(buf)) ?? Infinity;
      conn.close();
      await waitUntil(
        () => totalClosed(b.poolStats().closed) > closedBefore,
        "backend socket closed",
      );
      assert.equal((await probe("/app/probe/after-abort")).method, "GET");
    });

    await t.step("wrong secret gets 403 from Tomcat", async () => {
      const r = await fetch(gw.url("/wrong/probe/x"));
      assert.equal(r.status, 403);
      await r.text(); // the warning needs END_RESPONSE (reuse=0), after the error page

      await waitUntil(() => gw.warnings.some((w) => /secret/.test(w)), "misconfiguration warning");
    });

    await t.step("PATCH and an unknown method token arrive as themselves", async () => {
      assert.equal((await probe("/app/probe/m", { method: "PATCH", body: "x" })).method, "PATCH");
      const raw = await rawRequest(
        port,
        "FROBNICATE /app/probe/m HTTP/1.1\r\nHost: x\r\nConnection: close",
      );
      assert.equal(raw.status, 200);
      assert.equal(JSON.parse(new TextDecoder().decode(raw.body)).method, "FROBNICATE");
    });

    await t.step("all 27 coded methods arrive unchanged", async () => {
      for (const m of METHODS) {
        const raw = await rawRequest(
          port,
          `${m} /app/probe/m HTTP/1.1\r\nHost: x\r\nConnection: close`,
        );
        assert.equal(raw.status, 200, `${m}: ${raw.raw.slice(0, 200)}`);
        if (m === "HEAD") continue;
        assert.equal(JSON.parse(new TextDecoder().decode(raw.body)).method, m);
      }
    });

    await t.step("an invalid method token gets 400", async () => {
      const raw = await rawRequest(
        port,
        "GE(T /app/probe/m HTTP/1.1\r\nHost: x\r\nConnection: close",
      );
      assert.equal(raw.status, 400);
    });

    await t.step("percent-encoded path and query arrive byte-identical", async () => {
      const path = "/app/probe/a%20b/%C3%A9t%C3%A9/x%3By";
      const query = "q=%41%2B+b&empty=&u=%E2%82%AC&x=a%26b";
      const p = await probe(`${path}?${query}`);
      assert.equal(p.requestURI, path);
      assert.equal(p.queryString, query);
    });

    await t.step(
      "remote address and port are the client's; Host and server port as sent",
      async () => {
        const raw = await rawRequest(
          port,
          "GET /app/probe/who HTTP/1.1\r\nHost: example.test:8443\r\nX-Forwarded-For: 6.6.6.6\r\nConnection: close",
        );
        const p: Probe = JSON.parse(new TextDecoder().decode(raw.body));
        assert.equal(p.remoteAddr, "127.0.0.1");
        assert.equal(p.remotePort, raw.localPort);
        assert.equal(p.serverName, "example.test");
        assert.equal(p.serverPort, 8443);
        assert.equal(p.scheme, "http");
        assert.equal(p.secure, false);
        assert.equal(p.headers.some(([n]) => n.toLowerCase() === "x-forwarded-for"), false);
      },
    );

    await t.step("dot segments that Tomcat would resolve are refused with 400", async () => {
      for (const target of ["/app/../manager/html", "/app/..;/manager/html", "/app/%2e%2e/x"]) {
        const raw = await rawRequest(
          port,
          `GET ${target} HTTP/1.1\r\nHost: x\r\nConnection: close`,
        );
        assert.equal(raw.status, 400, target);
      }
    });

    await t.step("a header exactly filling the packet passes; one byte more gets 431", async () => {
      const status = async (n: number) => {
        const r = await fetch(gw.url("/app/probe/fill"), { headers: { "x-fill": "a".repeat(n) } });
        const body = r.status === 200 ? await r.json() as Probe : (await r.body?.cancel(), null);
        return { status: r.status, got: body?.headers.find(([k]) => k === "x-fill")?.[1].length };
      };
      let lo = 1000, hi = 9000; // lo fits, hi does not
      assert.equal((await status(lo)).status, 200);
      assert.equal((await status(hi)).status, 431);
      while (hi - lo > 1) {
        const mid = (lo + hi) >> 1;
        if ((await status(mid)).status === 200) lo = mid;
        else hi = mid;
      }
      const fits = await status(lo);
      assert.equal(fits.status, 200);
      assert.equal(fits.got, lo, "Tomcat received the whole header");
      assert.equal((await status(lo + 1)).status, 431);
      // The largest passing header leaves the FORWARD_REQUEST within a few bytes of 8192:
      // the fixed part is about 300 bytes here, so the header must be well above 7,500.
      assert.ok(lo > 7500, `largest header ${lo}`);
    });

    await t.step("Content-Length together with Transfer-Encoding gets 400", async () => {
      const raw = await rawRequest(
        port,
        "POST /app/sha HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\nConnection: close",
        new TextEncoder().encode("5\r\nhello\r\n0\r\n\r\n"),
      );
      assert.equal(raw.status, 400, raw.raw.slice(0, 300));
    });

    await t.step("Expect: 100-continue is answered by the gateway", async () => {
      const conn = await Deno.connect({ hostname: "127.0.0.1", port });
      await conn.write(new TextEncoder().encode(
        "POST /app/sha HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nExpect: 100-continue\r\nConnection: close\r\n\r\n",
      ));
      const buf = new Uint8Array(4096);
      const n = await Promise.race([
        conn.read(buf),
        new Promise<null>((res) => setTimeout(() => res(null), 2000)),
      ]);
      assert.match(new TextDecoder().decode(buf.subarray(0, n ?? 0)), /^HTTP\/1\.1 100/);
      await conn.write(new TextEncoder().encode("hello"));
      let text = "";
      for (;;) {
        const k = await conn.read(buf).catch(() => null);
        if (k === null) break;
        text += new TextDecoder().decode(buf.subarray(0, k));
      }
      conn.close();
      assert.match(text, /"bodyLength":5/);
    });

    await t.step(
      "a stopped backend gets a generic 503; the access log has the detail",
      async () => {
        const r = await fetch(gw.url("/down/probe/x"));
        assert.equal(r.status, 503);
        const id = r.headers.get("x-request-id")!;
        assert.equal(await r.text(), `service unavailable (request id ${id})\n`);
        await gw.log.flush();
        const line = gw.logLines.map((l) => JSON.parse(l)).find((l) => l.requestId === id);
        assert.equal(line?.outcome, "error");
        assert.match(line?.error ?? "", /connection "down".*127\.0\.0\.1/);
      },
    );

    await t.step("no reply within the reply timeout gets 504", async () => {
      const r = await fetch(gw.url("/slow/sleep?ms=3000"));
      assert.equal(r.status, 504);
      await r.body?.cancel();
    });

    await t.step("packet size 65536 against a connector with packetSize 65536", async () => {
      const big = "b".repeat(30_000); // would be 431 with 8192-byte packets
      const small = await fetch(gw.url("/app/probe/h"), { headers: { "x-big": big } });
      assert.equal(small.status, 431);
      await small.body?.cancel();
      const body = pseudoRandom(3 * MiB, 9);
      const p = await probe("/big/sha", { method: "POST", body, headers: { "x-big": big } });
      assert.equal(p.bodySha256, await sha256Hex(body));
      const r = await fetch(gw.url(`/big/stream?bytes=${2 * MiB}`));
      const got = new Uint8Array(await r.arrayBuffer());
      assert.equal(got.length, 2 * MiB);
      assert.ok(got.every((v, i) => v === streamByte(i)));
    });

    await t.step(
      "Tomcat killed mid-response truncates the response; the gateway stays up",
      async () => {
        const r = await fetch(gw.url(`/app/stream?bytes=${50 * MiB}&delayMs=20&chunk=65536`));
        assert.equal(r.status, 200);
        const reader = r.body!.getReader();
        await reader.read();
        await tomcat.kill();
        await assert.rejects(async () => {
          for (;;) if ((await reader.read()).done) break;
        });
        const after = await fetch(gw.url("/app/probe/x"));
        assert.equal(after.status, 503);
        await after.body?.cancel();
        assert.equal((await fetch(gw.adminUrl("/healthz"))).status, 200);
      },
    );
  },
});

function totalClosed(closed: Record<string, number>): number {
  return Object.values(closed).reduce((a, b) => a + b, 0);
}
