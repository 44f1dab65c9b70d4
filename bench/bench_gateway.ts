/**
 * One of the benchmark's gateways (`--workers 1` or `--workers 2`): the fronts it serves and
 * its current process, which {@link BenchGateway.restart} replaces with a fresh one started the
 * same way, so that the transfers measure their own memory and not what the wrk load left.
 * @module
 */

import {
  type GatewayProcess,
  type StartGatewayOptions,
  startGatewayProcess,
} from "./gateway_process.ts";
import type { FrontName } from "./options.ts";

/** The gateways, each serving an 8 KiB-packet and a 64 KiB-packet front. */
export type GatewayName = "ajpgate" | "ajpgate-w2";

/** A gateway and its process of the moment. */
export interface BenchGateway {
  readonly name: GatewayName;
  /** Its `--workers`. */
  readonly workers: number;
  /** Processes whose RSS and CPU are summed: the supervisor and its workers, or just one. */
  readonly processes: number;
  /** The fronts it serves. */
  readonly frontNames: readonly FrontName[];
  /** The running process; replaced by {@link restart}. */
  readonly process: GatewayProcess;
  /** Every pid it ran as, oldest first, so that the report can show all were stopped. */
  readonly pids: readonly number[];
  /** `http://127.0.0.1:PORT` of the current process. */
  readonly baseUrl: string;
  /**
   * Stops the process and starts a fresh one with the same arguments, on the same ports when
   * they are still free (else on new ones: {@link baseUrl} follows).
   */
  restart(): Promise<void>;
  /** Stops the current process. Idempotent. */
  stop(): Promise<void>;
}

/** What {@link startBenchGateway} runs. */
export interface BenchGatewayOptions {
  name: GatewayName;
  workers: number;
  frontNames: readonly FrontName[];
  /** The process's options, except its log file and ports. */
  start: Omit<StartGatewayOptions, "logFile" | "ports">;
  /** Each start N logs to `${logPrefix}.N.log` (the readiness check reads the whole log). */
  logPrefix: string;
}

/** Starts the gateway's first process. */
export async function startBenchGateway(options: BenchGatewayOptions): Promise<BenchGateway> {
  let starts = 0;
  const launch = (ports?: StartGatewayOptions["ports"]) =>
    startGatewayProcess({
      ...options.start,
      logFile: `${options.logPrefix}.${++starts}.log`,
      ...(ports ? { ports } : {}),
    });
  let current = await launch();
  const pids = [current.pid];
  return {
    name: options.name,
    workers: options.workers,
    processes: options.workers > 1 ? 1 + options.workers : 1,
    frontNames: options.frontNames,
    get process() {
      return current;
    },
    pids,
    get baseUrl() {
      return `http://127.0.0.1:${current.port}`;
    },
    async restart() {
      const { port, adminPort } = current;
      await current.stop();
      current = await launch({ port, adminPort });
      pids.push(current.pid);
    },
    stop: () => current.stop(),
  };
}
