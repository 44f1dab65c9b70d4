/**
 * The exchange's limits on both sides. Backend faults from a scripted AJP peer (Tomcat cannot
 * produce them): a head trickled byte by byte, GET_BODY_CHUNK asked again after the body
 * ended, hop-by-hop headers named in the backend's own Connection header. Client faults
 * against the real Tomcat: a client that reads nothing of a large download, and one that
 * stops sending its body. Limits are set short by connection options.
 */
import assert from "node:assert/strict";
import { encodeContainerMessage } from "../codec/mod.ts";
import { startAjpPeer } from "./support/ajp_peer.ts";
import { startTestGateway } from "./support/gateway.ts";
import { startTomcat, tomcatAvailable } from "./support/tomcat.ts";
import { waitFor } from "./support/wait.ts";

const enc = new TextEncoder();

/** Waits until an access log line matches `detail` (the error text the client is not shown). */
async function loggedError(lines: string[], detail: RegExp): Promise<void> {
  await waitFor(
    `a log line matching ${detail}`,
    () => Promise.resolve(lines.some((l) => detail.test(l)) || undefined),
    { timeoutMs: 2000 },
  );
}

/** A scripted backend that sends its response head one byte every 100 ms (about 5 s). */
function trickledHeadPeer() {
  const head = encodeContainerMessage({
    type: "SEND_HEADERS",
    status: 200,
    reason: "OK",
    headers: [["Content-Type", "text/plain"], ["X-Padding", "a".repeat(20)]],
  });
  return startAjpPeer(async (s) => {
    await s.readForward();
    for (const byte of head) {
      await s.writeRaw(new Uint8Array([byte]));
      await new Promise((r) => setTimeout(r, 100));
    }
    await s.send({ type: "END_RESPONSE", reuse: true });
    await s.readPayload();
  });
}

Deno.test("a head trickled byte by byte is cut at the head timeout with 504", async () => {
  await using peer = trickledHeadPeer();
  await using gw = await startTestGateway([
    `/ ajp://127.0.0.1:${peer.port}/ name=peer timeout=5 headtimeout=600`,
  ]);
  const t0 = performance.now();
  const r = await fetch(gw.url("/x"));
  const elapsed = performance.now() - t0;
  assert.equal(r.status, 504);
  // the client gets a generic answer; the access log line has the detail
  assert.match(await r.text(), /^gateway timeout/);
  await loggedError(gw.logLines, /connection \\"peer\\": no complete response head within 600 ms/);
  // each byte comes within the 5 s reply timeout; only the head limit ends it this soon
  assert.ok(elapsed >= 550 && elapsed < 2000, `answered after ${Math.round(elapsed)} ms`);
});

Deno.test("a stored connection's pool.headTimeoutMs cuts a trickled head with 504", async () => {
  await using peer = trickledHeadPeer();
  await using gw = await startTestGateway([]);
  const made = await gw.api("POST", "/api/v1/connections", {
    name: "stored-peer",
    type: "direct",
    host: "127.0.0.1",
    port: peer.port,
    pool: { replyTimeoutMs: 5000, headTimeoutMs: 600, bodyTimeoutMs: 700, writeTimeoutMs: 800 },
  });
  assert.equal(made.status, 201, await made.clone().text());
  const pool = (await made.json()).pool;
  assert.deepEqual(
    [pool.headTimeoutMs, pool.bodyTimeoutMs, pool.writeTimeoutMs],
    [600, 700, 800],
  );
  const route = await gw.api("POST", "/api/v1/routes", {
    pathPrefix: "/stored",
    connection: "stored-peer",
    backendPath: "/",
  });
  assert.equal(route.status, 201, await route.text());
  const t0 = performance.now();
  const r = await fetch(gw.url("/stored/x"));
  const elapsed = performance.now() - t0;
  assert.equal(r.status, 504);
  await r.body?.cancel();
  await loggedError(
    gw.logLines,
    /connection \\"stored-peer\\": no complete response head within 600 ms/,
  );
  assert.ok(elapsed >= 550 && elapsed < 2000, `answered after ${Math.round(elapsed)} ms`);
});

Deno.test("GET_BODY_CHUNK again after the end of the body closes the socket with 502", async () => {
  const seen: string[] = [];
  await using peer = startAjpPeer(async (s) => {
    await s.readForward();
    for (let i = 0; i < 50; i++) {
      await s.send({ type: "GET_BODY_CHUNK", size: 8186 });
      const p = await s.readPayload();
      if (p === null) {
        seen.push("eof");
        return;
      }
      seen.push(`packet of ${p.length}`);
    }
  });
  await using gw = await startTestGateway([`/ ajp://127.0.0.1:${peer.port}/ name=peer`]);
  const r = await fetch(gw.url("/x"));
  assert.equal(r.status, 502);
  assert.match(await r.text(), /^bad gateway/);
  await loggedError(gw.logLines, /GET_BODY_CHUNK after the end of the body/);
  await waitFor("the peer to see EOF", () => Promise.resolve(seen.at(-1) === "eof" || undefined), {
    timeoutMs: 2000,
  });
  // one empty body packet (end of body) answers the first request; the second gets EOF
  assert.deepEqual(seen, ["packet of 0", "eof"]);
});

Deno.test("headers the backend names in its Connection header never reach the client", async () => {
  await using peer = startAjpPeer(async (s) => {
    await s.readForward();
    await s.send(
      {
        type: "SEND_HEADERS",
        status: 200,
        reason: "OK",
        headers: [
          ["Connection", "X-Internal, keep-alive"],
          ["X-Internal", "backend secret"],
          ["Keep-Alive", "timeout=5"],
          ["X-Public", "ok"],
        ],
      },
      { type: "SEND_BODY_CHUNK", data: enc.encode("body") },
      { type: "END_RESPONSE", reuse: true },
    );
    await s.readPayload();
  });
  await using gw = await startTestGateway([`/ ajp://127.0.0.1:${peer.port}/ name=peer`]);
  const r = await fetch(gw.url("/x"));
  assert.equal(await r.text(), "body");
  assert.equal(r.headers.get("x-public"), "ok");
  assert.equal(r.headers.get("x-internal"), null);
  assert.equal(r.headers.get("keep-alive"), null);
});

/** Reads from `conn` until the response head is in, and returns its status. */
async function readStatus(conn: Deno.TcpConn): Promise<number> {
  const buf = new Uint8Array(4096);
  let text = "";
  while (!text.includes("\r\n\r\n")) {
    const n = await conn.read(buf);
    if (n === null) throw new Error(`EOF after ${JSON.stringify(text)}`);
    text += new TextDecoder().decode(buf.subarray(0, n));
  }
  return Number(text.split(" ")[1]);
}

Deno.test({
  name: "slow clients against Tomcat: write and body timeouts free the backend socket",
  ignore: tomcatAvailable() !== null,
  sanitizeOps: false,
  sanitizeResources: false,
  async fn(t) {
    await using tomcat = await startTomcat({ ajp: [{ name: "ajp", secret: "s" }] });
    const port = tomcat.ajpPort("ajp");
    await using gw = await startTestGateway([
      `/app ajp://127.0.0.1:${port}/app secret=s name=main writetimeout=400 bodytimeout=400`,
    ], { args: ["--pre-read", "0"] }); // bodies go straight to the exchange, whose limit is tested
    const main = gw.runtime.cliUpstreams.get("main")!;
    const busyZero = () => Promise.resolve(main.poolStats().busy === 0 || undefined);

    await t.step("a client that reads nothing of a download is cut", async () => {
      const before = main.poolStats().closed.aborted;
      const conn = await Deno.connect({ hostname: "127.0.0.1", port: gw.proxyAddr.port });
      try {
        const head = "GET /app/stream?bytes=200000000 HTTP/1.1\r\nHost: a\r\n\r\n";
        await conn.write(enc.encode(head));
        assert.equal(await readStatus(conn), 200);
        // now read nothing: the gateway's buffers fill and the stream stops being pulled
        const { elapsedMs } = await waitFor("the backend socket to close", busyZero, {
          timeoutMs: 10_000,
        });
        assert.ok(elapsedMs >= 350, `closed after ${Math.round(elapsedMs)} ms`);
        assert.equal(main.poolStats().closed.aborted, before + 1);
        // the client connection ends well short of the 200 MB
        let got = 0;
        const buf = new Uint8Array(1 << 20);
        const deadline = performance.now() + 15_000;
        for (;;) {
          const n = await conn.read(buf).catch(() => null);
          if (n === null) break;
          got += n;
          if (performance.now() > deadline) assert.fail("client connection not closed");
        }
        assert.ok(got < 150_000_000, `client got ${got} bytes`);
      } finally {
        conn.close();
      }
    });

    await t.step("a client that stops sending its body gets 408", async () => {
      const conn = await Deno.connect({ hostname: "127.0.0.1", port: gw.proxyAddr.port });
      try {
        // /app/sha reads the whole body before it answers
        const head = "POST /app/sha HTTP/1.1\r\nHost: a\r\nContent-Length: 100\r\n\r\n";
        await conn.write(enc.encode(head + "0123456789"));
        const t0 = performance.now();
        assert.equal(await readStatus(conn), 408);
        const elapsed = performance.now() - t0;
        assert.ok(elapsed >= 350 && elapsed < 5000, `408 after ${Math.round(elapsed)} ms`);
        await waitFor("the backend socket to close", busyZero, { timeoutMs: 2000 });
      } finally {
        conn.close();
      }
      // the connection still serves others
      const r = await fetch(gw.url("/app/sha"), { method: "POST", body: "fine" });
      assert.equal((await r.json()).bodyLength, 4);
    });
  },
});
