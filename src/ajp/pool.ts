/**
 * A bounded pool of reusable backend links for one connection, and everything kept about
 * them: idle links are kept LIFO and watched (EOF or stray bytes evict them at once, pingora
 * style), idle ones older than `idleTimeoutMs` are closed, and one sweep every 100 ms
 * enforces the read deadlines of links in use and ticks their exchanges' own clocks. Callers
 * beyond `max` wait up to `acquireTimeoutMs`, then get a 503 with Retry-After. An exchange
 * ends with {@link Pool.finish}, the one place where a link is reused or closed.
 * @module
 */
import type { AjpLink, CloseReason } from "./link.ts";
import { GatewayError } from "../proxy/errors.ts";

/** Pool limits. */
export interface PoolOptions {
  /** Connection name, for messages. */
  name: string;
  /** Most links open at once (idle + busy + connecting); null = unlimited. Default 64. */
  max: number | null;
  /** How long a caller may wait for a free link, in ms. Default 10,000. */
  acquireTimeoutMs: number;
  /** Idle links older than this are closed, in ms; 0 disables. Default 7,200,000. */
  idleTimeoutMs: number;
  /** Links opened at start and after a reset, and kept open. Default 0. */
  initial?: number;
  /** CPING/CPONG probing of links. Default mode "none". */
  ping?: PingPolicy;
  /** Period of the sweep over links in use, in ms. Default 100. */
  sweepMs?: number;
}

/**
 * When links are probed with CPING (mod_proxy_ajp `ping=`, mod_jk `ping_mode`):
 * `connect` after opening, `prepost` before reusing a link idle longer than `intervalMs`,
 * `interval` every `intervalMs` for idle links. A link without CPONG within `timeoutMs` is
 * closed and another one is tried.
 */
export interface PingPolicy {
  mode: "none" | "connect" | "prepost" | "interval";
  /** Default 5,000 ms. */
  timeoutMs: number;
  /** `prepost`: idle time after which a link is probed before use; `interval`: how often
   * idle links are probed. Default 10,000 ms. */
  intervalMs: number;
}

/** Counters a pool keeps; read by stats and metrics. */
export interface PoolStats {
  idle: number;
  busy: number;
  waiting: number;
  opened: number;
  closed: Record<CloseReason, number>;
}

/** How an exchange ended: "reuse" (END_RESPONSE with reuse=1) or why the link must close. */
export type Ending = "reuse" | CloseReason;

/** Told by the pool's sweep about the link it holds (clock ticks, every `sweepMs`). */
export interface LinkWatcher {
  /** `reading`: a read from the backend is under way on the link. */
  tick(now: number, reading: boolean): void;
}

/** A link handed out by {@link Pool.acquire}, with what the pool keeps about it. */
export interface Lease {
  readonly link: AjpLink;
  /** Times the link was reused; > 0 means it may have gone stale while idle. */
  readonly uses: number;
  /** Ticked by the sweep while the link is out; set by the exchange holding it. */
  watcher: LinkWatcher | null;
}

/** The pool's record of one link. */
interface Entry extends Lease {
  uses: number;
  idleSince: number;
  /** The pool generation the link was opened in; older ones close on release. */
  born: number;
}

interface Waiter {
  resolve(entry: Entry | null): void;
  timer: ReturnType<typeof setTimeout>;
}

/** Opens a new link; throws a GatewayError on failure. */
export type LinkFactory = () => Promise<AjpLink>;

/** See module doc. */
export class Pool {
  private readonly idle: Entry[] = [];
  private readonly waiters: Waiter[] = [];
  /** Links handed out, for the sweep. */
  private readonly lent = new Set<Entry>();
  private busy = 0;
  private opened = 0;
  private closedCount: Record<CloseReason, number> = {
    idle_timeout: 0,
    eof: 0,
    stray_bytes: 0,
    reuse_0: 0,
    error: 0,
    reset: 0,
    aborted: 0,
    ping_failed: 0,
    shutdown: 0,
  };
  private shut = false;
  /** Bumped by reset: links handed out before it are closed when released. */
  private generation = 0;
  private readonly timers: ReturnType<typeof setInterval>[] = [];

  constructor(readonly options: PoolOptions, private readonly open: LinkFactory) {
    if (options.idleTimeoutMs > 0) {
      const every = Math.min(Math.max(options.idleTimeoutMs / 4, 250), 60_000);
      this.every(every, () => this.sweepIdle());
    }
    // Deadlines of links in use: one sweep instead of a timer per socket read.
    this.every(options.sweepMs ?? 100, () => {
      const now = performance.now();
      for (const e of this.lent) {
        e.link.expire(now);
        e.watcher?.tick(now, e.link.reading);
      }
    });
    if (options.ping?.mode === "interval") {
      this.every(options.ping.intervalMs, () => this.pingIdle());
    }
  }

  /** Current counters. */
  stats(): PoolStats {
    return {
      idle: this.idle.length,
      busy: this.busy,
      waiting: this.waiters.length,
      opened: this.opened,
      closed: { ...this.closedCount },
    };
  }

  /** Takes an idle link, opens a new one, or waits for one. `fresh` skips idle links. */
  async acquire(fresh = false): Promise<Lease> {
    if (this.shut) {
      throw new GatewayError("unavailable", `connection "${this.options.name}" is closed`);
    }
    while (!fresh) {
      const entry = this.idle.pop();
      if (!entry) break;
      this.lend(entry);
      if (await this.usable(entry)) return entry;
      this.unlend(entry);
      this.closedCount.ping_failed++;
    }
    if (this.options.max === null || this.busy + this.idle.length < this.options.max) {
      return await this.openLink();
    }
    if (fresh && this.idle.length > 0) {
      this.closeIdleLink(this.idle.shift()!, "reset");
      return await this.openLink();
    }
    const entry = await this.wait();
    if (entry) return entry;
    return await this.openLink();
  }

  /**
   * Ends the use of a lease: "reuse" puts the link back (or hands it to a waiter) when it is
   * clean, open and of the current generation; any other ending closes it with that reason.
   */
  finish(lease: Lease, ending: Ending): void {
    const entry = lease as Entry;
    entry.watcher = null;
    const link = entry.link;
    if (ending !== "reuse") return this.destroy(entry, ending);
    if (link.isClosed || this.shut) return this.destroy(entry, "error");
    if (link.buffered > 0) return this.destroy(entry, "stray_bytes");
    if (entry.born !== this.generation) return this.destroy(entry, "reset");
    entry.uses++;
    const waiter = this.waiters.shift();
    if (waiter) {
      clearTimeout(waiter.timer);
      return waiter.resolve(entry);
    }
    this.unlend(entry);
    entry.idleSince = performance.now();
    this.idle.push(entry);
    entry.link.idleEnd().then((reason) => this.evict(entry, reason));
  }

  /** Closes all idle links; busy ones close when their exchange ends. */
  closeIdle(reason: CloseReason): void {
    for (const entry of this.idle.splice(0)) this.closeIdleLink(entry, reason);
  }

  /**
   * Closes every idle link now and every busy one when its exchange ends, then opens
   * `initial` links anew.
   */
  reset(): Promise<void> {
    this.generation++;
    this.closeIdle("reset");
    return this.fill();
  }

  /** Opens links until `initial` are open; a connect failure stops the fill (and is thrown). */
  async fill(): Promise<void> {
    const want = this.options.initial ?? 0;
    while (!this.shut && this.idle.length + this.busy < want) {
      this.finish(await this.openLink(), "reuse");
    }
  }

  /** Stops the pool: closes idle links, fails waiters, closes busy links on release. */
  shutdown(): void {
    this.shut = true;
    for (const t of this.timers.splice(0)) clearInterval(t);
    this.closeIdle("shutdown");
    for (const w of this.waiters.splice(0)) {
      clearTimeout(w.timer);
      w.resolve(null);
    }
  }

  private every(ms: number, run: () => void): void {
    const t = setInterval(run, ms);
    Deno.unrefTimer(t as unknown as number);
    this.timers.push(t);
  }

  private lend(entry: Entry): void {
    this.busy++;
    this.lent.add(entry);
  }

  /** Takes a link off the busy count (it went idle, or closed). */
  private unlend(entry: Entry): void {
    this.busy--;
    this.lent.delete(entry);
  }

  /** Closes a busy link and frees its slot for a waiter. */
  private destroy(entry: Entry, reason: CloseReason): void {
    entry.watcher = null;
    entry.link.close();
    this.unlend(entry);
    this.closedCount[reason]++;
    this.wakeOne();
  }

  /** `prepost`: a link idle longer than the threshold must answer CPING first. */
  private async usable(entry: Entry): Promise<boolean> {
    const ping = this.options.ping;
    if (!ping || ping.mode !== "prepost") return true;
    if (performance.now() - entry.idleSince < ping.intervalMs) return true;
    return await entry.link.cping(ping.timeoutMs);
  }

  /** `interval`: probes each idle link; one without CPONG is closed. */
  private async pingIdle(): Promise<void> {
    const ping = this.options.ping!;
    for (const entry of this.idle.splice(0)) {
      this.lend(entry);
      if (await entry.link.cping(ping.timeoutMs)) {
        this.finish(entry, "reuse");
      } else {
        this.unlend(entry);
        this.closedCount.ping_failed++;
        this.wakeOne();
      }
    }
    if (this.idle.length + this.busy < (this.options.initial ?? 0)) this.fill().catch(() => {});
  }

  private async openLink(): Promise<Entry> {
    this.busy++;
    let entry: Entry | null = null;
    try {
      const link = await this.open();
      entry = { link, uses: 0, idleSince: 0, born: this.generation, watcher: null };
      this.lent.add(entry); // from here the sweep enforces the CPING deadline
      const ping = this.options.ping;
      if (ping?.mode === "connect" && !(await link.cping(ping.timeoutMs))) {
        this.closedCount.ping_failed++;
        throw new GatewayError(
          "unavailable",
          `connection "${this.options.name}": no CPONG after connect`,
          { retryAfter: 1 },
        );
      }
      this.opened++;
      return entry;
    } catch (err) {
      if (entry) this.lent.delete(entry);
      this.busy--;
      this.wakeOne();
      throw err;
    }
  }

  private wait(): Promise<Entry | null> {
    return new Promise((resolve, reject) => {
      const { name, max, acquireTimeoutMs } = this.options;
      const waiter: Waiter = {
        resolve,
        timer: setTimeout(() => {
          const i = this.waiters.indexOf(waiter);
          if (i >= 0) this.waiters.splice(i, 1);
          reject(
            new GatewayError(
              "pool_exhausted",
              `connection "${name}": all ${max} backend sockets busy for ${acquireTimeoutMs} ms`,
              { retryAfter: Math.max(1, Math.ceil(acquireTimeoutMs / 1000)) },
            ),
          );
        }, acquireTimeoutMs),
      };
      this.waiters.push(waiter);
    });
  }

  /** A slot was freed: the first waiter gets an idle link, or opens a new one (null). */
  private wakeOne(): void {
    if (this.shut) return;
    const waiter = this.waiters.shift();
    if (!waiter) return;
    clearTimeout(waiter.timer);
    const entry = this.idle.pop();
    if (entry) this.lend(entry);
    waiter.resolve(entry ?? null);
  }

  private evict(entry: Entry, reason: CloseReason): void {
    const i = this.idle.indexOf(entry);
    if (i < 0) return; // handed out again meanwhile: its reader owns the outcome
    this.idle.splice(i, 1);
    this.closeIdleLink(entry, reason);
  }

  private closeIdleLink(entry: Entry, reason: CloseReason): void {
    entry.link.close();
    this.closedCount[reason]++;
  }

  private sweepIdle(): void {
    const limit = performance.now() - this.options.idleTimeoutMs;
    for (let i = this.idle.length - 1; i >= 0; i--) {
      const entry = this.idle[i];
      if (entry.idleSince <= limit) {
        this.idle.splice(i, 1);
        this.closeIdleLink(entry, "idle_timeout");
      }
    }
    if (this.idle.length + this.busy < (this.options.initial ?? 0)) this.fill().catch(() => {});
  }
}
