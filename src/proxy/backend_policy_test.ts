import assert from "node:assert/strict";
import {
  addressVerifier,
  BackendPolicy,
  BackendRefusedError,
  guardConnector,
  parseCidr,
  parseIp,
} from "./backend_policy.ts";

Deno.test("parseIp: IPv4 in every form a URL host accepts, IPv6, mapped IPv4, names", () => {
  assert.deepEqual(parseIp("10.1.2.3"), new Uint8Array([10, 1, 2, 3]));
  assert.deepEqual(parseIp("127.1"), new Uint8Array([127, 0, 0, 1]));
  assert.deepEqual(parseIp("2130706433"), new Uint8Array([127, 0, 0, 1]));
  assert.deepEqual(parseIp("0x7f.0.0.1"), new Uint8Array([127, 0, 0, 1]));
  assert.deepEqual(parseIp("::ffff:127.0.0.1"), new Uint8Array([127, 0, 0, 1]));
  assert.deepEqual(parseIp("[::ffff:7f00:1]"), new Uint8Array([127, 0, 0, 1]));
  assert.equal(parseIp("::1")?.length, 16);
  assert.equal(parseIp("fe80::1%eth0")?.[0], 0xfe);
  assert.equal(parseIp("tomcat.internal"), null);
  assert.equal(parseIp("1::2::3"), null);
  assert.equal(parseIp("1:2:3:4:5:6:7:8:9"), null);
});

Deno.test("parseCidr: blocks and single addresses; bad entries name themselves", () => {
  assert.equal(parseCidr("10.0.0.0/8").bits, 8);
  assert.equal(parseCidr("fd00::/8").bits, 8);
  assert.equal(parseCidr("192.0.2.7").bits, 32);
  assert.throws(() => parseCidr("10.0.0.0/33"), /"10.0.0.0\/33" is not an IP address/);
  assert.throws(() => parseCidr("intranet"), /"intranet"/);
});

Deno.test("BackendPolicy: loopback, link-local, unspecified and the outside are refused", () => {
  const p = new BackendPolicy({ allow: ["10.0.0.0/8"] });
  assert.equal(p.refusal("127.0.0.1", 8009), "127.0.0.1 is a loopback address");
  assert.equal(p.refusal("127.1", 8009), "127.1 is a loopback address");
  assert.equal(p.refusal("::1", 8009), "[::1] is a loopback address");
  assert.equal(p.refusal("::ffff:127.0.0.1", 80), "[::ffff:127.0.0.1] is a loopback address");
  assert.equal(p.refusal("169.254.169.254", 80), "169.254.169.254 is a link-local address");
  assert.equal(p.refusal("fe80::1", 80), "[fe80::1] is a link-local address");
  assert.equal(p.refusal("0.0.0.0", 80), "0.0.0.0 is an unspecified address");
  assert.equal(p.refusal("::", 80), "[::] is an unspecified address");
  assert.equal(
    p.refusal("192.0.2.1", 8009),
    "192.0.2.1 is outside the backend allow-list (--backend-allow)",
  );
  assert.equal(p.refusal("10.9.8.7", 8009), null);
  assert.equal(p.refusal("tomcat.internal", 8009), null, "names are judged once resolved");
});

Deno.test("BackendPolicy: the command line's backends are allowed, its listeners never", () => {
  const p = new BackendPolicy({
    allow: ["127.0.0.0/8"],
    endpoints: [{ host: "192.0.2.5", port: 8009 }],
    listeners: [{ hostname: "0.0.0.0", port: 8080 }, { hostname: "127.0.0.1", port: 9090 }],
    localAddresses: ["192.0.2.99"],
  });
  assert.equal(p.refusal("192.0.2.5", 8009), null);
  assert.match(p.refusal("192.0.2.5", 8010)!, /outside the backend allow-list/);
  assert.equal(p.refusal("127.0.0.1", 8009), null, "allow-listed loopback");
  assert.equal(p.refusal("127.0.0.1", 9090), "127.0.0.1:9090 is the gateway's own listener");
  assert.equal(p.refusal("127.0.0.1", 8080), "127.0.0.1:8080 is the gateway's own listener");
  assert.equal(p.refusal("192.0.2.99", 8080), "192.0.2.99:8080 is the gateway's own listener");
});

Deno.test("BackendPolicy.check: judges what a name resolves to now", async () => {
  const p = new BackendPolicy({ allow: ["10.0.0.0/8"] });
  const resolve = (host: string) =>
    Promise.resolve(host === "evil.example" ? ["10.0.0.1", "127.0.0.1"] : []);
  assert.equal(
    await p.check("evil.example", 80, resolve),
    "evil.example resolves to 127.0.0.1 is a loopback address",
  );
  assert.equal(await p.check("unknown.example", 80, resolve), null);
  assert.equal(
    await p.check("localhost", 80),
    "localhost resolves to 127.0.0.1 is a loopback address",
  );
  assert.equal(await p.check("10.1.1.1", 80, resolve), null);
});

Deno.test("guardConnector: closes a socket that reached a refused address", async () => {
  using listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr;
  const refused = guardConnector(new BackendPolicy());
  await assert.rejects(
    refused({ hostname: "localhost", port, signal: AbortSignal.timeout(2000) }),
    (err: Error) =>
      err instanceof BackendRefusedError &&
      err.message === `localhost:${port} reached 127.0.0.1 is a loopback address; ` +
          "only a superuser may set this backend",
  );
  const accepted = await listener.accept();
  const buf = new Uint8Array(1);
  assert.equal(await accepted.read(buf), null, "closed without a byte sent");
  accepted.close();
  const allowed = guardConnector(new BackendPolicy({ allow: ["127.0.0.1"] }));
  const conn = await allowed({ hostname: "localhost", port, signal: AbortSignal.timeout(2000) });
  conn.close();
  (await listener.accept()).close();
});

Deno.test("addressVerifier: refuses literals at once and names once connected", async () => {
  using listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr;
  const verify = addressVerifier(new BackendPolicy());
  await assert.rejects(verify("127.0.0.1", port), BackendRefusedError);
  await assert.rejects(verify("localhost", port), /reached 127.0.0.1 is a loopback address/);
  (await listener.accept()).close();
  await addressVerifier(new BackendPolicy({ allow: ["127.0.0.0/8"] }))("localhost", port);
  (await listener.accept()).close();
});
