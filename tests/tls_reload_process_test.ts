/**
 * SIGHUP on a TLS gateway process: the certificate files are re-read for new connections
 * while an HTTP/2 request in flight to the real Tomcat finishes; a bad file is refused and
 * the current certificate kept.
 * @module
 */
import assert from "node:assert/strict";
import { connect as tlsConnect } from "node:tls";
import { makeCerts, tlsArgs } from "./support/certs.ts";
import { startGatewayProcess } from "./support/gateway_process.ts";
import { startTomcat, tomcatAvailable } from "./support/tomcat.ts";

const SECRET = "tls-reload-secret";
const ADMIN_TOKEN = "tls-reload-admin-token-0123456789abcdef";

/** Subject CN of the certificate a fresh connection is served. */
function servedCn(ca: string, port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = tlsConnect({ host: "127.0.0.1", port, ca, servername: "localhost" }, () => {
      const cn = socket.getPeerCertificate().subject.CN;
      socket.end();
      resolve(Array.isArray(cn) ? cn[0] : cn);
    });
    socket.on("error", reject);
  });
}

/** Waits until `text()` matches `re` a `count`-th time, at most `ms`. */
async function waitForLine(text: () => string, re: RegExp, count: number, ms: number) {
  const deadline = Date.now() + ms;
  while ((text().match(new RegExp(re, "g")) ?? []).length < count) {
    if (Date.now() > deadline) throw new Error(`no ${re} within ${ms} ms:\n${text()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

Deno.test({
  name: "TLS gateway process: SIGHUP swaps the certificate, a request in flight finishes",
  ignore: tomcatAvailable() !== null,
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    await using certs = await makeCerts();
    await using tomcat = await startTomcat({ ajp: [{ name: "ajp", secret: SECRET }] });
    const dir = await Deno.makeTempDir({ prefix: "ajpgate-tls-reload-" });
    await using gw = await startGatewayProcess({
      db: `file:${dir}/gw.db`,
      adminToken: ADMIN_TOKEN,
      args: [
        ...tlsArgs(certs),
        "--proxy-pass",
        `/app ajp://127.0.0.1:${tomcat.ajpPort("ajp")}/app secret=${SECRET}`,
      ],
    });
    const port = gw.proxyPort;
    assert.equal(await servedCn(certs.ca, port), "server");
    const client = Deno.createHttpClient({ caCerts: [certs.ca], http2: true, http1: false });
    try {
      const slow = fetch(`https://localhost:${port}/app/sleep?ms=800`, { client });
      await new Promise((r) => setTimeout(r, 200));
      await Deno.copyFile(certs.cert2File, certs.certFile);
      await Deno.copyFile(certs.key2File, certs.keyFile);
      Deno.kill(gw.pid, "SIGHUP");
      const res = await slow;
      assert.equal(res.status, 200, "the request in flight finished");
      await res.body?.cancel();
      await waitForLine(gw.output, /TLS certificate reloaded/, 1, 15_000);
      assert.equal(await servedCn(certs.ca, port), "server2");

      await Deno.writeTextFile(certs.keyFile, "not a key");
      Deno.kill(gw.pid, "SIGHUP");
      await waitForLine(gw.output, /TLS reload failed, keeping the current certificate/, 1, 15_000);
      assert.equal(await servedCn(certs.ca, port), "server2");
      const after = Deno.createHttpClient({ caCerts: [certs.ca] });
      try {
        const ok = await fetch(`https://localhost:${port}/app/probe/after`, { client: after });
        assert.equal(ok.status, 200);
        await ok.body?.cancel();
      } finally {
        after.close();
      }
    } finally {
      client.close();
    }
    const status = await gw.stop();
    assert.equal(status.code, 0, gw.output());
    // Each listener a reload opens gets TCP_NODELAY too.
    assert.doesNotMatch(gw.output(), /TCP_NODELAY not set/);
    await Deno.remove(dir, { recursive: true });
  },
});
