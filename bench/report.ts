/**
 * The benchmark's results: one row per scenario and front, ratios of ajpgate to httpd (same
 * AJP packet size) and to Tomcat direct, the gateway's memory, rendered as one text table and
 * kept as JSON so that the next run can print its change against this one.
 * @module
 */

import type { FrontName } from "./options.ts";

/** One scenario measured through one front. */
export interface ResultRow {
  scenario: string;
  label: string;
  front: FrontName;
  kind: "wrk" | "transfer";
  /** wrk only. */
  requestsPerSec?: number;
  mibPerSec: number;
  /** wrk only. */
  p50Ms?: number;
  p99Ms?: number;
  /** transfers only: curl's total time. */
  seconds?: number;
  /** Socket errors + non-2xx/3xx (wrk), or 1 for a failed or inexact transfer. */
  errors: number;
  /** What went wrong, when something did. */
  errorDetail?: string;
  /** True when the measurement itself failed (wrk could not run, a transfer was inexact). */
  failed?: boolean;
  /** For the gateway's fronts: its peak RSS during this measurement, in KiB. */
  gatewayPeakRssKiB?: number;
  /** Filled by {@link addRatios} on the gateway's rows. */
  vsHttpd?: number;
  vsTomcat?: number;
}

/** The gateway's memory over the run, in KiB. */
export interface GatewayMemory {
  /** After startup, before any request. */
  idleRssKiB: number;
  /** Highest sample (every 100 ms) over the whole run. */
  peakRssKiB: number;
  /** During the upload and the download. */
  uploadPeakRssKiB?: number;
  downloadPeakRssKiB?: number;
  /** At the end, after every scenario. */
  finalRssKiB: number;
}

/** The JSON report (bench/results/latest.json). */
export interface Report {
  version: 1;
  startedAt: string;
  finishedAt: string;
  machine: { cpus: number; memoryMiB: number; kernel: string; deno: string };
  options: Record<string, unknown>;
  /** Each front's base URL and what it is. */
  fronts: { name: FrontName; url: string; description: string }[];
  rows: ResultRow[];
  /** The gateway's memory; RSS figures are summed over its `processes` (with --workers). */
  gateway: (GatewayMemory & { argv: readonly string[]; processes: number }) | null;
  /** The pids that were measured (all stopped by the end of the run). */
  pids: { tomcat: number; httpd: number | null; gateway: number | null };
  notes: string[];
}

/** The main throughput figure of a row: req/s for wrk, MiB/s for transfers. */
export function rate(row: ResultRow): number {
  return row.kind === "wrk" ? row.requestsPerSec ?? 0 : row.mibPerSec;
}

const HTTPD_PEER: Partial<Record<FrontName, FrontName>> = {
  ajpgate: "httpd",
  "ajpgate-64k": "httpd-64k",
};

/** Sets `vsHttpd` and `vsTomcat` on the gateway's rows (rate / peer rate). */
export function addRatios(rows: ResultRow[]): void {
  const find = (scenario: string, front: FrontName) =>
    rows.find((r) => r.scenario === scenario && r.front === front);
  for (const row of rows) {
    const peer = HTTPD_PEER[row.front];
    if (!peer) continue;
    const ratio = (other: ResultRow | undefined) =>
      other && rate(other) > 0 ? rate(row) / rate(other) : undefined;
    row.vsHttpd = ratio(find(row.scenario, peer));
    row.vsTomcat = ratio(find(row.scenario, "tomcat"));
  }
}

function num(n: number | undefined, digits = 0): string {
  if (n === undefined || !Number.isFinite(n)) return "-";
  return n.toLocaleString("en-US", {
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
  });
}

function ms(n: number | undefined): string {
  if (n === undefined) return "-";
  return n < 10
    ? `${n.toFixed(2)}ms`
    : n < 1000
    ? `${n.toFixed(1)}ms`
    : `${(n / 1000).toFixed(2)}s`;
}

function ratio(n: number | undefined): string {
  return n === undefined ? "" : `${n.toFixed(2)}x`;
}

function mib(kib: number | undefined): string {
  return kib === undefined ? "-" : `${(kib / 1024).toFixed(1)} MiB`;
}

/** Change of a row's rate against the same row of a previous report, as "+12%". */
function change(row: ResultRow, previous: Report | null): string {
  const old = previous?.rows.find((r) => r.scenario === row.scenario && r.front === row.front);
  if (!old || rate(old) <= 0) return "";
  const pct = (rate(row) / rate(old) - 1) * 100;
  return `${pct >= 0 ? "+" : ""}${pct.toFixed(0)}%`;
}

/** The text table: one line per row, grouped by scenario, then the gateway's memory. */
export function renderTable(report: Report, previous: Report | null = null): string {
  const head = [
    "scenario",
    "front",
    "req/s",
    "MiB/s",
    "p50",
    "p99",
    "errors",
    "vs httpd",
    "vs tomcat",
    "gw RSS",
    ...(previous ? ["vs prev"] : []),
  ];
  const lines: string[][] = [head];
  let last = "";
  for (const r of report.rows) {
    lines.push([
      r.label === last ? "" : r.label,
      r.front,
      r.kind === "wrk" ? num(r.requestsPerSec) : "-",
      num(r.mibPerSec, 1),
      r.kind === "wrk" ? ms(r.p50Ms) : `${num(r.seconds, 2)}s`,
      r.kind === "wrk" ? ms(r.p99Ms) : "",
      String(r.errors),
      ratio(r.vsHttpd),
      ratio(r.vsTomcat),
      r.gatewayPeakRssKiB === undefined ? "" : mib(r.gatewayPeakRssKiB),
      ...(previous ? [change(r, previous)] : []),
    ]);
    last = r.label;
  }
  const widths = head.map((_, i) => Math.max(...lines.map((l) => l[i].length)));
  const text = lines.map((l) =>
    l.map((cell, i) => i < 2 ? cell.padEnd(widths[i]) : cell.padStart(widths[i])).join("  ")
      .trimEnd()
  );
  text.splice(1, 0, widths.map((w) => "-".repeat(w)).join("  "));
  const out = [text.join("\n")];
  const failures = report.rows.filter((r) => r.errorDetail);
  if (failures.length > 0) {
    out.push(failures.map((r) => `! ${r.label} via ${r.front}: ${r.errorDetail}`).join("\n"));
  }
  const g = report.gateway;
  if (g) {
    const during = [
      g.uploadPeakRssKiB === undefined ? null : `upload ${mib(g.uploadPeakRssKiB)}`,
      g.downloadPeakRssKiB === undefined ? null : `download ${mib(g.downloadPeakRssKiB)}`,
    ].filter((d) => d !== null);
    out.push(
      `ajpgate RSS${g.processes > 1 ? ` (${g.processes} processes)` : ""}: idle ${
        mib(g.idleRssKiB)
      }, peak ${mib(g.peakRssKiB)}${during.length ? ` (${during.join(", ")})` : ""}, ` +
        `at the end ${mib(g.finalRssKiB)}`,
    );
  }
  out.push(report.notes.map((n) => `note: ${n}`).join("\n"));
  return out.join("\n\n");
}
