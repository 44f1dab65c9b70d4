/**
 * A bounded pool of reusable backend links for one connection. Idle links are kept LIFO and
 * watched: EOF or stray bytes evict them at once. Callers beyond `max` wait up to
 * `acquireTimeoutMs`, then get a 503 with Retry-After.
 * @module
 */
import type { AjpLink, CloseReason } from "./ajp_link.ts";
import { GatewayError } from "./errors.ts";

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
    shutdown: 0,
  };
  private shut = false;
  private sweeper: ReturnType<typeof setInterval> | undefined;

  constructor(readonly options: PoolOptions, private readonly open: LinkFactory) {
    if (options.idleTimeoutMs > 0) {
      const every = Math.min(Math.max(options.idleTimeoutMs / 4, 250), 60_000);
      this.sweeper = setInterval(() => this.sweepIdle(), every);
      Deno.unrefTimer(this.sweeper as unknown as number);
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
    if (!fresh) {
      const link = this.idle.pop();
      if (link) {
        this.busy++;
        return link;
      }
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
    if (link.isClosed || this.shut || link.buffered > 0) {
      return this.destroy(link, link.buffered > 0 ? "stray_bytes" : "error");
    }
    link.uses++;
    const waiter = this.waiters.shift();
    if (waiter) {
      clearTimeout(waiter.timer);
      return waiter.resolve(link);
    }
    this.busy--;
    link.idleSince = performance.now();
    this.idle.push(link);
    link.watch(
      () => this.idle.includes(link),
      (reason) => this.evict(link, reason),
    );
  }

  /** Closes a busy link and frees its slot for a waiter. */
  destroy(link: AjpLink, reason: CloseReason): void {
    link.close();
    this.busy--;
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

  /** Stops the pool: closes idle links, fails waiters, closes busy links on release. */
  shutdown(): void {
    this.shut = true;
    if (this.sweeper !== undefined) clearInterval(this.sweeper);
    this.closeIdle("shutdown");
    for (const w of this.waiters.splice(0)) {
      clearTimeout(w.timer);
      w.resolve(null);
    }
  }

  private async openLink(): Promise<AjpLink> {
    this.busy++;
    try {
      const link = await this.open();
      this.opened++;
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
  }
}
