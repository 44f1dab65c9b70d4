/**
 * A client that goes away in the middle of a streamed response: the gateway's next write fails
 * while it waits for the backend's next piece. That failure ends the one response (and its
 * backend exchange), never the process; the gateway keeps serving.
 */
import assert from "node:assert/strict";
import { startTestGateway } from "./support/gateway.ts";
import { startTomcat, tomcatAvailable } from "./support/tomcat.ts";

Deno.test({
  name: "a client that closes during a slow streamed response leaves the gateway serving",
  ignore: tomcatAvailable() !== null,
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    await using tomcat = await startTomcat({ ajp: [{ name: "ajp", secret: "s" }] });
    await using gw = await startTestGateway([
      `/app ajp://127.0.0.1:${tomcat.ajpPort("ajp")}/app secret=s`,
    ]);
    const enc = new TextEncoder();
    for (let round = 0; round < 5; round++) {
      const conn = await Deno.connect({ hostname: "127.0.0.1", port: gw.proxyAddr.port });
      // 8 KiB pieces 40 ms apart: the gateway waits for the next piece between its writes
      const path = "/app/stream?bytes=4000000&chunk=8192&flush=1&delayMs=40";
      await conn.write(enc.encode(`GET ${path} HTTP/1.1\r\nHost: a\r\n\r\n`));
      const buf = new Uint8Array(65536);
      let got = 0;
      while (got < 20_000) {
        const n = await conn.read(buf);
        if (n === null) break;
        got += n;
      }
      conn.close(); // with unread data: the kernel answers the next segments with RST
      await new Promise((r) => setTimeout(r, 400));
    }
    const r = await fetch(gw.url("/app/probe/after"));
    assert.equal(r.status, 200);
    await r.body?.cancel();
  },
});
