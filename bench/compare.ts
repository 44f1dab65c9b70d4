/**
 * `deno task bench:compare`: ajpgate against Apache httpd's mod_proxy_ajp and against Tomcat's
 * own HTTP connector, with a bare `Deno.serve` answering itself as the ceiling of a Deno-based
 * proxy, on one machine, in one run. See bench/README.md for what is measured and how to read
 * it.
 *
 * Prints one table on stdout (progress goes to stderr) and writes the same results as JSON
 * (default bench/results/latest.json); when that file already holds a run of the same kind,
 * the table gains a "vs prev" column and the old file is kept as previous.json. Exits 0 when
 * every measurement ran, 1 when one failed (or the stack could not start), 2 on bad options.
 * @module
 */

import { tomcatAvailable } from "../tests/support/tomcat.ts";
import { measure } from "./measure.ts";
import {
  type CompareOptions,
  DEFAULT_OUT,
  parseCompareOptions,
  USAGE,
  UsageError,
} from "./options.ts";
import { aggregateRuns } from "./aggregate_runs.ts";
import { clockTicksPerSecond } from "./cpu.ts";
import { addRatios, type PreviousReport, renderTable, type Report } from "./report.ts";
import { startStack } from "./stack.ts";
import { runTlsComparison, type TlsRow } from "./tls_compare.ts";
import { renderTlsTable } from "./tls_table.ts";
import { findTools, installMissing, missingTools } from "./tools.ts";

const REPO_ROOT = decodeURIComponent(new URL("..", import.meta.url).pathname).replace(/\/$/, "");

function log(line: string): void {
  console.error(`bench: ${line}`);
}

async function main(args: string[]): Promise<number> {
  let options: CompareOptions;
  try {
    options = parseCompareOptions(args);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    console.error(`bench: ${err.message}\n${USAGE}`);
    return 2;
  }
  if (options.help) {
    console.log(USAGE);
    return 0;
  }
  if (options.out === DEFAULT_OUT) options.out = `${REPO_ROOT}/${DEFAULT_OUT}`;

  let tools = findTools(tomcatAvailable);
  if (options.install && missingTools(tools).length > 0) {
    const why = await installMissing(missingTools(tools), log);
    if (why) log(why);
    tools = findTools(tomcatAvailable);
  }
  if (tools.tomcat) return fail(`cannot run without Tomcat: ${tools.tomcat}`);
  if (!tools.curl) return fail("cannot run without curl: apt-get install curl");

  const cpus = navigator.hardwareConcurrency;
  const runs = options.runs;
  const notes = [
    `${cpus} CPU cores shared by wrk/curl, Tomcat, httpd and ajpgate: each figure is the ` +
    "whole chain on this machine, not the proxy alone; ratios compare fronts under the same load",
    ...(runs > 1
      ? [
        `${runs} runs on the same stack: each figure is the median of the runs` +
        (runs === 2 ? " (of two: their mean)" : "") +
        ", errors their sum, gw RSS the highest; bench/results/latest.json keeps every run",
      ]
      : []),
    "front µs, tomcat µs, client µs: CPU time (user + system, /proc/PID/stat) of the front's " +
    "proxy processes (httpd's, the gateway's with its workers, deno-serve's), of Tomcat's JVM " +
    "and of the load generator (wrk, or curl; for the download with the cksum checking it), " +
    "per request over the measured wrk run, or per MiB for the transfers",
    options.accessLog
      ? "access logs on: ajpgate --log-level info, httpd CustomLog (BufferedLogs On)"
      : "no access logs: ajpgate --log-level warn, httpd without CustomLog",
    "wrk: 2 threads, --latency, --timeout 10s; errors = socket errors + non-2xx/3xx responses",
    "transfers: curl PUT of a file of zeros to /sha (the SHA-256 the webapp or deno-serve " +
    "computed is checked), GET of /stream (length and CRC checked); MiB/s from curl's total time",
  ];
  let fronts = options.fronts;
  if (!tools.apache2) {
    fronts = fronts.filter((f) => !f.startsWith("httpd"));
    notes.push("apache2 is missing: the httpd fronts were left out");
  }
  if (!tools.wrk) notes.push("wrk is missing: the wrk scenarios were skipped");
  if (fronts.some((f) => f.startsWith("ajpgate"))) {
    notes.push(
      "ajpgate: --workers 1, ajpgate-w2: --workers 2 (one supervisor and two workers; RSS and " +
        "CPU summed over the three); both are restarted before the transfers, which thus run " +
        "on a fresh gateway",
    );
  }
  if (fronts.includes("deno-serve")) {
    notes.push(
      "deno-serve: Deno.serve answering /stream and /sha itself (bench/reference_server.ts), " +
        "no AJP and no backend: the ceiling of a Deno.serve-based proxy here; no ratios",
    );
  }
  if (fronts.some((f) => f.startsWith("deno-relay"))) {
    notes.push(
      "deno-relay: Deno.serve relaying each request to Tomcat's AJP connector with nothing " +
        "else (bench/relay_floor.ts: no checks, no limits, bodies read whole, no transfers): " +
        "the floor of an AJP front on this runtime here",
    );
  }
  if (fronts.length === 0) return fail("no front left to measure");

  const previous = await readPrevious(options);
  const workDir = await Deno.makeTempDir({ prefix: "ajpgate-bench-" });
  const startedAt = new Date().toISOString();
  let stackHandle: { [Symbol.asyncDispose](): Promise<void> } | null = null;
  const interrupted = async () => {
    log("interrupted: stopping every process");
    await stackHandle?.[Symbol.asyncDispose]();
    Deno.exit(130);
  };
  Deno.addSignalListener("SIGINT", interrupted);
  Deno.addSignalListener("SIGTERM", interrupted);
  let report: Report;
  try {
    await using stack = await startStack({
      fronts,
      apache2: tools.apache2,
      gatewayArgs: options.gatewayArgs,
      accessLog: options.accessLog,
      repoRoot: REPO_ROOT,
      workDir,
      log,
    });
    stackHandle = stack;
    const clockTicksPerSec = await clockTicksPerSecond();
    const result = await measure(stack, {
      options,
      wrk: tools.wrk,
      workDir,
      clockTicksPerSec,
      log,
    });
    let tls: TlsRow[] | undefined;
    if (!options.tls) {
      notes.push("TLS rows left out (--no-tls)");
    } else if (!tools.h2load || !tools.apache2) {
      notes.push(
        "TLS rows left out: h2load or apache2 is missing (apt-get install nghttp2-client)",
      );
    } else {
      tls = await runTlsComparison({
        apache2: tools.apache2,
        h2load: tools.h2load,
        repoRoot: REPO_ROOT,
        workDir,
        ajpPort: stack.tomcat.ajp8kPort,
        secret: stack.secret,
        plainUrl: stack.fronts.find((f) => f.name === "ajpgate")?.url ?? null,
        durationS: options.durationS,
        warmupS: options.warmupS,
        log,
      });
    }
    result.runs.forEach(addRatios);
    const rows = aggregateRuns(result.runs);
    addRatios(rows);
    report = {
      version: 2,
      startedAt,
      finishedAt: new Date().toISOString(),
      machine: {
        cpus,
        memoryMiB: Math.round(Deno.systemMemoryInfo().total / 2 ** 20),
        kernel: Deno.osRelease(),
        deno: Deno.version.deno,
        clockTicksPerSec,
      },
      options: { ...options },
      fronts: stack.fronts.map(({ name, url, description }) => ({ name, url, description })),
      rows,
      runRows: result.runs,
      gateways: result.gateways,
      ...(tls ? { tls } : {}),
      pids: {
        tomcat: stack.tomcat.instance.pid,
        reference: stack.reference?.pid ?? null,
        httpd: stack.httpd?.pid ?? null,
        gateways: stack.gateways.flatMap((g) => g.pids),
        relays: stack.relays.map((r) => r.pid),
      },
      notes: [...notes, ...result.notes],
    };
    log("stopping every process");
  } catch (err) {
    return fail((err as Error).message);
  } finally {
    stackHandle = null;
    Deno.removeSignalListener("SIGINT", interrupted);
    Deno.removeSignalListener("SIGTERM", interrupted);
    if (!Deno.env.get("AJPGATE_BENCH_KEEP")) {
      await Deno.remove(workDir, { recursive: true }).catch(() => {});
    }
  }

  console.log(renderTable(report, previous));
  if (report.tls) console.log(`\n${renderTlsTable(report.tls)}`);
  if (options.out) await writeReport(options.out, report);
  return report.rows.some((r) => r.failed) || report.tls?.some((r) => r.errors > 0) ? 1 : 0;
}

function fail(message: string): number {
  console.error(`bench: ${message}`);
  return 1;
}

/**
 * The report at `options.out`, when it is a run of the same kind (quick or full); version 1
 * reports (one gateway, one run) have the same rows.
 */
async function readPrevious(options: CompareOptions): Promise<PreviousReport | null> {
  if (!options.out) return null;
  try {
    const old = JSON.parse(await Deno.readTextFile(options.out));
    const known = old.version === 1 || old.version === 2;
    return known && old.options?.quick === options.quick && Array.isArray(old.rows) ? old : null;
  } catch {
    return null;
  }
}

/** Writes the report, keeping the one it replaces as previous.json beside it. */
async function writeReport(out: string, report: Report): Promise<void> {
  const dir = out.includes("/") ? out.slice(0, out.lastIndexOf("/")) : ".";
  await Deno.mkdir(dir, { recursive: true });
  await Deno.rename(out, `${dir}/previous.json`).catch(() => {});
  await Deno.writeTextFile(out, JSON.stringify(report, null, 2) + "\n");
  log(`results written to ${out}`);
}

if (import.meta.main) Deno.exit(await main(Deno.args));
