/**
 * The TLS rows of `bench:compare` (bench/tls_compare.ts) as text, and the percentile their
 * latencies are read with.
 * @module
 */

import type { TlsRow } from "./tls_compare.ts";

/** The `q` quantile of sorted values (nearest rank); 0 when there are none. */
export function percentile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
}

/** The TLS rows as a text table. */
export function renderTlsTable(rows: readonly TlsRow[]): string {
  const head = ["scenario", "front", "req/s", "MiB/s", "p50 ms", "p99 ms", "errors", "vs plain"];
  const lines = [[...head, "vs httpd-tls", "exact"]];
  const fixed = (n: number | undefined, d: number) => n === undefined ? "" : n.toFixed(d);
  for (const r of rows) {
    lines.push([
      r.label,
      r.front,
      fixed(r.requestsPerSec, 0),
      fixed(r.mibPerSec, 1),
      fixed(r.p50Ms, 2),
      fixed(r.p99Ms, 2),
      String(r.errors),
      r.vsPlain === undefined ? "" : `${r.vsPlain.toFixed(2)}x`,
      r.vsHttpdTls === undefined ? "" : `${r.vsHttpdTls.toFixed(2)}x`,
      r.exact === undefined ? "" : r.exact ? "yes" : "NO",
    ]);
  }
  const widths = lines[0].map((_, i) => Math.max(...lines.map((l) => l[i].length)));
  const text = lines.map((l) =>
    l.map((cell, i) => i < 2 ? cell.padEnd(widths[i]) : cell.padStart(widths[i])).join("  ")
      .trimEnd()
  );
  const notes = rows.filter((r) => r.errorDetail).map((r) =>
    `  ${r.label} via ${r.front}: ${r.errorDetail}`
  );
  return [
    "TLS (h2load, 2 threads, 1 stream per connection; vs plain: the plain ajpgate listener " +
    "over HTTP/1.1 with the same path and connections)",
    ...text,
    ...notes,
  ].join("\n");
}
