/**
 * The measurement loop: every wrk scenario through every front in turn (a warm-up, then the
 * measured run), then the upload and the download through every front, sampling the
 * gateway's RSS all along.
 * @module
 */

import type { CompareOptions } from "./options.ts";
import { readRssKiB, readTreeRssKiB, RssSampler } from "./rss.ts";
import type { GatewayMemory, ResultRow } from "./report.ts";
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

/** What {@link measure} needs besides the stack. */
export interface MeasureOptions {
  options: CompareOptions;
  /** The wrk binary, or null to skip the wrk scenarios. */
  wrk: string | null;
  workDir: string;
  log: (line: string) => void;
}

/** Rows in measurement order, the gateway's memory (if it ran), and notes on problems. */
export interface Measurements {
  rows: ResultRow[];
  gatewayMemory: GatewayMemory | null;
  notes: string[];
}

const isGateway = (front: Front) => front.name.startsWith("ajpgate");

/** The state shared by the phases of one run. */
interface Run {
  stack: Stack;
  m: MeasureOptions;
  rows: ResultRow[];
  notes: string[];
  sampler: RssSampler | null;
}

/** Runs every scenario; a failing front is recorded in its rows, never thrown. */
export async function measure(stack: Stack, m: MeasureOptions): Promise<Measurements> {
  const gw = stack.gateway;
  const run: Run = {
    stack,
    m,
    rows: [],
    notes: [],
    sampler: gw ? new RssSampler(gw.pid, 100) : null,
  };
  try {
    await checkFronts(stack.fronts);
    // Idle: after startup and one request per front, before any load.
    await sleep(1000);
    const idleRssKiB = gw ? readTreeRssKiB(gw.pid) ?? 0 : 0;
    run.sampler?.mark();
    if (m.wrk) await wrkPhase(run, m.wrk);
    const peaks = await transferPhase(run);
    const gatewayMemory = gw && run.sampler
      ? {
        idleRssKiB,
        peakRssKiB: run.sampler.overallPeakKiB,
        uploadPeakRssKiB: peaks.upload,
        downloadPeakRssKiB: peaks.download,
        finalRssKiB: readTreeRssKiB(gw.pid) ?? 0,
      }
      : null;
    return { rows: run.rows, gatewayMemory, notes: run.notes };
  } finally {
    run.sampler?.stop();
  }
}

function chosen<T extends { id: string }>(run: Run, all: readonly T[]): T[] {
  const ids = run.m.options.scenarios;
  return all.filter((s) => ids === null || ids.includes(s.id));
}

/** Null while the gateway runs (or is not measured), else why not, noted once with its log. */
async function gatewayGone(run: Run, front: Front): Promise<string | null> {
  const gw = run.stack.gateway;
  if (!isGateway(front) || !gw || readRssKiB(gw.pid) !== null) return null;
  const why = `the gateway process ${gw.pid} has exited`;
  if (!run.notes.some((n) => n.startsWith(why))) {
    run.notes.push(`${why}; its log ends:\n${tail(await gw.logs(), 20)}`);
  }
  return why;
}

/** Ends the sampler's window and returns its peak, for the gateway's fronts only. */
function gatewayPeak(run: Run, front: Front): number | undefined {
  return isGateway(front) && run.sampler ? run.sampler.mark().peakKiB : undefined;
}

async function wrkPhase(run: Run, wrk: string): Promise<void> {
  for (const scenario of chosen(run, WRK_SCENARIOS)) {
    for (const front of run.stack.fronts) {
      run.m.log(`${scenario.label} via ${front.name}`);
      run.sampler?.mark();
      const gone = await gatewayGone(run, front);
      const row = gone
        ? failedRow(scenario, front, gone)
        : await wrkRow(wrk, scenario, front, run.m);
      row.gatewayPeakRssKiB = gatewayPeak(run, front);
      run.rows.push(row);
      await sleep(500);
    }
  }
}

/** Size of the untimed transfer before each timed one. */
const WARM_TRANSFER_BYTES = 64 * 2 ** 20;

/** The transfers; returns the gateway's peak RSS during each direction. */
async function transferPhase(
  run: Run,
): Promise<Partial<Record<TransferScenario["id"], number>>> {
  const peaks: Partial<Record<TransferScenario["id"], number>> = {};
  const transfers = chosen(run, TRANSFER_SCENARIOS);
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
      for (const front of run.stack.fronts) {
        run.m.log(`${label} via ${front.name}`);
        const gone = await gatewayGone(run, front);
        if (warm && !gone) await transferRow(scenario, label, front, warm);
        run.sampler?.mark();
        const row = gone
          ? { ...failedRow(scenario, front, gone), label, kind: "transfer" as const }
          : await transferRow(scenario, label, front, fx);
        row.gatewayPeakRssKiB = gatewayPeak(run, front);
        if (row.gatewayPeakRssKiB !== undefined) {
          peaks[scenario.id] = Math.max(peaks[scenario.id] ?? 0, row.gatewayPeakRssKiB);
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

/** Every front answers the small GET with exactly the 13 expected bytes. */
async function checkFronts(fronts: Front[]): Promise<void> {
  const expected = Array.from({ length: 13 }, (_, i) => (i * 31 + 7) & 0xff).join(",");
  for (const front of fronts) {
    const res = await fetch(`${front.url}${WRK_SCENARIOS[0].path}`);
    const body = new Uint8Array(await res.arrayBuffer());
    if (res.status !== 200 || Array.from(body).join(",") !== expected) {
      throw new Error(
        `${front.name} (${front.url}) answers the 13-byte GET with status ${res.status} and ` +
          `${body.length} bytes; the benchmark would measure an error page`,
      );
    }
  }
}

async function wrkRow(
  wrk: string,
  scenario: WrkScenario,
  front: Front,
  m: MeasureOptions,
): Promise<ResultRow> {
  let script: string | undefined;
  if (scenario.postBytes !== undefined) {
    script = `${m.workDir}/post-${scenario.postBytes}.lua`;
    await Deno.writeTextFile(script, postScript(scenario.postBytes));
  }
  const run = (durationS: number) =>
    runWrk({
      wrk,
      url: `${front.url}${scenario.path}`,
      connections: scenario.connections,
      threads: 2,
      durationS: Math.max(1, Math.round(durationS)),
      script,
    });
  let result: WrkResult;
  try {
    if (m.options.warmupS > 0) await run(m.options.warmupS);
    result = await run(m.options.durationS);
  } catch (err) {
    return failedRow(scenario, front, (err as Error).message.split("\n").slice(0, 3).join(" "));
  }
  const errors = errorCount(result);
  const s = result.socketErrors;
  return {
    scenario: scenario.id,
    label: scenario.label,
    front: front.name,
    kind: "wrk",
    requestsPerSec: result.requestsPerSec,
    mibPerSec: result.bytesPerSec / 2 ** 20,
    p50Ms: result.p50Ms,
    p99Ms: result.p99Ms,
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
  scenario: TransferScenario,
  label: string,
  front: Front,
  fx: TransferFixture,
): Promise<ResultRow> {
  const url = `${front.url}${scenario.path(fx.bytes)}`;
  const r = scenario.id === "upload" ? await upload(url, fx) : await download(url, fx);
  return {
    scenario: scenario.id,
    label,
    front: front.name,
    kind: "transfer",
    mibPerSec: r.mibPerSec,
    seconds: r.seconds,
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
