import assert from "node:assert/strict";
import type { AccessRecord } from "./access_trace.ts";
import { OTHER_KEY, TimeSeries } from "./time_series.ts";

function rec(over: Partial<AccessRecord>): AccessRecord {
  return {
    requestId: "r",
    method: "GET",
    path: "/",
    route: "r1",
    connection: "c1",
    status: 200,
    outcome: "ok",
    bytesIn: 0,
    bytesOut: 0,
    ttfbMs: 1,
    totalMs: 1,
    remoteAddr: "127.0.0.1",
    ...over,
  };
}

Deno.test("time series: rate, error rate and quantiles per slot, per route and connection", () => {
  let now = 1_000_000;
  const ts = new TimeSeries({ stepMs: 1000, slots: 5, now: () => now });
  for (let i = 0; i < 98; i++) ts.record(rec({ totalMs: 2 }));
  ts.record(rec({ totalMs: 900, status: 502 }));
  ts.record(rec({ totalMs: 1000, outcome: "aborted" }));
  now += 1000;
  ts.record(rec({ route: "r2", connection: null, totalMs: 10 }));
  const snap = ts.snapshot();
  assert.equal(snap.times.length, 5);
  assert.equal(snap.times[4], 1_001_000);
  const r1 = snap.routes.r1;
  assert.deepEqual(r1.rate, [0, 0, 0, 100, 0]);
  assert.equal(r1.total, 100);
  assert.equal(r1.errorRate[3], 0.02);
  assert.equal(r1.errorRate[4], null);
  // 2 ms falls in the bucket bounded by the first bound >= 2
  assert.ok(r1.p50[3]! >= 2 && r1.p50[3]! < 3, `p50 ${r1.p50[3]}`);
  assert.ok(r1.p99[3]! >= 900 && r1.p99[3]! < 1400, `p99 ${r1.p99[3]}`);
  assert.deepEqual(snap.connections.c1.rate, [0, 0, 0, 100, 0]);
  assert.equal(snap.routes.r2.total, 1);
  assert.equal(snap.connections.r2, undefined);
});

Deno.test("time series: old slots fall out of the window and are reused", () => {
  let now = 0;
  const ts = new TimeSeries({ stepMs: 1000, slots: 3, now: () => now });
  ts.record(rec({}));
  now = 3000; // same ring position as 0, three slots later
  ts.record(rec({}));
  ts.record(rec({}));
  const r1 = ts.snapshot().routes.r1;
  assert.deepEqual(r1.rate, [0, 0, 2]);
  assert.equal(r1.total, 2);
  now = 10_000;
  assert.equal(ts.snapshot().routes.r1.total, 0);
});

Deno.test("time series: keys past maxKeys are counted under (other)", () => {
  const ts = new TimeSeries({ maxKeys: 2, now: () => 0 });
  ts.record(rec({ route: "a", connection: null }));
  ts.record(rec({ route: "b", connection: null }));
  ts.record(rec({ route: "c", connection: null }));
  ts.record(rec({ route: "d", connection: "x" }));
  const snap = ts.snapshot();
  assert.deepEqual(Object.keys(snap.routes).sort(), [OTHER_KEY, "a", "b"]);
  assert.equal(snap.routes[OTHER_KEY].total, 2);
  assert.deepEqual(Object.keys(snap.connections), [OTHER_KEY]);
});
