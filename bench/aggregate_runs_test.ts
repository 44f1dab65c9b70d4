import assert from "node:assert/strict";
import { aggregateRuns, median } from "./aggregate_runs.ts";
import type { ResultRow } from "./report.ts";

function row(front: ResultRow["front"], rps: number, extra: Partial<ResultRow> = {}): ResultRow {
  return {
    scenario: "get-13b-c32",
    label: "GET 13 B, 32 conns",
    front,
    kind: "wrk",
    requestsPerSec: rps,
    requests: rps * 10,
    mibPerSec: rps / 1000,
    p50Ms: rps / 10_000,
    p99Ms: rps / 1000,
    frontCpuUs: 50,
    tomcatCpuUs: 40,
    errors: 0,
    ...extra,
  };
}

Deno.test("median is the middle value, or the mean of the two middle ones", () => {
  assert.equal(median([]), undefined);
  assert.equal(median([7]), 7);
  assert.equal(median([10, 20]), 15);
  assert.equal(median([3, 1, 2]), 2);
  assert.equal(median([4, 1, 3, 2]), 2.5);
  assert.equal(median([100, 1, 2]), 2, "one outlier does not move it");
});

Deno.test("aggregateRuns takes each figure's median and sums errors and requests", () => {
  const [merged] = aggregateRuns([
    [row("ajpgate", 10_000, {
      errors: 2,
      frontCpuUs: 40,
      clientCpuUs: 20,
      gatewayPeakRssKiB: 200_000,
    })],
    [row("ajpgate", 12_000, {
      errors: 1,
      frontCpuUs: 60,
      clientCpuUs: 30,
      gatewayPeakRssKiB: 250_000,
    })],
  ]);
  assert.equal(merged.requestsPerSec, 11_000);
  assert.equal(merged.mibPerSec, 11);
  assert.equal(merged.p50Ms, 1.1);
  assert.equal(merged.p99Ms, 11);
  assert.equal(merged.frontCpuUs, 50);
  assert.equal(merged.tomcatCpuUs, 40);
  assert.equal(merged.clientCpuUs, 25);
  assert.equal(merged.errors, 3);
  assert.equal(merged.requests, 220_000);
  assert.equal(merged.gatewayPeakRssKiB, 250_000, "the highest peak of the runs");
  assert.equal(merged.runs, 2);
  assert.equal(merged.failed, undefined);
});

Deno.test("aggregateRuns keeps the first run's order, leaves out figures no run had", () => {
  const tomcat = row("tomcat", 30_000, { frontCpuUs: undefined });
  const merged = aggregateRuns([
    [tomcat, row("ajpgate", 10_000)],
    [row("ajpgate", 10_000), { ...tomcat, requestsPerSec: 40_000 }],
  ]);
  assert.deepEqual(merged.map((r) => r.front), ["tomcat", "ajpgate"]);
  assert.equal(merged[0].requestsPerSec, 35_000);
  assert.ok(!("frontCpuUs" in merged[0]));
  assert.ok(!("vsHttpd" in merged[1]), "ratios come from the medians, later");
});

Deno.test("aggregateRuns leaves a failed run out of the medians and keeps its error", () => {
  const failed: ResultRow = {
    scenario: "get-13b-c32",
    label: "GET 13 B, 32 conns",
    front: "ajpgate-w2",
    kind: "wrk",
    mibPerSec: 0,
    errors: 1,
    errorDetail: "ajpgate-w2 (pid 7) has exited",
    failed: true,
  };
  const [merged] = aggregateRuns([[row("ajpgate-w2", 9_000)], [failed]]);
  assert.equal(merged.requestsPerSec, 9_000);
  assert.equal(merged.errors, 1);
  assert.equal(merged.failed, true);
  assert.equal(merged.errorDetail, "run 2: ajpgate-w2 (pid 7) has exited");

  const [alone] = aggregateRuns([[failed]]);
  assert.equal(alone.mibPerSec, 0);
  assert.equal(alone.requestsPerSec, undefined);
  assert.equal(alone.errorDetail, "ajpgate-w2 (pid 7) has exited", "one run: no run number");
});
