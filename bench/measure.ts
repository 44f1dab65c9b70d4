/**
 * The measurement: `--runs` times over the same stack, the wrk scenarios through every front,
 * then each gateway restarted and the transfers through every front, so that the transfers'
 * peak RSS is their own and not what 256-connection wrk load left in the heap. The gateways'
 * RSS is sampled all along.
 * @module
 */

import type { BenchGateway } from "./bench_gateway.ts";
import { GatewayMemoryWatch } from "./memory_watch.ts";
import {
  chosen,
  type MeasureOptions,
  type RunContext,
  type TransferPeaks,
  transferPhase,
  wrkPhase,
} from "./measure_phases.ts";
import { sleep } from "./process.ts";
import type { GatewayMemory, GatewayRunMemory, ResultRow } from "./report.ts";
import { readTreeRssKiB } from "./rss.ts";
import { TRANSFER_SCENARIOS, WRK_SCENARIOS } from "./scenarios.ts";
import type { Front, Stack } from "./stack.ts";

export type { MeasureOptions } from "./measure_phases.ts";

/** Each run's rows in measurement order, the gateways' memory, and notes on problems. */
export interface Measurements {
  runs: ResultRow[][];
  gateways: GatewayMemory[];
  notes: string[];
}

/**
 * Runs every scenario `options.runs` times; a failing front is recorded in its rows, never
 * thrown.
 */
export async function measure(stack: Stack, m: MeasureOptions): Promise<Measurements> {
  using memory = new GatewayMemoryWatch(stack.gateways);
  await checkFronts(stack.fronts);
  // Idle: after startup and one request per front, before any load.
  const idle = await idleRss(stack.gateways);
  const notes: string[] = [];
  const runs: ResultRow[][] = [];
  const runMemory = new Map<BenchGateway, GatewayRunMemory[]>(stack.gateways.map((g) => [g, []]));
  const wrk = chosen(m.options, WRK_SCENARIOS).length > 0 ? m.wrk : null;
  const transfers = chosen(m.options, TRANSFER_SCENARIOS).length > 0;
  for (let i = 1; i <= m.options.runs; i++) {
    const log = m.options.runs > 1 ? (line: string) => m.log(`run ${i}: ${line}`) : m.log;
    const run: RunContext = { stack, m: { ...m, log }, rows: [], notes, memory };
    let wrkPeaks: Map<BenchGateway, number> | null = null;
    if (wrk) {
      memory.endPhase();
      await wrkPhase(run, wrk);
      wrkPeaks = memory.endPhase();
    }
    let freshIdle: Map<BenchGateway, number | undefined> | null = null;
    let transferPeaks = new Map<BenchGateway, TransferPeaks>();
    if (transfers) {
      freshIdle = await restartGateways(run);
      memory.endPhase();
      transferPeaks = await transferPhase(run);
    }
    for (const g of stack.gateways) {
      const fresh = freshIdle?.get(g);
      const peaks = transferPeaks.get(g) ?? {};
      runMemory.get(g)!.push({
        ...(wrkPeaks ? { wrkPeakRssKiB: wrkPeaks.get(g) ?? 0 } : {}),
        ...(fresh === undefined ? {} : { freshIdleRssKiB: fresh }),
        ...(peaks.upload === undefined ? {} : { uploadPeakRssKiB: peaks.upload }),
        ...(peaks.download === undefined ? {} : { downloadPeakRssKiB: peaks.download }),
        finalRssKiB: readTreeRssKiB(g.process.pid) ?? 0,
      });
    }
    runs.push(run.rows);
  }
  const gateways = stack.gateways.map((g): GatewayMemory => ({
    name: g.name,
    fronts: g.frontNames,
    workers: g.workers,
    processes: g.processes,
    argv: g.process.argv,
    idleRssKiB: idle.get(g) ?? 0,
    runs: runMemory.get(g)!,
  }));
  return { runs, gateways, notes };
}

/** Each gateway's RSS after 1 s without requests, in KiB (undefined when it is not running). */
async function idleRss(gateways: readonly BenchGateway[]): Promise<Map<BenchGateway, number>> {
  await sleep(1000);
  const out = new Map<BenchGateway, number>();
  for (const g of gateways) {
    const kib = readTreeRssKiB(g.process.pid);
    if (kib !== null) out.set(g, kib);
  }
  return out;
}

/**
 * Replaces every gateway's process with a fresh one, sends one request per front (as before
 * the first idle reading) and returns each one's idle RSS. A gateway that does not come back
 * is noted; its transfers then fail as "has exited".
 */
async function restartGateways(run: RunContext): Promise<Map<BenchGateway, number>> {
  const up: BenchGateway[] = [];
  for (const g of run.stack.gateways) {
    run.m.log(`restarting ${g.name} for the transfers`);
    try {
      await g.restart();
      await checkFronts(run.stack.fronts.filter((f) => f.gateway === g));
      up.push(g);
    } catch (err) {
      run.notes.push(`${g.name} did not restart for the transfers: ${(err as Error).message}`);
    }
  }
  return await idleRss(up);
}

/** Every front answers the small GET with exactly the 13 expected bytes. */
async function checkFronts(fronts: readonly Front[]): Promise<void> {
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
