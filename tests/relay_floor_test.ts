/**
 * The benchmark's floor front (bench/relay_floor.ts, `deno-relay`) must relay correctly, or its
 * figures say nothing: through the real Tomcat, started as the benchmark starts it, a small GET,
 * a 1 MiB GET and a POST come back byte-exact, over plain HTTP and over HTTPS with HTTP/2, on
 * reused sockets; over TLS it has Nagle's algorithm off.
 * @module
 */
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { startReferenceProcess } from "../bench/reference_process.ts";
import { patternByte } from "../bench/reference_server.ts";
import { makeCerts } from "./support/certs.ts";
import { startTomcat, tomcatAvailable } from "./support/tomcat.ts";

const REPO_ROOT = decodeURIComponent(new URL("..", import.meta.url).pathname).replace(/\/$/, "");
const SECRET = "relay-secret";
const reason = tomcatAvailable();

/** The webapp's /stream pattern, as the benchmark checks it. */
const isPattern = (body: Uint8Array, length: number) =>
  body.length === length && body.every((v, i) => v === patternByte(i));

Deno.test({
  name: reason
    ? `deno-relay relays GETs and POSTs byte-exact (skipped: ${reason})`
    : "deno-relay relays GETs and POSTs byte-exact, plain and over TLS with HTTP/2",
  ignore: reason !== null,
  fn: async () => {
    await using tomcat = await startTomcat({ ajp: [{ name: "ajp", secret: SECRET }] });
    const dir = await Deno.makeTempDir({ prefix: "ajpgate-relay-" });
    try {
      await using certs = await makeCerts();
      const relay = (tls?: { certFile: string; keyFile: string }) =>
        startReferenceProcess({
          repoRoot: REPO_ROOT,
          logFile: `${dir}/relay-${tls ? "tls" : "plain"}.log`,
          relay: { ajpPort: tomcat.ajpPort("ajp"), packetSize: 8192, secret: SECRET },
          tls,
        });
      await using plain = await relay();
      await using secure = await relay({ certFile: certs.certFile, keyFile: certs.keyFile });
      const h2 = Deno.createHttpClient({ caCerts: [certs.ca], http1: false, http2: true });
      try {
        const bases: [string, Deno.HttpClient | undefined][] = [
          [`http://127.0.0.1:${plain.port}/app`, undefined],
          [`https://127.0.0.1:${secure.port}/app`, h2],
        ];
        const body = Uint8Array.from({ length: 20_000 }, (_, i) => (i * 13) & 0xff);
        const expected = createHash("sha256").update(body).digest("hex");
        for (const [base, client] of bases) {
          for (let round = 0; round < 3; round++) {
            for (const bytes of [13, 1 << 20]) {
              const res = await fetch(`${base}/stream?bytes=${bytes}&cl=1`, { client });
              const got = new Uint8Array(await res.arrayBuffer());
              assert.equal(res.status, 200, base);
              assert.ok(isPattern(got, bytes), `${base}: ${bytes} bytes, got ${got.length}`);
            }
            const res = await fetch(`${base}/sha`, { method: "POST", body, client });
            const sha = await res.json();
            assert.equal(sha.bodyLength, body.length, base);
            assert.equal(sha.bodySha256, expected, base);
          }
        }
      } finally {
        h2.close();
      }
      // over TLS it turns Nagle's algorithm off, as the gateway does, or its 1 MiB rows lie
      assert.doesNotMatch(await secure.logs(), /TCP_NODELAY not set/);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});
