import assert from "node:assert/strict";
import { type Row, toColumns, toConnection } from "./connection_rows.ts";

const row: Row = {
  id: 1,
  name: "Tomcat-A",
  nameKey: "tomcat-a",
  type: "direct",
  host: "h",
  port: 8009,
  secret: "v1:xxx",
  packetSize: 8192,
  protocol: null,
  path: null,
  proxyPort: null,
  username: null,
  password: null,
  poolInitial: 0,
  poolMax: null,
  idleTimeoutMs: 1,
  connectTimeoutMs: 2,
  acquireTimeoutMs: 3,
  replyTimeoutMs: 4,
  headTimeoutMs: 7,
  bodyTimeoutMs: 8,
  writeTimeoutMs: 9,
  pingMode: "prepost",
  pingTimeoutMs: 5,
  pingIntervalMs: 6,
  enabled: true,
  description: null,
  restricted: false,
  createdAt: 0,
  updatedAt: 1000,
};

Deno.test("toConnection: nests pool and ping, replaces secrets by flags", () => {
  const c = toConnection(row);
  assert.deepEqual(c.pool, {
    initial: 0,
    max: null,
    idleTimeoutMs: 1,
    connectTimeoutMs: 2,
    acquireTimeoutMs: 3,
    replyTimeoutMs: 4,
    headTimeoutMs: 7,
    bodyTimeoutMs: 8,
    writeTimeoutMs: 9,
  });
  assert.deepEqual(c.ping, { mode: "prepost", timeoutMs: 5, intervalMs: 6 });
  assert.equal(c.secretSet, true);
  assert.equal(c.passwordSet, false);
  assert.equal(c.updatedAt, "1970-01-01T00:00:01.000Z");
  assert.ok(!("secret" in c) && !("password" in c));
});

Deno.test("toColumns: sets only what a patch names, keeps explicit nulls", () => {
  assert.deepEqual(toColumns({ name: "B", pool: { max: null }, description: null }), {
    name: "B",
    nameKey: "b",
    poolMax: null,
    description: null,
  });
  assert.deepEqual(toColumns({ secret: "s", password: "p" }), {});
  assert.deepEqual(toColumns({ pool: { headTimeoutMs: 1, bodyTimeoutMs: 2, writeTimeoutMs: 3 } }), {
    headTimeoutMs: 1,
    bodyTimeoutMs: 2,
    writeTimeoutMs: 3,
  });
});
