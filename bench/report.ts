/**
 * The benchmark's results: one row per scenario and front (the median of the runs), ratios of
 * ajpgate to httpd (same AJP packet size) and to Tomcat direct, the gateways' memory, rendered
 * as one text table and kept as JSON so that the next run can print its change against this one.
 * @module
 */

import type { GatewayName } from "./bench_gateway.ts";
import type { FrontName } from "./options.ts";
import type { TlsRow } from "./tls_compare.ts";

/** One scenario measured through one front, in one run or as the median of the runs. */
export interface ResultRow {
  scenario: string;
  label: string;
  front: FrontName;
  kind: "wrk" | "transfer";
  /** wrk only. */
  requestsPerSec?: number;
  /** wrk only: requests completed in the measured run (summed over the runs). */
  requests?: number;
  mibPerSec: number;
  /** wrk only. */
  p50Ms?: number;
  p99Ms?: number;
  /** transfers only: curl's total time. */
  seconds?: number;
  /**
   * CPU time of the front's proxy processes (httpd's, the gateway's with its workers, or the
   * reference server's) in µs per request (wrk) or per MiB moved (transfers); absent for
   * Tomcat direct.
   */
  frontCpuUs?: number;
  /**
   * CPU time of Tomcat's JVM, in the same unit as {@link frontCpuUs}; absent for deno-serve,
   * which uses no backend.
   */
  tomcatCpuUs?: number;
  /**
   * CPU time of the load generator in the same unit: wrk, or curl (for the download with the
   * bash and cksum that check it), from the benchmark's reaped-children times. Absent when
   * another process of the stack ended meanwhile, whose CPU would have been counted too.
   */
  clientCpuUs?: number;
  /** Socket errors + non-2xx/3xx (wrk), or 1 for a failed or inexact transfer. */
  errors: number;
  /** What went wrong, when something did. */
  errorDetail?: string;
  /** True when the measurement itself failed (wrk could not run, a transfer was inexact). */
  failed?: boolean;
  /** For the gateways' fronts: the serving gateway's peak RSS during this measurement, in KiB. */
  gatewayPeakRssKiB?: number;
  /** Filled by {@link addRatios} on the gateways' rows. */
  vsHttpd?: number;
  vsTomcat?: number;
  /** In the medians: how many runs were merged. */
  runs?: number;
}

/** One gateway's memory in one run, in KiB. */
export interface GatewayRunMemory {
  /** Highest sample during the wrk scenarios; absent when none ran. */
  wrkPeakRssKiB?: number;
  /**
   * The transfers run on a fresh process (the gateway is restarted after the wrk scenarios):
   * its RSS after startup, one request per front and 1 s idle. Absent when no transfer ran.
   */
  freshIdleRssKiB?: number;
  /** Highest sample during the upload and the download on the fresh process. */
  uploadPeakRssKiB?: number;
  downloadPeakRssKiB?: number;
  /** At the end of the run. */
  finalRssKiB: number;
}

/**
 * One gateway's memory over the benchmark, in KiB; RSS figures are summed over its
 * `processes` (the supervisor and its workers with `--workers 2`).
 */
export interface GatewayMemory {
  name: GatewayName;
  fronts: readonly FrontName[];
  workers: number;
  processes: number;
  /**
   * The command line of its last process: the first's, unless a restart found its ports taken.
   */
  argv: readonly string[];
  /** After the first start and one request per front, before any load. */
  idleRssKiB: number;
  /** One entry per run. */
  runs: GatewayRunMemory[];
}

/** The JSON report (bench/results/latest.json). */
export interface Report {
  /**
   * 2 since the second gateway, the CPU columns and `--runs`; the client CPU column and the
   * deno-serve front came later as an optional field and extra rows.
   */
  version: 2;
  startedAt: string;
  finishedAt: string;
  machine: {
    cpus: number;
    memoryMiB: number;
    kernel: string;
    deno: string;
    /** The unit of /proc's CPU times (`getconf CLK_TCK`). */
    clockTicksPerSec: number;
  };
  options: Record<string, unknown>;
  /** Each front's base URL (at the end of the run) and what it is. */
  fronts: { name: FrontName; url: string; description: string }[];
  /** Per scenario and front, the median of the runs (aggregate_runs.ts), with ratios. */
  rows: ResultRow[];
  /** Each run's own rows, in measurement order, with ratios. */
  runRows: ResultRow[][];
  gateways: GatewayMemory[];
  /** The TLS rows (bench/tls_compare.ts), of the last run; absent when left out. */
  tls?: TlsRow[];
  /** The pids that were measured (all stopped by the end of the run), every gateway's. */
  pids: {
    tomcat: number;
    reference: number | null;
    /** The deno-relay fronts' processes (absent in reports from before they existed). */
    relays?: number[];
    httpd: number | null;
    gateways: number[];
  };
  notes: string[];
}

/** What "vs prev" needs of an earlier report, of this version or version 1. */
export type PreviousReport = Pick<Report, "rows">;

/** The main throughput figure of a row: req/s for wrk, MiB/s for transfers. */
export function rate(row: ResultRow): number {
  return row.kind === "wrk" ? row.requestsPerSec ?? 0 : row.mibPerSec;
}

const HTTPD_PEER: Partial<Record<FrontName, FrontName>> = {
  "deno-relay": "httpd",
  "deno-relay-64k": "httpd-64k",
  ajpgate: "httpd",
  "ajpgate-64k": "httpd-64k",
  "ajpgate-w2": "httpd",
  "ajpgate-w2-64k": "httpd-64k",
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

/** CPU µs per request, or per MiB with a "/MiB" suffix for transfers; "" when not measured. */
function cpu(row: ResultRow, us: number | undefined): string {
  if (us === undefined) return "";
  const text = us < 100 ? us.toFixed(1) : num(us);
  return row.kind === "transfer" ? `${text}/MiB` : text;
}

/** Change of a row's rate against the same row of a previous report, as "+12%". */
function change(row: ResultRow, previous: PreviousReport | null): string {
  const old = previous?.rows.find((r) => r.scenario === row.scenario && r.front === row.front);
  if (!old || rate(old) <= 0) return "";
  const pct = (rate(row) / rate(old) - 1) * 100;
  return `${pct >= 0 ? "+" : ""}${pct.toFixed(0)}%`;
}

/**
 * The text table: one line per row, grouped by scenario, then failures, each gateway's memory
 * and the notes.
 */
export function renderTable(report: Report, previous: PreviousReport | null = null): string {
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
    "front µs",
    "tomcat µs",
    "client µs",
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
      cpu(r, r.frontCpuUs),
      cpu(r, r.tomcatCpuUs),
      cpu(r, r.clientCpuUs),
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
  if (report.gateways.length > 0) out.push(report.gateways.map(gatewaySummary).join("\n"));
  out.push(report.notes.map((n) => `note: ${n}`).join("\n"));
  return out.join("\n\n");
}

/**
 * One gateway's memory in two lines: idle after start, the peak under wrk load, and the
 * transfers' own figures on the fresh process; with several runs each figure lists every
 * run's value, "run 1 / run 2".
 */
export function gatewaySummary(g: GatewayMemory): string {
  const several = g.runs.length > 1;
  const each = (pick: (r: GatewayRunMemory) => number | undefined): string | null => {
    const values = g.runs.map(pick);
    if (values.every((v) => v === undefined)) return null;
    return `${values.map((v) => v === undefined ? "-" : (v / 1024).toFixed(1)).join(" / ")} MiB`;
  };
  const qualifiers = [
    g.processes > 1 ? `${g.processes} processes` : null,
    several ? g.runs.map((_, i) => `run ${i + 1}`).join(" / ") : null,
  ].filter((q) => q !== null);
  const wrkPeak = each((r) => r.wrkPeakRssKiB);
  const first = [
    `idle ${mib(g.idleRssKiB)}`,
    ...(wrkPeak ? [`peak under wrk load ${wrkPeak}`] : []),
  ];
  const transfers = [
    ["upload peak", each((r) => r.uploadPeakRssKiB)],
    ["download peak", each((r) => r.downloadPeakRssKiB)],
    ["after them", each((r) => r.finalRssKiB)],
  ].filter(([, v]) => v !== null).map(([what, v]) => `${what} ${v}`);
  const fresh = each((r) => r.freshIdleRssKiB);
  return `${g.name} RSS${qualifiers.length ? ` (${qualifiers.join("; ")})` : ""}: ` +
    first.join("; ") +
    (fresh ? `;\n  transfers on a fresh gateway (idle ${fresh}): ${transfers.join(", ")}` : "");
}
