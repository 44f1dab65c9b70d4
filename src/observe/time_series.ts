/**
 * The last minutes of traffic per route and per connection, in memory, for the console's
 * live charts: a ring of fixed time slots (default 180 of 5 s = 15 minutes) per key, each
 * slot holding a request count, an error count and a latency histogram with log-spaced
 * buckets, from which p50 and p99 are read. Fed with each finished request's access
 * record; memory is bounded by `maxKeys` (keys past it are counted under "(other)").
 * @module
 */
import type { AccessRecord } from "./access_trace.ts";

/** Latency bucket upper bounds in ms: 0.1 ms, then x1.5 up to about 100 s; one more for the rest. */
const BOUNDS: readonly number[] = (() => {
  const out: number[] = [];
  for (let b = 0.1; b < 120_000; b *= 1.5) out.push(Math.round(b * 1000) / 1000);
  return out;
})();
const BUCKETS = BOUNDS.length + 1;
/** Per slot: [count, errors, ...latency buckets]. */
const SLOT = 2 + BUCKETS;

/** One key's series over the window, oldest slot first; rates are per second. */
export interface SeriesOf {
  rate: number[];
  /** Share of requests that failed (5xx or not completed), 0-1; null without requests. */
  errorRate: (number | null)[];
  /** Latency (until the response ended) in ms; null without requests. */
  p50: (number | null)[];
  p99: (number | null)[];
  /** Requests in the whole window. */
  total: number;
}

/** What {@link TimeSeries.snapshot} returns. */
export interface SeriesSnapshot {
  stepMs: number;
  /** Start of each slot, epoch ms, oldest first; the last one is still filling. */
  times: number[];
  routes: Record<string, SeriesOf>;
  connections: Record<string, SeriesOf>;
}

/** Options of {@link TimeSeries}. */
export interface TimeSeriesOptions {
  /** Slot width. Default 5000 ms. */
  stepMs?: number;
  /** Number of slots. Default 180 (15 minutes at 5 s). */
  slots?: number;
  /** Most keys (routes plus connections) kept. Default 256. */
  maxKeys?: number;
  /** The clock, epoch ms. Default Date.now. */
  now?: () => number;
}

/** The key requests past `maxKeys` are counted under. */
export const OTHER_KEY = "(other)";

class Ring {
  readonly data: Uint32Array;
  /** Slot number (time / step) each ring position holds. */
  readonly epochs: Float64Array;
  constructor(slots: number) {
    this.data = new Uint32Array(slots * SLOT);
    this.epochs = new Float64Array(slots).fill(-1);
  }
}

/** See module doc. */
export class TimeSeries {
  readonly stepMs: number;
  readonly slots: number;
  private readonly maxKeys: number;
  private readonly now: () => number;
  private readonly rings = { route: new Map<string, Ring>(), connection: new Map<string, Ring>() };

  constructor(options: TimeSeriesOptions = {}) {
    this.stepMs = options.stepMs ?? 5000;
    this.slots = options.slots ?? 180;
    this.maxKeys = options.maxKeys ?? 256;
    this.now = options.now ?? Date.now;
  }

  /** Counts one finished request under its route and, when known, its connection. */
  record(rec: AccessRecord): void {
    const failed = rec.status >= 500 || rec.outcome !== "ok";
    const epoch = Math.floor(this.now() / this.stepMs);
    this.add("route", rec.route || OTHER_KEY, epoch, failed, rec.totalMs);
    if (rec.connection !== null) this.add("connection", rec.connection, epoch, failed, rec.totalMs);
  }

  /** The window ending now, per route id and per connection name. */
  snapshot(): SeriesSnapshot {
    const last = Math.floor(this.now() / this.stepMs);
    const first = last - this.slots + 1;
    const times: number[] = [];
    for (let e = first; e <= last; e++) times.push(e * this.stepMs);
    const read = (map: Map<string, Ring>) => {
      const out: Record<string, SeriesOf> = {};
      for (const [key, ring] of map) out[key] = this.read(ring, first, last);
      return out;
    };
    return {
      stepMs: this.stepMs,
      times,
      routes: read(this.rings.route),
      connections: read(this.rings.connection),
    };
  }

  private add(
    kind: "route" | "connection",
    key: string,
    epoch: number,
    failed: boolean,
    ms: number,
  ): void {
    const map = this.rings[kind];
    let ring = map.get(key);
    if (ring === undefined) {
      const total = this.rings.route.size + this.rings.connection.size;
      if (total >= this.maxKeys) {
        ring = map.get(OTHER_KEY);
        if (ring === undefined) map.set(OTHER_KEY, ring = new Ring(this.slots));
      } else {
        map.set(key, ring = new Ring(this.slots));
      }
    }
    const pos = epoch % this.slots;
    const base = pos * SLOT;
    if (ring.epochs[pos] !== epoch) {
      ring.data.fill(0, base, base + SLOT);
      ring.epochs[pos] = epoch;
    }
    ring.data[base]++;
    if (failed) ring.data[base + 1]++;
    ring.data[base + 2 + bucketOf(ms)]++;
  }

  private read(ring: Ring, first: number, last: number): SeriesOf {
    const out: SeriesOf = { rate: [], errorRate: [], p50: [], p99: [], total: 0 };
    for (let e = first; e <= last; e++) {
      const pos = ((e % this.slots) + this.slots) % this.slots;
      const base = pos * SLOT;
      const count = ring.epochs[pos] === e ? ring.data[base] : 0;
      out.total += count;
      out.rate.push(count / (this.stepMs / 1000));
      if (count === 0) {
        out.errorRate.push(null);
        out.p50.push(null);
        out.p99.push(null);
        continue;
      }
      out.errorRate.push(ring.data[base + 1] / count);
      const hist = ring.data.subarray(base + 2, base + SLOT);
      out.p50.push(quantile(hist, count, 0.5));
      out.p99.push(quantile(hist, count, 0.99));
    }
    return out;
  }
}

/** The bucket a latency falls in. */
function bucketOf(ms: number): number {
  let lo = 0, hi = BOUNDS.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (ms <= BOUNDS[mid]) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/** The upper bound of the bucket holding the q-quantile (the last bucket reads as its lower bound). */
function quantile(hist: Uint32Array, count: number, q: number): number {
  const rank = Math.max(1, Math.ceil(q * count));
  let seen = 0;
  for (let i = 0; i < hist.length; i++) {
    seen += hist[i];
    if (seen >= rank) return i < BOUNDS.length ? BOUNDS[i] : BOUNDS[BOUNDS.length - 1];
  }
  return BOUNDS[BOUNDS.length - 1];
}
