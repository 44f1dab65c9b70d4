import assert from "node:assert/strict";
import { encodeContainerMessage } from "../../codec/container_message.ts";
import { GatewayError } from "../proxy/errors.ts";
import { FakeSocket } from "../../tests/support/fake_socket.ts";
import { AjpLink } from "./link.ts";
import { Pool, type PoolOptions } from "./pool.ts";

const OPTIONS: PoolOptions = { name: "fake", max: 2, acquireTimeoutMs: 200, idleTimeoutMs: 0 };
const tick = () => new Promise((r) => setTimeout(r, 0));

/** A pool over fake sockets; `sockets` lists every socket it opened. */
function fakePool(options: Partial<PoolOptions> = {}) {
  const sockets: FakeSocket[] = [];
  const pool = new Pool({ ...OPTIONS, ...options }, () => {
    const s = new FakeSocket();
    sockets.push(s);
    return Promise.resolve(new AjpLink(s, "fake", 8192));
  });
  return { pool, sockets, [Symbol.dispose]: () => pool.shutdown() };
}

Deno.test("Pool reuses a link after 'reuse' and counts its uses", async () => {
  using f = fakePool();
  const a = await f.pool.acquire();
  assert.equal(a.uses, 0);
  f.pool.finish(a, "reuse");
  assert.deepEqual([f.pool.stats().idle, f.pool.stats().busy], [1, 0]);
  const b = await f.pool.acquire();
  assert.equal(b.link, a.link);
  assert.equal(b.uses, 1);
  assert.equal(f.pool.stats().opened, 1);
});

Deno.test("Pool closes a link for any other ending and counts the reason", async () => {
  using f = fakePool();
  const a = await f.pool.acquire();
  f.pool.finish(a, "reuse_0");
  assert.equal(f.sockets[0].closed, true);
  assert.equal(f.pool.stats().closed.reuse_0, 1);
  assert.equal(f.pool.stats().busy, 0);
});

Deno.test("Pool evicts an idle link on EOF and on stray bytes", async () => {
  using f = fakePool();
  const a = await f.pool.acquire();
  const b = await f.pool.acquire();
  f.pool.finish(a, "reuse");
  f.pool.finish(b, "reuse");
  f.sockets[0].push(null);
  f.sockets[1].push(new Uint8Array([0x41]));
  await tick();
  const s = f.pool.stats();
  assert.deepEqual([s.idle, s.closed.eof, s.closed.stray_bytes], [0, 1, 1]);
  assert.ok(f.sockets.every((x) => x.closed));
});

Deno.test("Pool does not put back a link with unread bytes", async () => {
  using f = fakePool();
  const a = await f.pool.acquire();
  const end = encodeContainerMessage({ type: "END_RESPONSE", reuse: true });
  f.sockets[0].push(new Uint8Array([...end, 0x41, 0x42]));
  await a.link.readPacket(0);
  f.pool.finish(a, "reuse");
  assert.equal(f.pool.stats().closed.stray_bytes, 1);
  assert.equal(f.pool.stats().idle, 0);
});

Deno.test("Pool makes callers beyond max wait, hands them a released link, then times out", async () => {
  using f = fakePool({ max: 1 });
  const a = await f.pool.acquire();
  const waiting = f.pool.acquire();
  assert.equal(f.pool.stats().waiting, 1);
  f.pool.finish(a, "reuse");
  const b = await waiting;
  assert.equal(b.link, a.link);
  await assert.rejects(f.pool.acquire(), (e) => e instanceof GatewayError && e.status === 503);
});

Deno.test("Pool's sweep ends a read past its deadline and ticks the lease's watcher", async () => {
  using f = fakePool({ sweepMs: 20 });
  const a = await f.pool.acquire();
  const ticks: boolean[] = [];
  a.watcher = { tick: (_now, reading) => void ticks.push(reading) };
  const keepAlive = setTimeout(() => {}, 2000); // the pool's own timers are unref'd
  await assert.rejects(
    a.link.readPacket(60),
    (e) => e instanceof GatewayError && e.kind === "timeout" && /within 60 ms/.test(e.message),
  );
  clearTimeout(keepAlive);
  assert.ok(ticks.includes(true), "ticked while reading");
  f.pool.finish(a, "error");
  assert.equal(f.pool.stats().closed.error, 1);
});

Deno.test("Pool reset closes idle links and closes busy ones when they come back", async () => {
  using f = fakePool();
  const a = await f.pool.acquire();
  const b = await f.pool.acquire();
  f.pool.finish(a, "reuse");
  await f.pool.reset();
  assert.equal(f.pool.stats().closed.reset, 1);
  f.pool.finish(b, "reuse");
  assert.equal(f.pool.stats().closed.reset, 2);
  assert.equal(f.pool.stats().idle, 0);
});
