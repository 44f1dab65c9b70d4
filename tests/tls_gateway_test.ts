/**
 * TLS on the proxy listener in front of a real Tomcat: AJP is_ssl and the ssl_* attributes
 * come from the real TLS session (cipher, key size, protocol, the client certificate when
 * --tls-client-ca asks for one), over HTTP/1.1 and HTTP/2.
 */
import assert from "node:assert/strict";
import { connect as h2connect } from "node:http2";
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

    await t.step("HTTP/2 reaches Tomcat the same way", async () => {
      const session = h2connect(`https://127.0.0.1:${gw.proxyAddr.port}`, {
        ca: certs.ca,
        cert: certs.clientCert,
        key: certs.clientKey,
      });
      try {
        const body = await new Promise<string>((resolve, reject) => {
          const req = session.request({ ":path": "/app/probe/h2" });
          let text = "";
          req.setEncoding("utf8");
          req.on("data", (d: string) => text += d);
          req.on("end", () => resolve(text));
          req.on("error", reject);
          req.end();
        });
        const p = JSON.parse(body);
        assert.equal(p.secure, true);
        assert.equal(p.requestURI, "/app/probe/h2");
      } finally {
        session.close();
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
