/**
 * A bounded pool of reusable backend links for one connection. Idle links are kept LIFO and
 * watched: EOF or stray bytes evict them at once. Callers beyond `max` wait up to
 * `acquireTimeoutMs`, then get a 503 with Retry-After.
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

interface Waiter {
  resolve(link: AjpLink | null): void;
  timer: ReturnType<typeof setTimeout>;
}

/** Opens a new link; throws a GatewayError on failure. */
export type LinkFactory = () => Promise<AjpLink>;

/** See module doc. */
export class Pool {
  private readonly idle: AjpLink[] = [];
  private readonly waiters: Waiter[] = [];
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
  private readonly born = new WeakMap<AjpLink, number>();
  private sweeper: ReturnType<typeof setInterval> | undefined;
  /** Links handed out, for the reply-deadline sweep. */
  private readonly lent = new Set<AjpLink>();
  private readonly deadlines: ReturnType<typeof setInterval>;
  private pinger: ReturnType<typeof setInterval> | undefined;

  constructor(readonly options: PoolOptions, private readonly open: LinkFactory) {
    if (options.idleTimeoutMs > 0) {
      const every = Math.min(Math.max(options.idleTimeoutMs / 4, 250), 60_000);
      this.sweeper = setInterval(() => this.sweepIdle(), every);
      Deno.unrefTimer(this.sweeper as unknown as number);
    }
    // Reply timeouts: one sweep every 100 ms instead of a timer per socket read.
    this.deadlines = setInterval(() => {
      const now = performance.now();
      for (const link of this.lent) link.sweep(now);
    }, 100);
    Deno.unrefTimer(this.deadlines as unknown as number);
    if (options.ping?.mode === "interval") {
      this.pinger = setInterval(() => this.pingIdle(), options.ping.intervalMs);
      Deno.unrefTimer(this.pinger as unknown as number);
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
  async acquire(fresh = false): Promise<AjpLink> {
    if (this.shut) {
      throw new GatewayError("unavailable", `connection "${this.options.name}" is closed`);
    }
    while (!fresh) {
      const link = this.idle.pop();
      if (!link) break;
      this.busy++;
      this.lent.add(link);
      if (await this.usable(link)) return link;
      this.busy--;
      this.lent.delete(link);
      this.closedCount.ping_failed++;
    }
    if (this.options.max === null || this.busy + this.idle.length < this.options.max) {
      return await this.openLink();
    }
    if (fresh && this.idle.length > 0) {
      this.destroyIdle(this.idle.shift()!, "reset");
      return await this.openLink();
    }
    const link = await this.wait();
    if (link) return link;
    return await this.openLink();
  }

  /** Returns a link after END_RESPONSE with reuse=1 and nothing pending. */
  release(link: AjpLink): void {
    link.onWait = null;
    if (link.isClosed || this.shut || link.buffered > 0) {
      return this.destroy(link, link.buffered > 0 ? "stray_bytes" : "error");
    }
    if (this.born.get(link) !== this.generation) return this.destroy(link, "reset");
    link.uses++;
    const waiter = this.waiters.shift();
    if (waiter) {
      clearTimeout(waiter.timer);
      return waiter.resolve(link);
    }
    this.busy--;
    this.lent.delete(link);
    link.idleSince = performance.now();
    this.idle.push(link);
    link.watch(
      () => this.idle.includes(link),
      (reason) => this.evict(link, reason),
    );
  }

  /** Closes a busy link and frees its slot for a waiter. */
  destroy(link: AjpLink, reason: CloseReason): void {
    link.onWait = null;
    link.close();
    this.busy--;
    this.lent.delete(link);
    this.closedCount[reason]++;
    this.wakeOne();
  }

  /** Closes all idle links; busy ones close when released. */
  closeIdle(reason: CloseReason): void {
    for (const link of this.idle.splice(0)) {
      link.close();
      this.closedCount[reason]++;
    }
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
      const link = await this.openLink();
      this.release(link);
    }
  }

  /** Stops the pool: closes idle links, fails waiters, closes busy links on release. */
  shutdown(): void {
    this.shut = true;
    if (this.sweeper !== undefined) clearInterval(this.sweeper);
    clearInterval(this.deadlines);
    if (this.pinger !== undefined) clearInterval(this.pinger);
    this.closeIdle("shutdown");
    for (const w of this.waiters.splice(0)) {
      clearTimeout(w.timer);
      w.resolve(null);
    }
  }

  /** `prepost`: a link idle longer than the threshold must answer CPING first. */
  private async usable(link: AjpLink): Promise<boolean> {
    const ping = this.options.ping;
    if (!ping || ping.mode !== "prepost") return true;
    if (performance.now() - link.idleSince < ping.intervalMs) return true;
    return await link.cping(ping.timeoutMs);
  }

  /** `interval`: probes each idle link; one without CPONG is closed. */
  private async pingIdle(): Promise<void> {
    const ping = this.options.ping!;
    for (const link of this.idle.splice(0)) {
      this.busy++;
      this.lent.add(link);
      if (await link.cping(ping.timeoutMs)) {
        this.release(link);
      } else {
        this.busy--;
        this.lent.delete(link);
        this.closedCount.ping_failed++;
        this.wakeOne();
      }
    }
    if (this.idle.length + this.busy < (this.options.initial ?? 0)) this.fill().catch(() => {});
  }

  private async openLink(): Promise<AjpLink> {
    this.busy++;
    try {
      const link = await this.open();
      this.lent.add(link);
      if (
        this.options.ping?.mode === "connect" && !(await link.cping(this.options.ping.timeoutMs))
      ) {
        this.closedCount.ping_failed++;
        this.lent.delete(link);
        throw new GatewayError(
          "unavailable",
          `connection "${this.options.name}": no CPONG after connect`,
          {
            retryAfter: 1,
          },
        );
      }
      this.opened++;
      this.born.set(link, this.generation);
      return link;
    } catch (err) {
      this.busy--;
      this.wakeOne();
      throw err;
    }
  }

  private wait(): Promise<AjpLink | null> {
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        resolve,
        timer: setTimeout(() => {
          const i = this.waiters.indexOf(waiter);
          if (i >= 0) this.waiters.splice(i, 1);
          const secs = Math.max(1, Math.ceil(this.options.acquireTimeoutMs / 1000));
          reject(
            new GatewayError(
              "pool_exhausted",
              `connection "${this.options.name}": all ${this.options.max} backend sockets busy for ${this.options.acquireTimeoutMs} ms`,
              { retryAfter: secs },
            ),
          );
        }, this.options.acquireTimeoutMs),
      };
      this.waiters.push(waiter);
    });
  }

  /** A slot was freed: the first waiter opens a new link in it (resolve(null)). */
  private wakeOne(): void {
    if (this.shut) return;
    const idle = this.idle.pop();
    const waiter = this.waiters.shift();
    if (!waiter) {
      if (idle) this.idle.push(idle);
      return;
    }
    clearTimeout(waiter.timer);
    if (idle) {
      this.busy++;
      this.lent.add(idle);
      waiter.resolve(idle);
    } else {
      waiter.resolve(null);
    }
  }

  private evict(link: AjpLink, reason: CloseReason): void {
    const i = this.idle.indexOf(link);
    if (i < 0) return;
    this.idle.splice(i, 1);
    this.destroyIdle(link, reason);
  }

  private destroyIdle(link: AjpLink, reason: CloseReason): void {
    link.close();
    this.closedCount[reason]++;
  }

  private sweepIdle(): void {
    const limit = performance.now() - this.options.idleTimeoutMs;
    for (let i = this.idle.length - 1; i >= 0; i--) {
      const link = this.idle[i];
      if (link.idleSince <= limit) {
        this.idle.splice(i, 1);
        this.destroyIdle(link, "idle_timeout");
      }
    }
    if (this.idle.length + this.busy < (this.options.initial ?? 0)) this.fill().catch(() => {});
  }
}
