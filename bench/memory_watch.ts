/**
 * The gateways' RSS, sampled all along the benchmark and cut into windows (one measurement
 * through one front) and phases (the wrk scenarios, the transfers), following each gateway
 * across its restarts.
 * @module
 */

import { RssSampler } from "./rss.ts";

/** What is watched: anything with a current process, e.g. a `BenchGateway`. */
export interface Watched {
  readonly process: { readonly pid: number };
}

/**
 * One {@link RssSampler} per gateway. Every {@link mark} ends the current window of all of
 * them at once, so the windows tile the whole run and a phase's peak counts the time between
 * measurements too (a gateway idling with a large heap while another front is measured).
 *
 * @example
 * ```ts
 * using watch = new GatewayMemoryWatch(stack.gateways);
 * watch.endPhase();                          // discard what came before
 * await measureThrough(front);
 * const rowPeak = watch.mark(front.gateway); // this window's peak of that gateway
 * const phasePeaks = watch.endPhase();       // each gateway's peak since the phase began
 * ```
 */
export class GatewayMemoryWatch<G extends Watched> {
  readonly #samplers: Map<G, RssSampler>;
  readonly #phasePeaks = new Map<G, number>();

  /** Starts sampling every `intervalMs` (default 100). */
  constructor(gateways: readonly G[], intervalMs = 100) {
    this.#samplers = new Map(
      gateways.map((g) => [g, new RssSampler(() => g.process.pid, intervalMs)]),
    );
  }

  /**
   * Ends every gateway's window; returns the peak in KiB of `gateway`'s (undefined for null
   * or a gateway not watched). Each window's peak also counts toward its gateway's phase.
   */
  mark(gateway: G | null): number | undefined {
    let peak: number | undefined;
    for (const [g, sampler] of this.#samplers) {
      const { peakKiB } = sampler.mark();
      this.#phasePeaks.set(g, Math.max(this.#phasePeaks.get(g) ?? 0, peakKiB));
      if (g === gateway) peak = peakKiB;
    }
    return peak;
  }

  /** Ends the phase (and the current window): each gateway's peak in KiB since it began. */
  endPhase(): Map<G, number> {
    this.mark(null);
    const peaks = new Map(this.#phasePeaks);
    this.#phasePeaks.clear();
    return peaks;
  }

  /** Stops sampling. Idempotent. */
  stop(): void {
    for (const sampler of this.#samplers.values()) sampler.stop();
  }

  [Symbol.dispose](): void {
    this.stop();
  }
}
