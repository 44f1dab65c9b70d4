/**
 * The two phases of one run of the benchmark: every wrk scenario through every front in turn
 * (a warm-up, then the measured run), then the upload and the download through every front.
 * Each row gets the CPU time the front's proxy processes, Tomcat and the load generator spent
 * on it, and for the gateways' fronts the serving gateway's peak RSS.
 * @module
 */

import type { BenchGateway } from "./bench_gateway.ts";
import type { CompareOptions } from "./options.ts";
import { cpuMicrosPerUnit, readCpuTicks, readReapedChildTicks, readTreeCpuTicks } from "./cpu.ts";
import type { GatewayMemoryWatch } from "./memory_watch.ts";
import { readRssKiB } from "./rss.ts";
import type { ResultRow } from "./report.ts";
import {
  formatSize,
  TRANSFER_SCENARIOS,
  type TransferScenario,
  WRK_SCENARIOS,
  type WrkScenario,
} from "./scenarios.ts";
import type { Front, Stack } from "./stack.ts";
import { download, prepareTransfers, type TransferFixture, upload } from "./transfer.ts";
import { errorCount, postScript, runWrk, type WrkResult } from "./wrk.ts";
import { sleep, tail } from "./process.ts";

/** What the measurement needs besides the stack. */
export interface MeasureOptions {
  options: CompareOptions;
  /** The wrk binary, or null to skip the wrk scenarios. */
  wrk: string | null;
  workDir: string;
  /** The unit of /proc's CPU times (`getconf CLK_TCK`). */
  clockTicksPerSec: number;
  log: (line: string) => void;
}

/** What the phases of one run share. */
export interface RunContext {
  stack: Stack;
  m: MeasureOptions;
  /** This run's rows, appended in measurement order. */
  rows: ResultRow[];
  /** Notes for the report, shared by the runs. */
  notes: string[];
  memory: GatewayMemoryWatch<BenchGateway>;
}

/** Transfer peaks of one gateway, by direction, in KiB. */
export type TransferPeaks = Partial<Record<TransferScenario["id"], number>>;

/** The chosen scenarios of `all`, in their order. */
export function chosen<T extends { id: string }>(options: CompareOptions, all: readonly T[]): T[] {
  const ids = options.scenarios;
  return all.filter((s) => ids === null || ids.includes(s.id));
}

/** Null while the front's gateway runs (or it has none), else why not, noted once with its log. */
async function gatewayGone(run: RunContext, front: Front): Promise<string | null> {
  const gw = front.gateway;
  if (!gw || readRssKiB(gw.process.pid) !== null) return null;
  const why = `${gw.name} (pid ${gw.process.pid}) has exited`;
  if (!run.notes.some((n) => n.startsWith(why))) {
    run.notes.push(`${why}; its log ends:\n${tail(await gw.process.logs(), 20)}`);
  }
  return why;
}

/** Every wrk scenario through every front. */
export async function wrkPhase(run: RunContext, wrk: string): Promise<void> {
  for (const scenario of chosen(run.m.options, WRK_SCENARIOS)) {
    for (const front of run.stack.fronts) {
      run.m.log(`${scenario.label} via ${front.name}`);
      run.memory.mark(null);
      const gone = await gatewayGone(run, front);
      const row = gone ? failedRow(scenario, front, gone) : await wrkRow(run, wrk, scenario, front);
      row.gatewayPeakRssKiB = run.memory.mark(front.gateway);
      run.rows.push(row);
      await sleep(500);
    }
  }
}

/** Size of the untimed transfer before each timed one. */
const WARM_TRANSFER_BYTES = 64 * 2 ** 20;

/** The transfers; returns each gateway's peak RSS during each direction. */
export async function transferPhase(run: RunContext): Promise<Map<BenchGateway, TransferPeaks>> {
  const peaks = new Map<BenchGateway, TransferPeaks>();
  const transfers = chosen(run.m.options, TRANSFER_SCENARIOS);
  if (transfers.length === 0) return peaks;
  const { options, workDir } = run.m;
  const fx = await prepareTransfers(workDir, options.transferBytes);
  // An untimed smaller transfer per front and direction first, so that no front pays for
  // compiling its (or the webapp's) large-body code paths during the timed one.
  const warm = options.warmupS > 0
    ? await prepareTransfers(workDir, Math.min(WARM_TRANSFER_BYTES, fx.bytes))
    : null;
  try {
    for (const scenario of transfers) {
      const label = `${scenario.label} ${formatSize(fx.bytes)}`;
      for (const front of run.stack.fronts.filter((f) => f.transfers !== false)) {
        run.m.log(`${label} via ${front.name}`);
        const gone = await gatewayGone(run, front);
        if (warm && !gone) await transferRow(run, scenario, label, front, warm);
        run.memory.mark(null);
        const row = gone
          ? { ...failedRow(scenario, front, gone), label, kind: "transfer" as const }
          : await transferRow(run, scenario, label, front, fx);
        row.gatewayPeakRssKiB = run.memory.mark(front.gateway);
        if (front.gateway && row.gatewayPeakRssKiB !== undefined) {
          const p = peaks.get(front.gateway) ?? {};
          p[scenario.id] = Math.max(p[scenario.id] ?? 0, row.gatewayPeakRssKiB);
          peaks.set(front.gateway, p);
        }
        run.rows.push(row);
      }
    }
  } finally {
    await Deno.remove(fx.uploadFile).catch(() => {});
    if (warm) await Deno.remove(warm.uploadFile).catch(() => {});
  }
  return peaks;
}

/**
 * CPU ticks of the front's proxy tree (null for Tomcat direct), of Tomcat's JVM (null for the
 * reference server, which uses no backend), and of the benchmark's reaped children: between
 * two readings that is the load generator (wrk, or curl with the download's bash and cksum),
 * the only child that ends in between unless a peer died, which `peersUp` tells.
 */
interface CpuReading {
  front: number | null;
  tomcat: number | null;
  client: number | null;
  /** Every process of the stack still has a /proc entry (none ended and was reaped). */
  peersUp: boolean;
}

function readCpu(run: RunContext, front: Front): CpuReading {
  return {
    front: front.proxyPid === null ? null : readTreeCpuTicks(front.proxyPid),
    tomcat: front.usesTomcat ? readTreeCpuTicks(run.stack.tomcat.instance.pid) : null,
    client: readReapedChildTicks(),
    peersUp: run.stack.peerPids().every((pid) => readCpuTicks(pid) !== null),
  };
}

/** The row's CPU columns: µs per unit (a request, a MiB) between two readings. */
function cpuCost(
  run: RunContext,
  before: CpuReading,
  after: CpuReading,
  units: number,
): Pick<ResultRow, "frontCpuUs" | "tomcatCpuUs" | "clientCpuUs"> {
  const per = (a: number | null, b: number | null) =>
    cpuMicrosPerUnit(a, b, run.m.clockTicksPerSec, units);
  const frontCpuUs = per(before.front, after.front);
  const tomcatCpuUs = per(before.tomcat, after.tomcat);
  // A peer that ended in between was reaped too: its CPU would pass for the load generator's.
  const clientCpuUs = before.peersUp && after.peersUp
    ? per(before.client, after.client)
    : undefined;
  if (!after.peersUp) {
    const why = "a benchmark process ended during a measurement: client µs left out from then on";
    if (!run.notes.includes(why)) run.notes.push(why);
  }
  return {
    ...(frontCpuUs === undefined ? {} : { frontCpuUs }),
    ...(tomcatCpuUs === undefined ? {} : { tomcatCpuUs }),
    ...(clientCpuUs === undefined ? {} : { clientCpuUs }),
  };
}

async function wrkRow(
  run: RunContext,
  wrk: string,
  scenario: WrkScenario,
  front: Front,
): Promise<ResultRow> {
  const { options, workDir } = run.m;
  let script: string | undefined;
  if (scenario.postBytes !== undefined) {
    script = `${workDir}/post-${scenario.postBytes}.lua`;
    await Deno.writeTextFile(script, postScript(scenario.postBytes));
  }
  const once = (durationS: number) =>
    runWrk({
      wrk,
      url: `${front.url}${scenario.path}`,
      connections: scenario.connections,
      threads: 2,
      durationS: Math.max(1, Math.round(durationS)),
      script,
    });
  let result: WrkResult;
  let before: CpuReading;
  try {
    if (options.warmupS > 0) await once(options.warmupS);
    // Only the measured run's CPU: the warm-up's includes the JIT compiling. The warm-up's wrk
    // has been reaped by now, so the client reading starts after it.
    before = readCpu(run, front);
    result = await once(options.durationS);
  } catch (err) {
    return failedRow(scenario, front, (err as Error).message.split("\n").slice(0, 3).join(" "));
  }
  const after = readCpu(run, front);
  const errors = errorCount(result);
  const s = result.socketErrors;
  return {
    scenario: scenario.id,
    label: scenario.label,
    front: front.name,
    kind: "wrk",
    requestsPerSec: result.requestsPerSec,
    requests: result.requests,
    mibPerSec: result.bytesPerSec / 2 ** 20,
    p50Ms: result.p50Ms,
    p99Ms: result.p99Ms,
    ...cpuCost(run, before, after, result.requests),
    errors,
    ...(errors > 0
      ? {
        errorDetail: `of ${result.requests} requests: connect ${s.connect}, read ${s.read}, ` +
          `write ${s.write}, timeout ${s.timeout}, non-2xx/3xx ${result.non2xx}`,
      }
      : {}),
  };
}

async function transferRow(
  run: RunContext,
  scenario: TransferScenario,
  label: string,
  front: Front,
  fx: TransferFixture,
): Promise<ResultRow> {
  const url = `${front.url}${scenario.path(fx.bytes)}`;
  const before = readCpu(run, front);
  const r = scenario.id === "upload" ? await upload(url, fx) : await download(url, fx);
  const after = readCpu(run, front);
  return {
    scenario: scenario.id,
    label,
    front: front.name,
    kind: "transfer",
    mibPerSec: r.mibPerSec,
    seconds: r.seconds,
    ...(r.error ? {} : cpuCost(run, before, after, fx.bytes / 2 ** 20)),
    errors: r.error ? 1 : 0,
    ...(r.error ? { errorDetail: r.error, failed: true } : {}),
  };
}

function failedRow(
  scenario: { id: string; label: string },
  front: Front,
  why: string,
): ResultRow {
  return {
    scenario: scenario.id,
    label: scenario.label,
    front: front.name,
    kind: "wrk",
    mibPerSec: 0,
    errors: 1,
    errorDetail: why,
    failed: true,
  };
}
