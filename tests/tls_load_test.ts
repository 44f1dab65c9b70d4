/**
 * The TLS listener under an ordinary HTTP/2 load: fresh gateway processes (so that an abort
 * inside the runtime is seen as a dead process), each driven by h2load bursts over TLS with
 * HTTP/2 and HTTP/1.1 against the real Tomcat. Every request must succeed and the process
 * must still serve and stop cleanly afterwards. Needs h2load (Debian nghttp2-client).
 * @module
 */
import assert from "node:assert/strict";
import { makeCerts, tlsArgs } from "./support/certs.ts";
import { startGatewayProcess } from "./support/gateway_process.ts";
import { h2loadAvailable, runH2load } from "./support/h2load.ts";
import { startTomcat, tomcatAvailable } from "./support/tomcat.ts";

const SECRET = "tls-load-secret";
const ADMIN_TOKEN = "tls-load-admin-token-0123456789abcdef";
const STARTS = 3;

const skip = tomcatAvailable() ?? h2loadAvailable();
if (skip !== null) console.error(`tls_load_test: skipped: ${skip}`);

Deno.test({
  name: `TLS: ${STARTS} fresh gateways each survive h2load bursts (h2, h2 x10 streams, HTTP/1.1)`,
  ignore: skip !== null,
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    await using certs = await makeCerts();
    await using tomcat = await startTomcat({
      ajp: [{ name: "ajp", secret: SECRET, maxThreads: 100 }],
    });
    const dir = await Deno.makeTempDir({ prefix: "ajpgate-tls-load-" });
    try {
      for (let start = 1; start <= STARTS; start++) {
        await using gw = await startGatewayProcess({
          db: `file:${dir}/gw-${start}.db`,
          adminToken: ADMIN_TOKEN,
          args: [
            "--log-level",
            "warn",
            ...tlsArgs(certs),
            "--proxy-pass",
            `/echo ajp://127.0.0.1:${tomcat.ajpPort("ajp")}/app secret=${SECRET} max=64`,
          ],
        });
        const url = `https://127.0.0.1:${gw.proxyPort}/echo/probe/load`;
        const bursts = [
          { label: "h2 -m 1", args: ["-n", "3000", "-c", "16", "-m", "1"], n: 3000 },
          { label: "h2 -m 10", args: ["-n", "3000", "-c", "8", "-m", "10"], n: 3000 },
          { label: "HTTP/1.1", args: ["--h1", "-n", "1500", "-c", "8"], n: 1500 },
        ];
        for (const burst of bursts) {
          const result = await runH2load([...burst.args, url]);
          const what = `start ${start}, ${burst.label}`;
          assert.equal(result.failed, 0, `${what}: ${result.failed} failed\n${result.output}`);
          assert.equal(result.succeeded, burst.n, `${what}: succeeded\n${result.output}`);
          assert.equal(result.status2xx, burst.n, `${what}: 2xx\n${result.output}`);
        }
        // Still alive and serving.
        const client = Deno.createHttpClient({ caCerts: [certs.ca], http2: true, http1: false });
        try {
          const res = await fetch(url, { client } as RequestInit);
          assert.equal(res.status, 200);
          await res.body?.cancel();
        } finally {
          client.close();
        }
        const status = await gw.stop();
        assert.equal(status.code, 0, `start ${start}: exit\n${gw.output()}`);
        assert.equal(status.signal, null, `start ${start}: killed by a signal\n${gw.output()}`);
        // With the start task's permissions the listener's connections get TCP_NODELAY.
        assert.doesNotMatch(gw.output(), /TCP_NODELAY not set/);
      }
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});
