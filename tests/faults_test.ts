/**
 * Backend faults Tomcat cannot produce on demand, driven by a scripted AJP peer: malformed
 * packets, closes at every stage, stray bytes, stale pooled sockets, exact GET_BODY_CHUNK
 * answers. Each checks the client's answer and that the gateway stays usable.
 */
import assert from "node:assert/strict";
import { decodeBodyPacket, encodeContainerMessage } from "../codec/mod.ts";
import { type PeerSocket, startAjpPeer } from "./support/ajp_peer.ts";
import { addBalancedRoute, startTestGateway, type TestGateway } from "./support/gateway.ts";

const enc = new TextEncoder();

async function withPeer(
  script: (s: PeerSocket, i: number) => Promise<void>,
  test: (
    url: (p: string) => string,
    peer: ReturnType<typeof startAjpPeer>,
    gw: TestGateway,
  ) => Promise<void>,
  options = "",
) {
  await using peer = startAjpPeer(script);
  await using gw = await startTestGateway([`/ ajp://127.0.0.1:${peer.port}/ name=peer ${options}`]);
  await test(gw.url, peer, gw);
}

/**
 * Checks that an error answer tells the client only a generic `expected` sentence with the
 * request id, and that the access log line of that request id carries the `detail`.
 */
async function assertGenericError(gw: TestGateway, r: Response, expected: RegExp, detail: RegExp) {
  const text = await r.text();
  const id = r.headers.get("x-request-id");
  assert.ok(id, "x-request-id on the error answer");
  assert.match(text, expected);
  assert.ok(text.endsWith(` (request id ${id})\n`), text);
  assert.doesNotMatch(text, /127\.0\.0\.1|peer|malformed|0x/, "no backend detail for the client");
  const end = performance.now() + 2000;
  let line: { error?: string; outcome?: string } | undefined;
  while (line === undefined && performance.now() < end) {
    await gw.log.flush();
    line = gw.logLines.map((l) => JSON.parse(l)).find((l) => l.requestId === id);
    if (line === undefined) await new Promise((res) => setTimeout(res, 20));
  }
  assert.ok(line, `access line for ${id}`);
  assert.equal(line.outcome, "error");
  assert.match(line.error ?? "", detail);
}

Deno.test("a malformed packet before headers gives a generic 502; the log names the connection", async () => {
  await withPeer(async (s) => {
    await s.readForward();
    await s.writeRaw(new Uint8Array([0x41, 0x42, 0x00, 0x02, 0x04, 0x00]));
  }, async (url, _peer, gw) => {
    const r = await fetch(url("/x"));
    assert.equal(r.status, 502);
    await assertGenericError(gw, r, /^bad gateway: /, /connection "peer".*malformed/);
  });
});

Deno.test("a packet declaring more than the packet size gives 502", async () => {
  await withPeer(async (s) => {
    await s.readForward();
    await s.writeRaw(new Uint8Array([0x41, 0x42, 0x20, 0x00, 0x04]));
  }, async (url, _peer, gw) => {
    const r = await fetch(url("/x"));
    assert.equal(r.status, 502);
    await assertGenericError(gw, r, /^bad gateway: /, /8192/);
  });
});

Deno.test("a backend close before headers gives 502 and the next request works", async () => {
  await withPeer(async (s, i) => {
    await s.readForward();
    if (i === 0) return; // close without answering
    await s.respond("fine");
  }, async (url, _peer, gw) => {
    const r = await fetch(url("/x"));
    assert.equal(r.status, 502);
    await assertGenericError(gw, r, /^bad gateway: the application closed/, /closed/);
    const r2 = await fetch(url("/x"));
    assert.equal(await r2.text(), "fine");
  });
});

Deno.test("a backend close mid-body aborts the client response", async () => {
  await withPeer(async (s, i) => {
    await s.readForward();
    if (i === 0) {
      await s.send(
        { type: "SEND_HEADERS", status: 200, reason: "200", headers: [] },
        { type: "SEND_BODY_CHUNK", data: enc.encode("partial") },
      );
      return;
    }
    await s.respond("fine");
  }, async (url) => {
    const r = await fetch(url("/x"));
    assert.equal(r.status, 200);
    await assert.rejects(() => r.text());
    assert.equal(await (await fetch(url("/x"))).text(), "fine");
  });
});

Deno.test("a body longer than the backend's Content-Length is cut at it; the socket is not reused", async () => {
  await withPeer(async (s, i) => {
    await s.readForward();
    if (i === 0) {
      await s.send(
        { type: "SEND_HEADERS", status: 200, reason: "OK", headers: [["Content-Length", "5"]] },
        { type: "SEND_BODY_CHUNK", data: enc.encode("abc") },
      );
      await new Promise((r) => setTimeout(r, 50)); // streamed, not one whole body
      await s.send(
        { type: "SEND_BODY_CHUNK", data: enc.encode("defgh") },
        { type: "END_RESPONSE", reuse: true },
      );
      await s.readPayload(); // waits until the gateway closes it
      return;
    }
    await s.respond("fine");
  }, async (url, peer) => {
    const r = await fetch(url("/x"));
    assert.equal(r.headers.get("content-length"), "5");
    assert.equal(await r.text(), "abcde");
    assert.equal(await (await fetch(url("/x"))).text(), "fine");
    assert.equal(peer.accepted(), 2);
  });
});

Deno.test("a body shorter than the backend's Content-Length ends the client's connection early", async () => {
  await withPeer(async (s, i) => {
    await s.readForward();
    if (i > 0) return await s.respond("fine");
    await s.send(
      { type: "SEND_HEADERS", status: 200, reason: "OK", headers: [["Content-Length", "10"]] },
      { type: "SEND_BODY_CHUNK", data: enc.encode("abc") },
    );
    await new Promise((r) => setTimeout(r, 50));
    await s.send({ type: "END_RESPONSE", reuse: false });
  }, async (url) => {
    const r = await fetch(url("/x"));
    assert.equal(r.headers.get("content-length"), "10");
    await assert.rejects(() => r.text());
    assert.equal(await (await fetch(url("/x"))).text(), "fine");
  });
});

Deno.test("END_RESPONSE with reuse=0 closes the socket; reuse=1 keeps it", async () => {
  await withPeer(async (s) => {
    for (let n = 0;; n++) {
      await s.readForward();
      await s.respond("r" + n, n !== 1);
      if (n === 1) return;
    }
  }, async (url, peer) => {
    for (let i = 0; i < 3; i++) assert.equal((await fetch(url("/x"))).status, 200);
    // requests 1-2 on socket 0 (the second said reuse=0), request 3 on socket 1
    assert.equal(peer.accepted(), 2);
  });
});

Deno.test("stray bytes after END_RESPONSE keep the socket out of the pool", async () => {
  await withPeer(async (s) => {
    await s.readForward();
    await s.respond("one");
    await s.writeRaw(encodeContainerMessage({ type: "CPONG" }));
    await s.readPayload(); // waits until the gateway closes it
  }, async (url, peer) => {
    assert.equal(await (await fetch(url("/x"))).text(), "one");
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(await (await fetch(url("/x"))).text(), "one");
    assert.equal(peer.accepted(), 2);
  });
});

Deno.test("an idle pooled socket closed by the backend is evicted, not used", async () => {
  await withPeer(async (s) => {
    await s.readForward();
    await s.respond("ok");
  }, async (url, peer) => {
    assert.equal(await (await fetch(url("/x"))).text(), "ok");
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(await (await fetch(url("/x"))).text(), "ok");
    assert.equal(peer.accepted(), 2);
  });
});

Deno.test("a stale reused socket is retried once for GET, not for POST", async () => {
  await withPeer(async (s, i) => {
    await s.readForward();
    await s.respond("first");
    await s.readForward();
    if (i === 0) return; // the backend dies with the request unanswered
    await s.respond("again");
  }, async (url, peer) => {
    assert.equal(await (await fetch(url("/x"))).text(), "first");
    const r = await fetch(url("/x"));
    assert.equal(await r.text(), "first"); // a fresh socket's first answer
    assert.equal(peer.accepted(), 2);
    // socket 1 now answers "again" next; make it die by a POST on a new script round
    const post = await fetch(url("/x"), { method: "POST", body: "data" });
    assert.equal(post.status, 200);
    assert.equal(await post.text(), "again");
  });
});

Deno.test("a POST on a stale reused socket is not replayed", async () => {
  await withPeer(async (s, i) => {
    await s.readForward();
    await s.respond("first");
    if (i === 0) {
      await s.readForward();
      return; // dies with the POST unanswered
    }
  }, async (url, peer) => {
    assert.equal(await (await fetch(url("/x"))).text(), "first");
    const post = await fetch(url("/x"), { method: "POST", body: "data" });
    assert.equal(post.status, 502);
    await post.body?.cancel();
    assert.equal(peer.accepted(), 1);
  });
});

Deno.test("GET_BODY_CHUNK is answered with one packet of at most the requested size", async () => {
  const sizes: number[] = [];
  await withPeer(async (s) => {
    await s.readForward();
    sizes.push((await s.readBody()).length); // the unasked first packet
    for (;;) {
      await s.send({ type: "GET_BODY_CHUNK", size: 1000 });
      const piece = await s.readBody();
      sizes.push(piece.length);
      if (piece.length === 0) break;
    }
    await s.respond("got");
  }, async (url) => {
    const r = await fetch(url("/x"), { method: "POST", body: new Uint8Array(20_000) });
    assert.equal(await r.text(), "got");
  });
  assert.equal(sizes[0], 8186);
  assert.ok(sizes.slice(1, -1).every((n) => n > 0 && n <= 1000), String(sizes));
  assert.equal(sizes.reduce((a, b) => a + b, 0), 20_000);
  assert.equal(sizes.at(-1), 0);
});

Deno.test("a chunked body is sent only when asked, then ends with an empty packet", async () => {
  let unasked = "none";
  await withPeer(async (s) => {
    const f = await s.readForward();
    assert.equal(f.headers.some(([n]) => n === "content-length"), false);
    const first = s.readPayload();
    unasked = await Promise.race([
      first.then(() => "packet"),
      new Promise<string>((r) => setTimeout(() => r("none"), 200)),
    ]);
    let total = 0;
    for (let n = 0;; n++) {
      await s.send({ type: "GET_BODY_CHUNK", size: 8186 });
      const piece = n === 0 ? decodeBodyPacket((await first)!) : await s.readBody();
      if (piece.length === 0) break;
      total += piece.length;
    }
    await s.respond(String(total));
  }, async (url) => {
    const body = new ReadableStream<Uint8Array>({
      start(c) {
        c.enqueue(new Uint8Array(5000));
        c.enqueue(new Uint8Array(5000));
        c.close();
      },
    });
    const r = await fetch(url("/x"), { method: "PUT", body, duplex: "half" } as RequestInit);
    assert.equal(await r.text(), "10000");
  });
  assert.equal(unasked, "none");
});

Deno.test("an invalid response header from the backend gives 502", async () => {
  await withPeer(async (s) => {
    await s.readForward();
    await s.send({
      type: "SEND_HEADERS",
      status: 200,
      reason: null,
      headers: [["X-Bad", "a\r\nb"]],
    });
    await s.readPayload();
  }, async (url) => {
    const r = await fetch(url("/x"));
    assert.equal(r.status, 502);
    await r.body?.cancel();
  });
});

Deno.test("a silent backend gives 504 after the reply timeout", async () => {
  await withPeer(async (s) => {
    await s.readForward();
    await s.readPayload();
  }, async (url) => {
    const t0 = performance.now();
    const r = await fetch(url("/x"));
    assert.equal(r.status, 504);
    await r.body?.cancel();
    assert.ok(performance.now() - t0 >= 900);
  }, "timeout=1");
});

Deno.test("a client that goes away while the backend is slow closes the backend socket", async () => {
  const closed = Promise.withResolvers<number>();
  await withPeer(async (s) => {
    await s.readForward();
    const t0 = performance.now();
    await s.readPayload(); // never answers: returns at EOF, when the gateway closes the socket
    closed.resolve(performance.now() - t0);
  }, async (url) => {
    const abort = new AbortController();
    const res = fetch(url("/slow"), { signal: abort.signal });
    setTimeout(() => abort.abort(), 300);
    await assert.rejects(res);
    // the reply timeout is 60 s: only the client's abort can close the socket this soon
    const after = await closed.promise;
    assert.ok(after >= 250 && after < 2000, `closed after ${after} ms`);
  });
});

/** A peer whose first socket answers one request, then stays open but silent. */
function silentAfterFirst() {
  return async (s: PeerSocket, i: number) => {
    let answered = false;
    for (;;) {
      const p = await s.readPayload();
      if (p === null) return;
      if (i === 0 && answered) continue; // half-dead: ignores CPING and requests
      if (p.length === 1 && p[0] === 10) {
        await s.send({ type: "CPONG" });
        continue;
      }
      answered = true;
      await s.respond(`socket ${i}`);
    }
  };
}

Deno.test("prepost CPING skips a silent pooled socket and serves on a fresh one", async () => {
  await using peer = startAjpPeer(silentAfterFirst());
  await using gw = await startTestGateway([
    `/ ajp://127.0.0.1:${peer.port}/ name=peer ping=prepost pinginterval=100 pingtimeout=300`,
  ]);
  assert.equal(await (await fetch(gw.url("/x"))).text(), "socket 0");
  await new Promise((r) => setTimeout(r, 200));
  assert.equal(await (await fetch(gw.url("/x"))).text(), "socket 1");
  assert.equal(gw.runtime.cliUpstreams.get("peer")!.poolStats().closed.ping_failed, 1);
});

Deno.test("interval CPING evicts a silent idle socket", async () => {
  await using peer = startAjpPeer(silentAfterFirst());
  await using gw = await startTestGateway([
    `/ ajp://127.0.0.1:${peer.port}/ name=peer ping=interval pinginterval=150 pingtimeout=200`,
  ]);
  assert.equal(await (await fetch(gw.url("/x"))).text(), "socket 0");
  const pool = gw.runtime.cliUpstreams.get("peer")!.pool;
  const end = performance.now() + 3000;
  while (pool.stats().closed.ping_failed === 0) {
    if (performance.now() > end) assert.fail("silent socket not evicted");
    await new Promise((r) => setTimeout(r, 50));
  }
  assert.equal(pool.stats().idle, 0);
});

Deno.test("connect CPING: a backend that never answers CPONG gets 503", async () => {
  await using peer = startAjpPeer(async (s) => {
    await s.readPayload();
    await s.readPayload();
  });
  await using gw = await startTestGateway([
    `/ ajp://127.0.0.1:${peer.port}/ name=peer ping=connect pingtimeout=200`,
  ]);
  const r = await fetch(gw.url("/x"));
  assert.equal(r.status, 503);
  await assertGenericError(gw, r, /^service unavailable/, /CPONG/);
});

Deno.test("a small body sent whole with the request: each ask finds its packet, the socket is reused", async () => {
  const seen: string[] = [];
  await withPeer(async (s, i) => {
    for (;;) {
      const f = await s.readPayload();
      if (f === null) return;
      seen.push(`socket ${i}`);
      await s.respond(String(await s.readKnownLengthBody()));
    }
  }, async (url) => {
    for (const size of [10_000, 3]) {
      const r = await fetch(url("/x"), { method: "POST", body: new Uint8Array(size) });
      assert.equal(await r.text(), String(size));
    }
  });
  assert.deepEqual(seen, ["socket 0", "socket 0"], "one socket for both");
});

Deno.test("a balancer's next member gets the whole small body when the first is down", async () => {
  const dead = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const deadPort = dead.addr.port;
  dead.close();
  let received = -1;
  await using peer = startAjpPeer(async (s) => {
    await s.readForward();
    received = await s.readKnownLengthBody();
    await s.respond("ok");
  });
  await using gw = await startTestGateway([]);
  await addBalancedRoute(
    gw,
    [{ name: "down", port: deadPort }, { name: "up", port: peer.port }],
    "/",
    "/",
  );
  const r = await fetch(gw.url("/x"), {
    method: "POST",
    headers: { cookie: "JSESSIONID=abc.down" }, // the dead member first
    body: new Uint8Array(12_000),
  });
  assert.equal(await r.text(), "ok");
  assert.equal(received, 12_000);
});
