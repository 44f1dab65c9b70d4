/**
 * Resident memory of a process from /proc/PID/status, read once or sampled periodically.
 * @module
 */

import { readProcFile, sumOverTree } from "./process.ts";

/** The `VmRSS` value of a /proc/PID/status text, in KiB, or null when absent. */
export function parseVmRssKiB(status: string): number | null {
  const m = /^VmRSS:\s+(\d+)\s+kB$/m.exec(status);
  return m ? Number(m[1]) : null;
}

/** The resident set size of `pid` in KiB, or null when the process is gone. */
export function readRssKiB(pid: number): number | null {
  const status = readProcFile(pid, "status");
  return status === null ? null : parseVmRssKiB(status);
}

/**
 * The summed RSS of `pid` and all its descendants in KiB (a gateway started with `--workers`
 * is a supervisor and its worker processes), or null when `pid` is gone.
 */
export function readTreeRssKiB(pid: number): number | null {
  return sumOverTree(pid, readRssKiB);
}

/** The summary of a sampling window. */
export interface RssWindow {
  /** Highest sample in KiB (0 when no sample could be read). */
  peakKiB: number;
  /** Last sample in KiB. */
  lastKiB: number;
  samples: number;
}

/**
 * Samples the RSS of `pid` and its descendants ({@link readTreeRssKiB}) every `intervalMs`
 * (default 100) from construction until
 * {@link stop}; {@link mark} starts a new window without stopping, so one sampler can report
 * the peak of each phase and of the whole run. `pid` may be a function, read at every sample,
 * to follow a process that is replaced (a restarted gateway); samples taken while no process
 * answers are skipped.
 *
 * @example
 * ```ts
 * const sampler = new RssSampler(pid);
 * sampler.mark();            // new window
 * await transfer();
 * const { peakKiB } = sampler.mark();
 * sampler.stop();
 * ```
 */
export class RssSampler {
  readonly #pid: () => number;
  readonly #timer: ReturnType<typeof setInterval>;
  #window: RssWindow = { peakKiB: 0, lastKiB: 0, samples: 0 };
  #overallPeakKiB = 0;

  constructor(pid: number | (() => number), intervalMs = 100) {
    this.#pid = typeof pid === "number" ? () => pid : pid;
    this.#sample();
    this.#timer = setInterval(() => this.#sample(), intervalMs);
  }

  #sample(): void {
    const kib = readTreeRssKiB(this.#pid());
    if (kib === null) return;
    const w = this.#window;
    w.peakKiB = Math.max(w.peakKiB, kib);
    w.lastKiB = kib;
    w.samples++;
    this.#overallPeakKiB = Math.max(this.#overallPeakKiB, kib);
  }

  /** Ends the current window (taking one last sample) and returns it; a new one begins. */
  mark(): RssWindow {
    this.#sample();
    const done = this.#window;
    this.#window = { peakKiB: done.lastKiB, lastKiB: done.lastKiB, samples: 0 };
    return done;
  }

  /** The highest sample since construction, in KiB. */
  get overallPeakKiB(): number {
    return this.#overallPeakKiB;
  }

  /** Stops sampling. Idempotent. */
  stop(): void {
    clearInterval(this.#timer);
  }

  [Symbol.dispose](): void {
    this.stop();
  }
}
