/**
 * The plain listener against hostile and odd clients (issue: no client can crash the
 * gateway or starve a backend): head and keep-alive timeouts, the connection cap, EMFILE
 * under a low `ulimit -n`, bodies on GET, half-closed clients, requests Tomcat would choke
 * on, the target's authority as Host, and small bodies read before a backend socket.
 */
import assert from "node:assert/strict";
import { connect as h2connect } from "node:http2";
import { makeCerts, tlsArgs } from "./support/certs.ts";
import { startTestGateway, TEST_ADMIN_TOKEN } from "./support/gateway.ts";
import { startGatewayProcess } from "./support/gateway_process.ts";
import { rawRequest } from "./support/raw_http.ts";
import { startTomcat, tomcatAvailable } from "./support/tomcat.ts";

const SECRET = "limits-secret";
const enc = new TextEncoder();
const dec = new TextDecoder();

/** Reads until EOF or `ms`; returns what came and whether the peer closed. */
async function readAll(conn: Deno.Conn, ms: number): Promise<{ text: string; closed: boolean }> {
  const buf = new Uint8Array(65536);
  let text = "";
  const deadline = Date.now() + ms;
  for (;;) {
    const left = deadline - Date.now();
    if (left <= 0) return { text, closed: false };
    let timer: ReturnType<typeof setTimeout> | undefined;
    const n = await Promise.race([
      conn.read(buf).catch(() => null),
      new Promise<"wait">((r) => timer = setTimeout(() => r("wait"), left)),
    ]);
    clearTimeout(timer);
    if (n === "wait") return { text, closed: false };
    if (n === null) return { text, closed: true };
    text += dec.decode(buf.subarray(0, n));
  }
}

Deno.test({
  name: "plain listener: timeouts, connection cap, GET bodies, half-close, request checks",
  ignore: tomcatAvailable() !== null,
  sanitizeOps: false,
  sanitizeResources: false,
  async fn(t) {
    await using tomcat = await startTomcat({ ajp: [{ name: "ajp", secret: SECRET }] });
    const pass = `/app ajp://127.0.0.1:${tomcat.ajpPort("ajp")}/app secret=${SECRET}`;
    await using gw = await startTestGateway([pass], {
      args: [
        "--header-timeout=0.4",
        "--keepalive-timeout=0.4",
        "--body-timeout=0.4",
        "--max-connections=8",
      ],
    });
    const port = gw.proxyAddr.port;
    const connect = () => Deno.connect({ hostname: "127.0.0.1", port });
    const raw = (head: string, body?: Uint8Array) =>
      rawRequest(port, head + "\r\nConnection: close", body);

    await t.step("a silent connection is closed after the header timeout", async () => {
      const c = await connect();
      const r = await readAll(c, 3000);
      c.close();
      assert.ok(r.closed, "still open after 3 s");
    });
    await t.step("half a request line, then nothing: closed", async () => {
      const c = await connect();
      await c.write(enc.encode("GET /app/pro"));
      const r = await readAll(c, 3000);
      c.close();
      assert.ok(r.closed);
    });
    await t.step("headers one byte at a time still end at the header timeout", async () => {
      const c = await connect();
      const started = Date.now();
      let closed = false;
      for (const ch of "GET /app/probe/x HTTP/1.1\r\nHost: a\r\nX-Slow: 123456789") {
        try {
          await c.write(enc.encode(ch));
        } catch {
          closed = true;
          break;
        }
        await new Promise((r) => setTimeout(r, 50));
        if (Date.now() - started > 3000) break;
      }
      if (!closed) closed = (await readAll(c, 1000)).closed;
      c.close();
      assert.ok(closed);
      assert.ok(Date.now() - started < 2500, `took ${Date.now() - started} ms`);
    });
    await t.step(
      "an idle kept-alive connection is closed after the keep-alive timeout",
      async () => {
        const c = await connect();
        await c.write(enc.encode("GET /app/probe/x HTTP/1.1\r\nHost: a\r\n\r\n"));
        const r = await readAll(c, 3000);
        c.close();
        assert.match(r.text, /^HTTP\/1.1 200/);
        assert.ok(r.closed);
      },
    );
    await t.step("connections over the cap get 503; the gateway serves again after", async () => {
      const idle = await Promise.all(Array.from({ length: 8 }, connect));
      await new Promise((r) => setTimeout(r, 100));
      const extra = await connect();
      const r = await readAll(extra, 2000);
      extra.close();
      for (const c of idle) c.close();
      assert.match(r.text, /^HTTP\/1.1 503/);
      await new Promise((r) => setTimeout(r, 200));
      assert.equal((await raw("GET /app/probe/x HTTP/1.1\r\nHost: a")).status, 200);
    });
    await t.step("a client that half-closes during its request: aborted, logged so", async () => {
      const c = await connect();
      await c.write(enc.encode("GET /app/sleep?ms=1500 HTTP/1.1\r\nHost: a\r\n\r\n"));
      await c.closeWrite();
      const started = Date.now();
      const r = await readAll(c, 3000);
      c.close();
      assert.ok(r.closed);
      assert.doesNotMatch(r.text, /^HTTP\/1.1 200/);
      assert.ok(Date.now() - started < 1000, "the exchange was not aborted");
      await new Promise((r) => setTimeout(r, 100));
      const line = gw.logLines.findLast((l) => l.includes("/app/sleep"));
      assert.ok(line, gw.logLines.join("\n"));
      const rec = JSON.parse(line);
      // the backend exchange was cut short, not run to its 200 after 1.5 s
      assert.notEqual(rec.outcome, "ok", line);
      assert.notEqual(rec.status, 200, line);
      assert.ok(rec.totalMs < 1200, line);
    });
    await t.step(
      "a half-closed client is answered, or its exchange logged as cut short",
      async () => {
        for (let i = 0; i < 5; i++) {
          const c = await connect();
          await c.write(enc.encode(`GET /app/probe/half${i} HTTP/1.1\r\nHost: a\r\n\r\n`));
          await c.closeWrite();
          const r = await readAll(c, 3000);
          c.close();
          await new Promise((r) => setTimeout(r, 100));
          const line = gw.logLines.findLast((l) => l.includes(`/app/probe/half${i}`));
          assert.ok(line, gw.logLines.join("\n"));
          const rec = JSON.parse(line);
          if (r.text.startsWith("HTTP/1.1 200")) assert.equal(rec.outcome, "ok", line);
          else assert.notEqual(rec.outcome, "ok", `no answer, yet logged: ${line}`);
        }
      },
    );
    await t.step("a GET body is forwarded like a POST's", async () => {
      const r = await raw(
        "GET /app/echo HTTP/1.1\r\nHost: a\r\nContent-Length: 1",
        enc.encode("x"),
      );
      assert.equal(r.status, 200);
      assert.equal(dec.decode(r.body), "x");
    });
    await t.step("hosts Tomcat would choke on get 400 at the gateway", async () => {
      for (const host of ["127.0.0.1@evil.example", "evil.example x", "<script>", "a:99999", ""]) {
        const r = await raw(`GET /app/probe/x HTTP/1.1\r\nHost: ${host}`);
        assert.equal(r.status, 400, host);
        assert.doesNotMatch(r.raw, /Tomcat|Exception/);
      }
      assert.equal((await raw("GET /app/probe/x HTTP/1.1")).status, 400, "no Host");
    });
    await t.step("more than 100 header fields get 431", async () => {
      const many = Array.from({ length: 101 }, (_, i) => `X-H${i}: v`).join("\r\n");
      assert.equal((await raw(`GET /app/probe/x HTTP/1.1\r\nHost: a\r\n${many}`)).status, 431);
    });
    await t.step("an Expect other than 100-continue gets 417", async () => {
      const r = await raw("GET /app/probe/x HTTP/1.1\r\nHost: a\r\nExpect: 200-ok");
      assert.equal(r.status, 417);
    });
    await t.step("a broken chunked body gets 400", async () => {
      for (const body of ["-1\r\nx\r\n0\r\n\r\n", "0x1\r\nx\r\n0\r\n\r\n", "1\r\nxy0\r\n\r\n"]) {
        const r = await raw(
          "POST /app/echo HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked",
          enc.encode(body),
        );
        assert.equal(r.status, 400, JSON.stringify(body));
      }
    });
    await t.step("Connection cannot strip Host, Authorization or Cookie", async () => {
      const r = await raw(
        "GET /app/probe/x HTTP/1.1\r\nHost: shop.example\r\nCookie: a=1\r\n" +
          "Connection: host, cookie, authorization",
      );
      assert.equal(r.status, 200);
      const probe = JSON.parse(dec.decode(r.body));
      assert.equal(probe.serverName, "shop.example");
      assert.match(JSON.stringify(probe), /a=1/);
    });
    await t.step("encoded dot segments and backslashes are refused", async () => {
      for (const path of ["/app/%2e%2e%2fmanager", "/app/..%5cmanager", "/app\\..\\manager"]) {
        assert.equal((await raw(`GET ${path} HTTP/1.1\r\nHost: a`)).status, 400, path);
      }
    });
    await t.step("an absolute target's host wins over Host; h2c is not offered", async () => {
      const r = await raw("GET http://vhost.example/app/probe/x HTTP/1.1\r\nHost: other.example");
      assert.equal(r.status, 200);
      assert.equal(JSON.parse(dec.decode(r.body)).serverName, "vhost.example");
      const c = await connect();
      await c.write(enc.encode("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"));
      const h2 = await readAll(c, 2000);
      c.close();
      assert.match(h2.text, /^HTTP\/1.1 505/);
    });
    await t.step("the API refuses deeply nested JSON before parsing it", async () => {
      const r = await fetch(gw.adminUrl("/api/v1/connections"), {
        method: "POST",
        headers: {
          authorization: `Bearer ${TEST_ADMIN_TOKEN}`,
          "content-type": "application/json",
        },
        body: "[".repeat(500_000),
      });
      assert.equal(r.status, 400);
      assert.match((await r.json()).detail, /deeper than 32/);
    });
    await t.step("a small body that stalls gets 408 before a backend socket is taken", async () => {
      const c = await connect();
      await c.write(
        enc.encode("POST /app/echo HTTP/1.1\r\nHost: a\r\nContent-Length: 100\r\n\r\nabc"),
      );
      const r = await readAll(c, 3000);
      c.close();
      assert.match(r.text, /^HTTP\/1.1 408/);
    });
  },
});

/**
 * Starts a gateway under `ulimit -n 160` with `args`, opens 220 idle connections to its proxy
 * listener (more than it has descriptors), closes them, then checks that `probe` gets 200
 * and that nothing ended the process.
 */
async function survivesFdExhaustion(
  args: string[],
  probe: (port: number) => Promise<Response>,
): Promise<void> {
  await using tomcat = await startTomcat({ ajp: [{ name: "ajp", secret: SECRET }] });
  const pass = `/app ajp://127.0.0.1:${tomcat.ajpPort("ajp")}/app secret=${SECRET}`;
  await using gw = await startGatewayProcess({
    db: ":memory:",
    adminToken: "fd-test-admin-token-0123456789abcdef",
    args: ["--proxy-pass", pass, "--max-connections", "100000", ...args],
    fdLimit: 160,
  });
  const conns: Deno.Conn[] = [];
  try {
    for (let i = 0; i < 220; i++) {
      conns.push(await Deno.connect({ hostname: "127.0.0.1", port: gw.proxyPort }));
    }
    await new Promise((r) => setTimeout(r, 500));
  } finally {
    for (const c of conns) c.close();
  }
  await new Promise((r) => setTimeout(r, 1500));
  const res = await probe(gw.proxyPort);
  assert.equal(res.status, 200, gw.output());
  await res.body?.cancel();
  assert.doesNotMatch(gw.output(), /Uncaught|panicked/);
}

Deno.test({
  name: "plain listener: out of file descriptors, the gateway lives on",
  ignore: tomcatAvailable() !== null,
  sanitizeOps: false,
  sanitizeResources: false,
  fn: () =>
    survivesFdExhaustion(
      ["--header-timeout", "30"],
      (port) => fetch(`http://127.0.0.1:${port}/app/probe/x`),
    ),
});

Deno.test({
  name: "TLS listener: out of file descriptors, the gateway lives on",
  ignore: tomcatAvailable() !== null,
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    await using certs = await makeCerts();
    using client = Deno.createHttpClient({ caCerts: [certs.ca] });
    await survivesFdExhaustion(
      tlsArgs(certs),
      (port) => fetch(`https://127.0.0.1:${port}/app/probe/x`, { client }),
    );
  },
});

Deno.test({
  name: "HTTP/2 over TLS: the host comes from :authority and reaches Tomcat as Host",
  ignore: tomcatAvailable() !== null,
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    await using tomcat = await startTomcat({ ajp: [{ name: "ajp", secret: SECRET }] });
    const pass = `/app ajp://127.0.0.1:${tomcat.ajpPort("ajp")}/app secret=${SECRET}`;
    await using certs = await makeCerts();
    await using gw = await startTestGateway([pass], {
      args: ["--tls-cert", certs.certFile, "--tls-key", certs.keyFile],
    });
    const r = await gw.api("POST", "/api/v1/connections", {
      name: "vhost",
      type: "direct",
      host: "127.0.0.1",
      port: tomcat.ajpPort("ajp"),
      secret: SECRET,
    });
    assert.equal(r.status, 201, await r.text());
    const route = await gw.api("POST", "/api/v1/routes", {
      host: "h2.example",
      pathPrefix: "/bound",
      connection: "vhost",
      backendPath: "/app/probe",
    });
    assert.equal(route.status, 201, await route.text());
    const session = h2connect(`https://127.0.0.1:${gw.proxyAddr.port}`, { ca: certs.ca });
    try {
      const get = (path: string) =>
        new Promise<{ status: number; body: string }>((resolve, reject) => {
          const req = session.request({ ":path": path, ":authority": "h2.example" });
          let status = 0;
          let body = "";
          req.on("response", (h) => status = Number(h[":status"]));
          req.on("data", (d: Uint8Array) => body += dec.decode(d));
          req.on("end", () => resolve({ status, body }));
          req.on("error", reject);
          req.end();
        });
      const plain = await get("/app/probe/x");
      assert.equal(plain.status, 200, plain.body);
      assert.equal(JSON.parse(plain.body).serverName, "h2.example");
      const bound = await get("/bound/x");
      assert.equal(bound.status, 200, bound.body);
      assert.equal(JSON.parse(bound.body).serverName, "h2.example");
    } finally {
      session.close();
    }
  },
});
