import assert from "node:assert/strict";
import { renderHttpdConf } from "./httpd_config.ts";

const VHOSTS = [
  { port: 8001, prefix: "/app", target: "ajp://127.0.0.1:9001/app", secret: "s3" },
  {
    port: 8002,
    prefix: "/big",
    target: "ajp://127.0.0.1:9002/app",
    secret: "s3",
    ioBufferSize: 65536,
  },
];

Deno.test("each packet size gets its own VirtualHost; ProxyIOBufferSize only in the 64K one", () => {
  const conf = renderHttpdConf({ serverRoot: "/tmp/r", modulesDir: "/mods", vhosts: VHOSTS });
  assert.match(conf, /^Listen 127\.0\.0\.1:8001$/m);
  assert.match(conf, /^Listen 127\.0\.0\.1:8002$/m);
  const [, first, second] = conf.split(/<VirtualHost /);
  assert.match(first, /^127\.0\.0\.1:8001>/);
  assert.match(first, /ProxyPass "\/app" "ajp:\/\/127\.0\.0\.1:9001\/app" secret=s3/);
  assert.doesNotMatch(first, /ProxyIOBufferSize/);
  assert.match(
    second,
    /ProxyIOBufferSize 65536\n\s+ProxyPass "\/big" "ajp:\/\/127\.0\.0\.1:9002\/app"/,
  );
});

Deno.test("the server config loads mpm_event and mod_proxy_ajp and names every path", () => {
  const conf = renderHttpdConf({ serverRoot: "/tmp/r", modulesDir: "/mods", vhosts: VHOSTS });
  assert.match(conf, /^LoadModule mpm_event_module "\/mods\/mod_mpm_event\.so"$/m);
  assert.match(conf, /^LoadModule proxy_ajp_module "\/mods\/mod_proxy_ajp\.so"$/m);
  assert.match(conf, /^PidFile "\/tmp\/r\/run\/httpd\.pid"$/m);
  assert.match(conf, /^ErrorLog "\/tmp\/r\/logs\/error_log"$/m);
  assert.match(conf, /^MaxRequestWorkers 512$/m);
  assert.match(conf, /^MaxKeepAliveRequests 0$/m);
  assert.doesNotMatch(conf, /CustomLog|^User /m);
});

Deno.test("access log and User appear only when asked for", () => {
  const conf = renderHttpdConf({
    serverRoot: "/tmp/r",
    modulesDir: "/mods",
    vhosts: VHOSTS,
    accessLog: true,
    user: "www-data",
  });
  assert.match(conf, /^CustomLog "\/tmp\/r\/logs\/access_log" common$/m);
  assert.match(conf, /^LogFormat "%h %l %u %t \\"%r\\" %>s %b" common$/m);
  assert.match(conf, /^User www-data\nGroup www-data$/m);
});

Deno.test("a TLS vhost gets mod_ssl, mod_http2 and h2 by ALPN; plain configs load neither", () => {
  const plain = renderHttpdConf({ serverRoot: "/tmp/r", modulesDir: "/mods", vhosts: VHOSTS });
  assert.doesNotMatch(plain, /mod_ssl|mod_http2|SSLEngine/);
  const conf = renderHttpdConf({
    serverRoot: "/tmp/r",
    modulesDir: "/mods",
    vhosts: [{ ...VHOSTS[0], tls: { certFile: "/c.pem", keyFile: "/k.pem" } }],
  });
  assert.match(conf, /^LoadModule ssl_module "\/mods\/mod_ssl\.so"$/m);
  assert.match(conf, /^LoadModule http2_module "\/mods\/mod_http2\.so"$/m);
  assert.match(conf, /^SSLSessionCache "shmcb:\/tmp\/r\/run\/ssl_scache\(512000\)"$/m);
  const [, vhost] = conf.split(/<VirtualHost /);
  assert.match(vhost, /SSLEngine on\n\s+SSLCertificateFile "\/c\.pem"\n/);
  assert.match(vhost, /SSLCertificateKeyFile "\/k\.pem"\n\s+Protocols h2 http\/1\.1\n/);
});
