/**
 * TLS on the proxy listener in front of a real Tomcat. With --tls-client-ca (the node:tls
 * front, HTTP/1.1): AJP is_ssl and the ssl_* attributes come from the real TLS session
 * (cipher, key size, protocol, the client certificate). Without it (Deno.serve, HTTP/1.1 and
 * HTTP/2): Tomcat sees https and isSecure(), and no cipher, key size or protocol, which
 * Deno.serve does not expose.
 */
import assert from "node:assert/strict";
import { makeCerts } from "./support/certs.ts";
import { startTestGateway } from "./support/gateway.ts";
import { startTomcat, tomcatAvailable } from "./support/tomcat.ts";

const SECRET = "tls-secret";

Deno.test({
  name: "TLS gateway: Tomcat sees https, the cipher, the key size and the client certificate",
  ignore: tomcatAvailable() !== null,
  sanitizeOps: false,
  sanitizeResources: false,
  async fn(t) {
    await using certs = await makeCerts();
    await using tomcat = await startTomcat({ ajp: [{ name: "ajp", secret: SECRET }] });
    await using gw = await startTestGateway(
      [`/app ajp://127.0.0.1:${tomcat.ajpPort("ajp")}/app secret=${SECRET}`],
      {
        args: [
          "--tls-cert",
          certs.certFile,
          "--tls-key",
          certs.keyFile,
          "--tls-client-ca",
          certs.caFile,
        ],
      },
    );
    const client = Deno.createHttpClient({
      caCerts: [certs.ca],
      cert: certs.clientCert,
      key: certs.clientKey,
    });

    await t.step("HTTP/1.1 with a client certificate", async () => {
      const r = await fetch(gw.url("/app/probe/tls?q=1"), { client } as RequestInit);
      assert.equal(r.status, 200);
      const p = await r.json();
      assert.equal(p.scheme, "https");
      assert.equal(p.secure, true);
      assert.equal(p.queryString, "q=1");
      const a = p.attributes as Record<string, string>;
      assert.match(a["jakarta.servlet.request.cipher_suite"], /AES|CHACHA/);
      assert.match(String(a["jakarta.servlet.request.key_size"]), /^(128|256)$/);
      assert.match(a["jakarta.servlet.request.X509Certificate"] ?? "", /CN=client/);
      assert.match(
        a["jakarta.servlet.request.secure_protocol"] ??
          a["org.apache.tomcat.util.net.secure_protocol_version"] ?? "",
        /TLSv1\.[23]/,
      );
    });

    await t.step("with a client CA, HTTP/2 is not offered: ALPN settles on HTTP/1.1", async () => {
      const conn = await Deno.connectTls({
        hostname: "127.0.0.1",
        port: gw.proxyAddr.port,
        caCerts: [certs.ca],
        alpnProtocols: ["h2", "http/1.1"],
        cert: certs.clientCert,
        key: certs.clientKey,
      });
      try {
        assert.equal((await conn.handshake()).alpnProtocol, "http/1.1");
      } finally {
        conn.close();
      }
    });

    await t.step("a client without a certificate is refused at the handshake", async () => {
      const anonymous = Deno.createHttpClient({ caCerts: [certs.ca] });
      try {
        await assert.rejects(() =>
          fetch(gw.url("/app/probe/x"), { client: anonymous } as RequestInit)
        );
      } finally {
        anonymous.close();
      }
    });
    client.close();
  },
});

Deno.test({
  name: "TLS gateway on Deno.serve: HTTP/1.1 and HTTP/2 reach Tomcat as https, without ssl_*",
  ignore: tomcatAvailable() !== null,
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    await using certs = await makeCerts();
    await using tomcat = await startTomcat({ ajp: [{ name: "ajp", secret: SECRET }] });
    await using gw = await startTestGateway(
      [`/app ajp://127.0.0.1:${tomcat.ajpPort("ajp")}/app secret=${SECRET}`],
      { args: ["--tls-cert", certs.certFile, "--tls-key", certs.keyFile] },
    );
    for (const http2 of [false, true]) {
      const client = Deno.createHttpClient({ caCerts: [certs.ca], http1: !http2, http2 });
      try {
        const r = await fetch(gw.url("/app/probe/tls?q=2"), { client } as RequestInit);
        assert.equal(r.status, 200);
        const p = await r.json();
        assert.equal(p.scheme, "https");
        assert.equal(p.secure, true);
        assert.equal(p.queryString, "q=2");
        const a = p.attributes as Record<string, string>;
        assert.equal(a["jakarta.servlet.request.cipher_suite"], undefined);
        assert.equal(a["jakarta.servlet.request.key_size"], undefined);
        assert.equal(a["jakarta.servlet.request.X509Certificate"], undefined);
      } finally {
        client.close();
      }
    }
  },
});
