/**
 * A fake backend socket for unit tests of the AJP link and pool (the `LinkSocket` seam).
 * @module
 */
import type { LinkSocket } from "../../src/ajp/link.ts";

/**
 * A socket whose reads the test feeds with `push` (bytes, or null for EOF); it records writes,
 * and closing it fails a pending read, as closing a Deno.TcpConn does.
 */
export class FakeSocket implements LinkSocket {
  closed = false;
  readonly written: Uint8Array[] = [];
  private waiting: ((n: number | null) => void) | null = null;
  private failWaiting: ((err: Error) => void) | null = null;
  private target: Uint8Array | null = null;
  private queued: (Uint8Array | null)[] = [];

  read(p: Uint8Array): Promise<number | null> {
    if (this.closed) return Promise.reject(new Error("closed"));
    const next = this.queued.shift();
    if (next !== undefined) return Promise.resolve(this.copy(next, p));
    return new Promise((resolve, reject) => {
      this.target = p;
      this.waiting = resolve;
      this.failWaiting = reject;
    });
  }

  write(p: Uint8Array): Promise<number> {
    if (this.closed) return Promise.reject(new Error("closed"));
    this.written.push(p.slice());
    return Promise.resolve(p.length);
  }

  close(): void {
    this.closed = true;
    const fail = this.failWaiting;
    this.waiting = this.failWaiting = null;
    fail?.(new Error("socket closed"));
  }

  /** Delivers bytes (or EOF with null) to the pending read, or queues them. */
  push(bytes: Uint8Array | null): void {
    if (this.waiting) this.settle(bytes);
    else this.queued.push(bytes);
  }

  private settle(bytes: Uint8Array | null): void {
    const resolve = this.waiting;
    if (!resolve) return;
    this.waiting = null;
    resolve(bytes === null ? null : this.copy(bytes, this.target!));
  }

  private copy(bytes: Uint8Array | null, into: Uint8Array): number | null {
    if (bytes === null) return null;
    into.set(bytes);
    return bytes.length;
  }
}
