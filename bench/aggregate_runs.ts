/**
 * Merges the rows of several runs of the benchmark into one row per scenario and front: the
 * targets are judged on the median of the runs of one invocation, which a single slow run
 * (the JIT, GC, other work on a shared machine) moves less than a mean of many would.
 * @module
 */

import type { ResultRow } from "./report.ts";

/**
 * The median of `values`: the middle value, or for an even count the mean of the two middle
 * ones, so for two runs the mean of the two. Undefined for no values.
 *
 * @example
 * ```ts
 * median([3, 1, 2]); // 2
 * median([10, 20]); // 15
 * ```
 */
export function median(values: readonly number[]): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** The figures that are medians of the runs; everything else is summed, maxed or joined. */
const MEDIAN_FIELDS = [
  "requestsPerSec",
  "mibPerSec",
  "p50Ms",
  "p99Ms",
  "seconds",
  "frontCpuUs",
  "tomcatCpuUs",
  "clientCpuUs",
] as const;

/**
 * One row per scenario and front, in the order they were first measured: each figure of
 * {@link MEDIAN_FIELDS} is the median over the runs that measured it (a failed run's zeros
 * would drag it down), errors and requests are summed, the gateway's peak RSS is the highest
 * of the runs, and a row failed when any run failed, its details prefixed "run N:". Ratios
 * are left out: `addRatios` (report.ts) computes them from the medians.
 */
export function aggregateRuns(runs: readonly (readonly ResultRow[])[]): ResultRow[] {
  const groups = new Map<string, { run: number; row: ResultRow }[]>();
  runs.forEach((rows, i) => {
    for (const row of rows) {
      const key = `${row.scenario}\0${row.front}`;
      const group = groups.get(key) ?? [];
      group.push({ run: i + 1, row });
      groups.set(key, group);
    }
  });
  return [...groups.values()].map((group) => mergeRuns(group, runs.length > 1));
}

function mergeRuns(group: { run: number; row: ResultRow }[], numbered: boolean): ResultRow {
  const rows = group.map((g) => g.row);
  const measured = rows.filter((r) => !r.failed);
  const base = measured[0] ?? rows[0];
  const out: ResultRow = {
    scenario: base.scenario,
    label: base.label,
    front: base.front,
    kind: base.kind,
    mibPerSec: 0,
    errors: rows.reduce((sum, r) => sum + r.errors, 0),
    runs: rows.length,
  };
  for (const field of MEDIAN_FIELDS) {
    const m = median(measured.flatMap((r) => r[field] ?? []));
    if (m !== undefined) out[field] = m;
  }
  const requests = measured.flatMap((r) => r.requests ?? []);
  if (requests.length > 0) out.requests = requests.reduce((a, b) => a + b, 0);
  const peaks = rows.flatMap((r) => r.gatewayPeakRssKiB ?? []);
  if (peaks.length > 0) out.gatewayPeakRssKiB = Math.max(...peaks);
  const details = group.filter((g) => g.row.errorDetail)
    .map((g) => numbered ? `run ${g.run}: ${g.row.errorDetail}` : g.row.errorDetail!);
  if (details.length > 0) out.errorDetail = details.join("; ");
  if (rows.some((r) => r.failed)) out.failed = true;
  return out;
}
