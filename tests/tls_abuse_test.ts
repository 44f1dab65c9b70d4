/**
 * Hostile HTTP/2 and TLS clients against a gateway process on the real Tomcat: RST_STREAM
 * floods, GOAWAY in the middle of a response, and connections that close during the TLS
 * handshake. The process must live through all of it, keep serving, and stop cleanly.
 * @module
 */
import assert from "node:assert/strict";
import { makeCerts, tlsArgs } from "./support/certs.ts";
import { startGatewayProcess } from "./support/gateway_process.ts";
import { connectRawH2, FRAME, getHeaders, goaway, rstStream } from "./support/h2_frames.ts";
import { startTomcat, tomcatAvailable } from "./support/tomcat.ts";

const SECRET = "tls-abuse-secret";
const ADMIN_TOKEN = "tls-abuse-admin-token-0123456789abcdef";

const delay = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Resolves with `p`, or rejects after `ms`. */
function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const fail = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: not within ${ms} ms`)), ms);
  });
  return Promise.race([p, fail]).finally(() => clearTimeout(timer));
}

Deno.test({
  name: "TLS: RST_STREAM floods, GOAWAY mid-response and handshake closes leave the gateway up",
  ignore: tomcatAvailable() !== null,
  sanitizeOps: false,
  sanitizeResources: false,
  async fn(t) {
    await using certs = await makeCerts();
    await using tomcat = await startTomcat({ ajp: [{ name: "ajp", secret: SECRET }] });
    const dir = await Deno.makeTempDir({ prefix: "ajpgate-tls-abuse-" });
    await using gw = await startGatewayProcess({
      db: `file:${dir}/gw.db`,
      adminToken: ADMIN_TOKEN,
      args: [
        "--log-level",
        "warn",
        ...tlsArgs(certs),
        "--proxy-pass",
        `/app ajp://127.0.0.1:${tomcat.ajpPort("ajp")}/app secret=${SECRET} max=64`,
      ],
    });
    const port = gw.proxyPort;
    const authority = `127.0.0.1:${port}`;
    const client = Deno.createHttpClient({ caCerts: [certs.ca], http2: true, http1: false });
    const serves = async (what: string) => {
      const res = await within(
        fetch(`https://${authority}/app/probe/ok`, { client } as RequestInit),
        10_000,
        `${what}: request after`,
      );
      assert.equal(res.status, 200, `${what}: status`);
      await res.body?.cancel();
    };

    try {
      await t.step(
        "RST_STREAM right after each HEADERS, 1000 streams on each of 4 connections",
        async () => {
          for (let c = 0; c < 4; c++) {
            const h2 = await connectRawH2(port, certs.ca);
            try {
              for (let i = 0; i < 1000; i++) {
                const id = 1 + 2 * i;
                const pair = new Uint8Array([
                  ...getHeaders(id, authority, `/app/probe/rst${i}`),
                  ...rstStream(id),
                ]);
                await h2.send(pair);
              }
              // The server may answer the flood with GOAWAY and close; either way it lives.
              await Promise.race([h2.closed, delay(1000)]);
            } catch {
              // A server that closed the connection mid-flood ends the writes.
            } finally {
              h2.close();
            }
          }
          await serves("after RST floods");
        },
      );

      await t.step("GOAWAY from the client while 8 large responses stream", async () => {
        for (let c = 0; c < 4; c++) {
          const h2 = await connectRawH2(port, certs.ca);
          try {
            for (let i = 0; i < 8; i++) {
              await h2.send(getHeaders(1 + 2 * i, authority, `/app/stream?bytes=4000000`));
            }
            // Wait for body bytes to flow, then say goodbye with streams still open.
            for (let i = 0; i < 200 && sumOf(h2.dataBytes) < 64 * 1024; i++) await delay(10);
            assert.ok(sumOf(h2.dataBytes) > 0, "response data arrived before GOAWAY");
            await h2.send(goaway(0));
            if (c % 2 === 0) {
              h2.close(); // gone at once
            } else {
              await Promise.race([h2.closed, delay(2000)]); // or lets the server wind down
            }
          } finally {
            h2.close();
          }
        }
        await serves("after GOAWAYs");
      });

      await t.step("GOAWAY mixed with RST_STREAM on the same streams", async () => {
        const h2 = await connectRawH2(port, certs.ca);
        try {
          for (let i = 0; i < 200; i++) {
            const id = 1 + 2 * i;
            await h2.send(getHeaders(id, authority, `/app/stream?bytes=100000`));
            if (i % 3 === 0) await h2.send(rstStream(id));
          }
          await h2.send(goaway(101, 2));
          for (let i = 0; i < 50; i++) await h2.send(rstStream(1 + 2 * i));
          await Promise.race([h2.closed, delay(2000)]);
          assert.ok(h2.received.includes(FRAME.SETTINGS), "the server spoke HTTP/2");
        } catch {
          // The server closing the connection mid-way ends the writes.
        } finally {
          h2.close();
        }
        await serves("after GOAWAY with RST_STREAM");
      });

      await t.step("connections that close during the TLS handshake", async () => {
        const hello = await clientHelloPrefix();
        for (let i = 0; i < 100; i++) {
          const conn = await Deno.connect({ hostname: "127.0.0.1", port });
          try {
            // Nothing, part of a ClientHello, a whole one, or garbage; then gone.
            const send = [
              new Uint8Array(),
              hello.subarray(0, 5 + (i % 40)),
              hello,
              new TextEncoder().encode("GET / HTTP/1.1\r\n\r\n"),
            ][i % 4];
            if (send.length > 0) await conn.write(send);
          } catch { /* the server may close first */ }
          conn.close();
        }
        // And TLS clients that give up half-way through their own handshake.
        for (let i = 0; i < 20; i++) {
          const pending = Deno.connectTls({ hostname: "127.0.0.1", port, caCerts: ["x"] })
            .then((c) => c.handshake().finally(() => c.close()))
            .catch(() => {});
          await pending;
        }
        await serves("after handshake closes");
      });
    } finally {
      client.close();
    }
    const status = await gw.stop();
    assert.equal(status.signal, null, `killed by a signal:\n${gw.output()}`);
    assert.equal(status.code, 0, `exit code:\n${gw.output()}`);
    assert.doesNotMatch(gw.output(), /Assertion|panicked|Segmentation/);
    await Deno.remove(dir, { recursive: true });
  },
});

function sumOf(m: Map<number, number>): number {
  let total = 0;
  for (const v of m.values()) total += v;
  return total;
}

/**
 * A real ClientHello as a client sends it: what a TLS client writes first, captured by
 * listening on a plain TCP socket that a TLS client connects to.
 */
async function clientHelloPrefix(): Promise<Uint8Array> {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  try {
    const accepted = listener.accept();
    const tls = Deno.connectTls({
      hostname: "127.0.0.1",
      port: listener.addr.port,
      alpnProtocols: ["h2"],
    }).catch(() => null);
    const conn = await accepted;
    const buf = new Uint8Array(4096);
    const n = await within(conn.read(buf), 5000, "ClientHello");
    conn.close();
    await tls.then((c) => c?.close());
    return buf.slice(0, n ?? 0);
  } finally {
    listener.close();
  }
}
