/**
 * A connection's health: "error" with the error text and since when, set by a failed
 * connect or probe, and a background probe with exponential backoff (1 s doubling to
 * 60 s) that clears it by itself once the backend answers again.
 * @module
 */
import { messageOf } from "./errors.ts";
import type { UpstreamState } from "./upstream.ts";

const FIRST_MS = 1_000;
const MAX_MS = 60_000;

/** The error a connection is in. */
export interface HealthError {
  message: string;
  /** ISO time of the first failure of this error period. */
  since: string;
}

/** See module doc. `check` throws when the backend does not answer. */
export class Health {
  private current: HealthError | null = null;
  /** Whether the backend ever answered (a connection that never did is "idle"). */
  private reached = false;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private delayMs = FIRST_MS;
  private checking = false;
  private stopped = false;

  constructor(
    private readonly check: () => Promise<void>,
    private readonly onRecovered: () => void,
    private readonly active: () => boolean,
  ) {}

  /** The error, or null when healthy. */
  get error(): HealthError | null {
    return this.current;
  }

  /** The connection's state: disabled, error, connected, or idle before its first success. */
  state(enabled: boolean): UpstreamState {
    if (!enabled) return "disabled";
    if (this.current) return "error";
    return this.reached ? "connected" : "idle";
  }

  /** A request reached the backend: healthy again. */
  ok(): void {
    this.reached = true;
    if (!this.current) return;
    this.current = null;
    this.cancel();
  }

  /** Records a failure and makes sure the recovery probe runs. */
  fail(message: string): void {
    if (!this.current) this.current = { message, since: new Date().toISOString() };
    else this.current.message = message;
    if (!this.checking) this.schedule();
  }

  /** Stops probing (the connection was disabled); `fail` starts it again. */
  cancel(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    this.delayMs = FIRST_MS;
  }

  /** Stops for good. */
  stop(): void {
    this.stopped = true;
    this.cancel();
  }

  private schedule(): void {
    if (this.timer !== undefined || this.stopped || !this.active()) return;
    this.timer = setTimeout(async () => {
      this.timer = undefined;
      this.checking = true;
      try {
        await this.check();
        this.reached = true;
        this.current = null;
        this.delayMs = FIRST_MS;
        this.onRecovered();
      } catch (err) {
        if (this.current) this.current.message = messageOf(err);
        this.delayMs = Math.min(this.delayMs * 2, MAX_MS);
        this.checking = false;
        if (this.current) this.schedule();
      } finally {
        this.checking = false;
      }
    }, this.delayMs);
    Deno.unrefTimer(this.timer as unknown as number);
  }
}
