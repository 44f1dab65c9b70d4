/**
 * Connections of type `proxy`: an HTTP backend (Tomcat's HTTP connector) with Basic
 * credentials required by the test webapp, streaming both ways, X-Forwarded-* set by the
 * gateway, repeated Set-Cookie kept, and the same state handling as AJP connections.
 */
import assert from "node:assert/strict";
import { startTestGateway } from "./support/gateway.ts";
import { rawRequest } from "./support/raw_http.ts";
import { startTomcat, tomcatAvailable } from "./support/tomcat.ts";

const MiB = 1024 * 1024;

async function sha256Hex(data: Uint8Array<ArrayBuffer>): Promise<string> {
  const d = new Uint8Array(await crypto.subtle.digest("SHA-256", data));
  return [...d].map((b) => b.toString(16).padStart(2, "0")).join("");
}

Deno.test({
  name: "proxy connections to Tomcat's HTTP connector",
  ignore: tomcatAvailable() !== null,
  sanitizeOps: false,
  sanitizeResources: false,
  async fn(t) {
    await using tomcat = await startTomcat({
      ajp: [{ name: "ajp", secret: "unused-secret" }],
      http: true,
    });
    await using gw = await startTestGateway([]);
    const create = async (name: string, password: string) => {
      const r = await gw.api("POST", "/api/v1/connections", {
        name,
        type: "proxy",
        protocol: "http",
        host: "127.0.0.1",
        proxyPort: tomcat.httpPort,
        path: "/app",
        username: "gate",
        password,
      });
      assert.equal(r.status, 201, await r.text());
    };
    await create("web", "gatepw");
    await create("badpw", "nope");
    for (
      const [pathPrefix, connection, backendPath] of [
        ["/web", "web", "/basic"],
        ["/plain", "web", "/"],
        ["/bad", "badpw", "/basic"],
      ]
    ) {
      const r = await gw.api("POST", "/api/v1/routes", { pathPrefix, connection, backendPath });
      assert.equal(r.status, 201, await r.text());
    }

    await t.step(
      "Basic credentials from the connection; X-Forwarded-* set by the gateway",
      async () => {
        const r = await rawRequest(
          gw.proxyAddr.port,
          "GET /web/hello?q=%41 HTTP/1.1\r\nHost: shop.example\r\nX-Forwarded-For: 6.6.6.6\r\n" +
            "X-Forwarded-Proto: https\r\nConnection: close",
        );
        assert.equal(r.status, 200);
        const p = JSON.parse(new TextDecoder().decode(r.body));
        assert.equal(p.requestURI, "/app/basic/hello");
        assert.equal(p.queryString, "q=%41");
        const h = new Map<string, string[]>();
        for (const [k, v] of p.headers as [string, string][]) {
          h.set(k.toLowerCase(), [...(h.get(k.toLowerCase()) ?? []), v]);
        }
        assert.deepEqual(h.get("x-forwarded-for"), ["127.0.0.1"]);
        assert.deepEqual(h.get("x-forwarded-proto"), ["http"]);
        assert.deepEqual(h.get("x-forwarded-host"), ["shop.example"]);
        // fetch always sends the backend's own Host; the client's goes in X-Forwarded-Host
        assert.deepEqual(h.get("host"), [`127.0.0.1:${tomcat.httpPort}`]);
      },
    );

    await t.step("wrong credentials: the backend's 401 passes through", async () => {
      const r = await fetch(gw.url("/bad/x"));
      assert.equal(r.status, 401);
      await r.body?.cancel();
    });

    await t.step("20 MB upload and 10 MB download stream byte-exact", async () => {
      const body = new Uint8Array(20 * MiB);
      for (let i = 0; i < body.length; i++) {
        body[i] = (i * 7 + 3) & 0xff;
      }
      const up = await (await fetch(gw.url("/plain/sha"), { method: "POST", body })).json();
      assert.equal(up.bodyLength, body.length);
      assert.equal(up.bodySha256, await sha256Hex(body));
      const down = new Uint8Array(
        await (await fetch(gw.url(`/plain/stream?bytes=${10 * MiB}`))).arrayBuffer(),
      );
      assert.equal(down.length, 10 * MiB);
      assert.ok(down.every((v, i) => v === ((i * 31 + 7) & 0xff)));
    });

    await t.step("repeated Set-Cookie stay separate", async () => {
      const r = await fetch(gw.url("/plain/cookies?n=3"));
      await r.body?.cancel();
      assert.deepEqual(r.headers.getSetCookie().map((c) => c.split(";")[0]), [
        "c1=v1",
        "c2=v2",
        "c3=v3",
      ]);
    });

    await t.step("backend down: 503 and state error; back to connected by itself", async () => {
      await tomcat.kill();
      const r = await fetch(gw.url("/plain/probe/x"));
      assert.equal(r.status, 503);
      await r.body?.cancel();
      const view = await (await gw.api("GET", "/api/v1/connections/web")).json();
      assert.equal(view.state, "error");
      assert.ok(view.error.message.length > 0);
      await tomcat.restart();
      const end = performance.now() + 15_000;
      for (;;) {
        const v = await (await gw.api("GET", "/api/v1/connections/web")).json();
        if (v.state === "connected") break;
        if (performance.now() > end) assert.fail("web did not recover");
        await new Promise((res) => setTimeout(res, 100));
      }
      const ok = await fetch(gw.url("/plain/probe/x"));
      assert.equal(ok.status, 200);
      await ok.body?.cancel();
    });
  },
});
