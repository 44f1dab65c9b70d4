import assert from "node:assert/strict";
import { ConfigError, parseProxyPass } from "./proxy_pass.ts";

Deno.test("parseProxyPass reads mod_proxy_ajp's syntax", () => {
  const p = parseProxyPass(
    "/app/ ajp://127.0.0.1:8009/app/ secret=s3cret max=8 timeout=30 connectiontimeout=5 packetsize=65536 acquire=250 ttl=60 name=t1",
  );
  assert.equal(p.prefix, "/app");
  assert.equal(p.backendPath, "/app");
  assert.deepEqual(
    [p.backend.name, p.backend.host, p.backend.port, p.backend.secret, p.backend.max],
    ["t1", "127.0.0.1", 8009, "s3cret", 8],
  );
  assert.deepEqual(
    [
      p.backend.replyTimeoutMs,
      p.backend.connectTimeoutMs,
      p.backend.packetSize,
      p.backend.acquireTimeoutMs,
    ],
    [30_000, 5_000, 65536, 250],
  );
  assert.equal(p.backend.idleTimeoutMs, 60_000);
});

Deno.test("parseProxyPass defaults: port 8009, name HOST-PORT, root path", () => {
  const p = parseProxyPass("/ ajp://tomcat");
  assert.deepEqual([p.prefix, p.backendPath, p.backend.port, p.backend.name], [
    "",
    "",
    8009,
    "tomcat-8009",
  ]);
  assert.equal(p.backend.max, 64);
  assert.equal(p.backend.secret, null);
});

Deno.test("parseProxyPass rejects malformed values with one clear message", () => {
  for (
    const bad of [
      "/app",
      "app ajp://h:1/",
      "/app http://h:1/",
      "/app ajp://h:1/ max=0",
      "/app ajp://h:1/ packetsize=9000",
      "/app ajp://h:1/ nosuch=1",
      "/app ajp://h:1/ secret",
      "/app ajp://h:1/?q=1",
      "/app ajp://h:99999/",
    ]
  ) {
    assert.throws(() => parseProxyPass(bad), ConfigError, bad);
  }
});

Deno.test("parseProxyPass: secret=env:NAME and secretfile=PATH keep it off the command line", () => {
  const sources = {
    env: (n: string) => ({ AJP_SECRET: "from-env", EMPTY: "" })[n],
    readFile: (path: string) => {
      if (path === "/run/ajp.secret") return "from-file\nignored\n";
      if (path === "/run/blank") return "\n";
      throw new Error(`${path}: no such file`);
    },
  };
  const spec = (opt: string) => `/app ajp://h:8009/ ${opt}`;
  assert.equal(parseProxyPass(spec("secret=env:AJP_SECRET"), sources).backend.secret, "from-env");
  assert.equal(
    parseProxyPass(spec("secretfile=/run/ajp.secret"), sources).backend.secret,
    "from-file",
  );
  for (
    const [opt, why] of [
      ["secret=env:MISSING", /environment variable MISSING is not set or empty/],
      ["secret=env:EMPTY", /EMPTY is not set or empty/],
      ["secret=env:1BAD", /expected env:NAME/],
      ["secretfile=/nope", /cannot read the file: \/nope: no such file/],
      ["secretfile=/run/blank", /first line is empty/],
    ] as const
  ) {
    assert.throws(
      () => parseProxyPass(spec(opt), sources),
      (e: Error) => e instanceof ConfigError && why.test(e.message),
      opt,
    );
  }
});

Deno.test("parseProxyPass reads the exchange's time limits, with 60 s defaults", () => {
  const p = parseProxyPass("/ ajp://t headtimeout=1500 bodytimeout=300 writetimeout=700");
  assert.deepEqual(
    [p.backend.headTimeoutMs, p.backend.bodyTimeoutMs, p.backend.writeTimeoutMs],
    [1500, 300, 700],
  );
  const d = parseProxyPass("/ ajp://t").backend;
  assert.deepEqual([d.headTimeoutMs, d.bodyTimeoutMs, d.writeTimeoutMs], [60_000, 60_000, 60_000]);
  assert.throws(() => parseProxyPass("/ ajp://t headtimeout=0"), ConfigError);
});
