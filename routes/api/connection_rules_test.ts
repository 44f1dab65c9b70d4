import assert from "node:assert/strict";
import type { Connection } from "../../db/mod.ts";
import {
  connectionIssues,
  mergeConnectionPatch,
  retarget,
  shapeOfInput,
} from "./connection_rules.ts";

const fields = (issues: { field: string }[]) => issues.map((i) => i.field);

const direct: Connection = {
  id: 1,
  name: "a",
  type: "direct",
  host: "h",
  port: 8009,
  secretSet: true,
  packetSize: 8192,
  protocol: null,
  path: null,
  proxyPort: null,
  username: null,
  passwordSet: false,
  pool: {
    initial: 2,
    max: 10,
    idleTimeoutMs: 1,
    connectTimeoutMs: 1,
    acquireTimeoutMs: 1,
    replyTimeoutMs: 1,
    headTimeoutMs: 1,
    bodyTimeoutMs: 1,
    writeTimeoutMs: 1,
  },
  ping: { mode: "none", timeoutMs: 1, intervalMs: 1000 },
  enabled: true,
  description: null,
  restricted: false,
  createdAt: "",
  updatedAt: "",
};

Deno.test("connectionIssues: a direct connection needs a port and no proxy fields", () => {
  assert.deepEqual(
    fields(connectionIssues(shapeOfInput({ name: "a", type: "direct", host: "h" }))),
    [
      "port",
    ],
  );
  const withProxyFields = shapeOfInput({
    name: "a",
    type: "direct",
    host: "h",
    port: 1,
    protocol: "http",
    password: "p",
  });
  assert.deepEqual(fields(connectionIssues(withProxyFields)), ["protocol", "password"]);
});

Deno.test("connectionIssues: a proxy connection needs protocol and proxyPort, no AJP port", () => {
  const s = shapeOfInput({ name: "a", type: "proxy", host: "h", port: 8009, secret: "s" });
  assert.deepEqual(fields(connectionIssues(s)), ["protocol", "proxyPort", "port", "secret"]);
  const ok = shapeOfInput({ name: "a", type: "proxy", host: "h", protocol: "https", proxyPort: 1 });
  assert.deepEqual(connectionIssues(ok), []);
});

Deno.test("connectionIssues: pool.max null or >= initial, with the default max 64", () => {
  const base = { name: "a", type: "direct" as const, host: "h", port: 1 };
  assert.deepEqual(fields(connectionIssues(shapeOfInput({ ...base, pool: { initial: 65 } }))), [
    "pool.max",
  ]);
  assert.deepEqual(
    connectionIssues(shapeOfInput({ ...base, pool: { initial: 65, max: null } })),
    [],
  );
  assert.deepEqual(connectionIssues(shapeOfInput({ ...base, pool: { initial: 64 } })), []);
});

Deno.test("mergeConnectionPatch: judged on the merged result", () => {
  assert.deepEqual(
    fields(connectionIssues(mergeConnectionPatch(direct, { pool: { max: 1 } }).shape)),
    [
      "pool.max",
    ],
  );
  assert.deepEqual(
    connectionIssues(mergeConnectionPatch(direct, { pool: { max: null } }).shape),
    [],
  );
  assert.deepEqual(fields(connectionIssues(mergeConnectionPatch(direct, { port: null }).shape)), [
    "port",
  ]);
});

Deno.test("mergeConnectionPatch: a type change clears the old type's unnamed fields", () => {
  const m = mergeConnectionPatch(direct, { type: "proxy", protocol: "http", proxyPort: 3128 });
  assert.equal(m.patch.port, null);
  assert.equal(m.patch.secret, null);
  assert.deepEqual(connectionIssues(m.shape), []);
  const kept = mergeConnectionPatch(direct, {
    type: "proxy",
    protocol: "http",
    proxyPort: 1,
    port: 2,
  });
  assert.deepEqual(fields(connectionIssues(kept.shape)), ["port"]);
});

Deno.test("retarget: a new host, port or type clears the secret unless given or kept", () => {
  assert.deepEqual(retarget(direct, { description: "x" }, false), {
    moved: false,
    patch: { description: "x" },
    cleared: [],
  });
  for (const change of [{ port: 9009 }, { host: "elsewhere" }, { type: "proxy" as const }]) {
    const r = retarget(direct, change, false);
    assert.equal(r.moved, true, JSON.stringify(change));
    assert.equal(r.patch.secret, null, JSON.stringify(change));
    assert.deepEqual(r.cleared, ["secret"]);
  }
  assert.equal(retarget(direct, { host: "H" }, false).moved, false, "host case is no move");
  assert.deepEqual(retarget(direct, { port: 9009, secret: "new" }, false).cleared, []);
  assert.deepEqual(retarget(direct, { port: 9009 }, true), {
    moved: true,
    patch: { port: 9009 },
    cleared: [],
  });
  const proxy = { ...direct, type: "proxy" as const, port: null, secretSet: false };
  const withPassword = { ...proxy, protocol: "http" as const, proxyPort: 80, passwordSet: true };
  assert.deepEqual(retarget(withPassword, { proxyPort: 8080 }, false).cleared, ["password"]);
  assert.deepEqual(retarget(withPassword, { protocol: "https" }, false).cleared, ["password"]);
});
