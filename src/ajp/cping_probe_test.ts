import assert from "node:assert/strict";
import { cpingProbe } from "./cping_probe.ts";

/** A one-shot peer on 127.0.0.1 that reads CPING and answers `reply` (or stays silent). */
function peer(reply: Uint8Array | null, closeAfter = true) {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const served = (async () => {
    const conn = await listener.accept();
    const buf = new Uint8Array(5);
    await conn.read(buf);
    if (reply) await conn.write(reply);
    if (closeAfter) conn.close();
    else await new Promise((r) => setTimeout(r, 400)).then(() => conn.close());
  })();
  return {
    port: (listener.addr as Deno.NetAddr).port,
    async [Symbol.asyncDispose]() {
      await served.catch(() => {});
      listener.close();
    },
  };
}

Deno.test("cping probe: CPONG gives the connect and CPONG times", async () => {
  await using p = peer(new Uint8Array([0x41, 0x42, 0x00, 0x01, 0x09]));
  const r = await cpingProbe("127.0.0.1", p.port, 1000);
  assert.equal(r.ok, true);
  if (r.ok) assert.ok(r.cpongMs >= 0 && r.connectMs >= 0);
});

Deno.test("cping probe: wrong bytes, a close and silence are each named", async () => {
  {
    await using p = peer(new Uint8Array([0x41, 0x42, 0x00, 0x01, 0x05]));
    const r = await cpingProbe("127.0.0.1", p.port, 1000);
    assert.equal(r.ok, false);
    if (!r.ok) assert.match(r.error, /expected CPONG \(41 42 00 01 09\), got 41 42 00 01 05/);
  }
  {
    await using p = peer(null);
    const r = await cpingProbe("127.0.0.1", p.port, 1000);
    assert.ok(!r.ok && r.step === "cping" && /closed the socket after 0 bytes/.test(r.error));
  }
  {
    await using p = peer(null, false);
    const r = await cpingProbe("127.0.0.1", p.port, 150);
    assert.ok(!r.ok && /no CPONG within 150 ms/.test(r.error), JSON.stringify(r));
  }
});

Deno.test("cping probe: a refused port is a connect error with host:port", async () => {
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (l.addr as Deno.NetAddr).port;
  l.close();
  const r = await cpingProbe("127.0.0.1", port, 1000);
  assert.equal(r.ok, false);
  if (!r.ok) {
    assert.equal(r.step, "connect");
    assert.match(r.error, new RegExp(`cannot connect to 127\\.0\\.0\\.1:${port}: .*refused`, "i"));
  }
});
