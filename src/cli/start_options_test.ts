import assert from "node:assert/strict";
import { parseListen, parseStartOptions } from "./start_options.ts";
import { ConfigError } from "../config/proxy_pass.ts";

const noEnv = () => undefined;

Deno.test("parseStartOptions applies defaults", () => {
  const o = parseStartOptions([], noEnv);
  assert.deepEqual(o.listen, { hostname: "0.0.0.0", port: 8080 });
  assert.deepEqual(o.adminListen, { hostname: "127.0.0.1", port: 9090 });
  assert.equal(o.db, "file:./data/ajpgate.db");
  assert.deepEqual(o.proxyPass, []);
});

Deno.test("parseStartOptions: command line wins over AJPGATE_* environment", () => {
  const env = (n: string) =>
    ({
      AJPGATE_LISTEN: "127.0.0.1:1",
      AJPGATE_DB: ":memory:",
      AJPGATE_PROXY_PASS: "/a ajp://h:1/\n/b ajp://h:2/",
    })[n];
  const o = parseStartOptions(["--listen=127.0.0.1:2"], env);
  assert.equal(o.listen.port, 2);
  assert.equal(o.db, ":memory:");
  assert.deepEqual(o.proxyPass.map((p) => p.prefix), ["/a", "/b"]);
  const o2 = parseStartOptions(["--proxy-pass", "/c ajp://h:3/"], env);
  assert.deepEqual(o2.proxyPass.map((p) => p.prefix), ["/c"]);
});

Deno.test("parseStartOptions rejects unknown options and malformed values", () => {
  for (
    const args of [
      ["--nope", "1"],
      ["--listen"],
      ["--listen", "8080"],
      ["--admin-listen", "h:70000"],
      ["start"],
      [
        "--proxy-pass",
        "/a ajp://h:1/ secret=a",
        "--proxy-pass",
        "/b ajp://h:1/ secret=b",
      ],
    ]
  ) {
    assert.throws(() => parseStartOptions(args, noEnv), ConfigError, args.join(" "));
  }
});

Deno.test("parseListen handles IPv6 and port 0", () => {
  assert.deepEqual(parseListen("listen", "[::1]:0"), { hostname: "::1", port: 0 });
});

Deno.test("parseStartOptions: --backend-allow and --admin-host lists", () => {
  const o = parseStartOptions(
    ["--backend-allow", "10.0.0.0/8, 192.0.2.7", "--admin-host=Admin.Example,[::1]"],
    noEnv,
  );
  assert.deepEqual(o.backendAllow, ["10.0.0.0/8", "192.0.2.7"]);
  assert.deepEqual(o.adminHosts, ["admin.example", "[::1]"]);
  const d = parseStartOptions([], noEnv);
  assert.deepEqual([d.backendAllow, d.adminHosts], [[], []]);
  assert.throws(
    () => parseStartOptions(["--backend-allow", "intranet"], noEnv),
    /--backend-allow: "intranet" is not an IP address or CIDR block/,
  );
  assert.throws(
    () => parseStartOptions(["--admin-host", "a.example:9090"], noEnv),
    /--admin-host "a.example:9090": expected a host name without port/,
  );
});

Deno.test("parseStartOptions refuses --workers above 1 with a :memory: database", () => {
  for (const db of [":memory:", "file::memory:"]) {
    assert.throws(
      () => parseStartOptions(["--workers", "2", "--db", db], noEnv),
      (e: Error) => e instanceof ConfigError && /each worker would get its own/.test(e.message),
    );
  }
  assert.equal(parseStartOptions(["--workers", "2", "--db", "file:x.db"], noEnv).workers, 2);
  assert.equal(parseStartOptions(["--db", ":memory:"], noEnv).workers, 1);
});

Deno.test("client limits: defaults, seconds to ms, environment, bad values refused", () => {
  assert.deepEqual(parseStartOptions([], noEnv).limits, {
    headerTimeoutMs: 20_000,
    idleTimeoutMs: 5_000,
    bodyTimeoutMs: 60_000,
    maxConnections: 1000,
    maxHeaders: 100,
    preReadBytes: 65536,
  });
  const o = parseStartOptions(
    ["--header-timeout", "0.5", "--max-connections=50", "--pre-read", "0"],
    (name) => name === "AJPGATE_KEEPALIVE_TIMEOUT" ? "15" : undefined,
  );
  assert.equal(o.limits.headerTimeoutMs, 500);
  assert.equal(o.limits.idleTimeoutMs, 15_000);
  assert.equal(o.limits.maxConnections, 50);
  assert.equal(o.limits.preReadBytes, 0);
  for (const bad of [["--header-timeout", "0"], ["--max-headers", "x"], ["--body-timeout", "-1"]]) {
    assert.throws(() => parseStartOptions(bad, noEnv), ConfigError, bad.join(" "));
  }
});
