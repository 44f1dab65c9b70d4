/**
 * A counting limit with a wait queue: at most `max` holders at once (null = unlimited);
 * a caller that waits longer than `timeoutMs` gets a 503 with Retry-After.
 * @module
 */
import { GatewayError } from "../proxy/errors.ts";

/** See module doc. */
export class Semaphore {
  private used = 0;
  private readonly waiters: { resolve: () => void; timer: ReturnType<typeof setTimeout> }[] = [];

  constructor(
    private readonly name: string,
    private readonly max: number | null,
    private readonly timeoutMs: number,
  ) {}

  /** Holders now. */
  get inUse(): number {
    return this.used;
  }

  /** Callers waiting for a slot. */
  get waiting(): number {
    return this.waiters.length;
  }

  /** Takes a slot, waiting if none is free. Release it exactly once. */
  acquire(): Promise<void> {
    if (this.max === null || this.used < this.max) {
      this.used++;
      return Promise.resolve();
    }
    return new Promise((resolve, reject) => {
      const waiter = {
        resolve,
        timer: setTimeout(() => {
          this.waiters.splice(this.waiters.indexOf(waiter), 1);
          reject(
            new GatewayError(
              "pool_exhausted",
              `connection "${this.name}": all ${this.max} backend sockets busy for ${this.timeoutMs} ms`,
              { retryAfter: Math.max(1, Math.ceil(this.timeoutMs / 1000)) },
            ),
          );
        }, this.timeoutMs),
      };
      this.waiters.push(waiter);
    });
  }

  /** Frees a slot, handing it to the first waiter. */
  release(): void {
    const next = this.waiters.shift();
    if (next) {
      clearTimeout(next.timer);
      next.resolve();
    } else {
      this.used--;
    }
  }
}
