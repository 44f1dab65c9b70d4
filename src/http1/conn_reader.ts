/**
 * A buffered reader (and writer) over a client connection whose reads and writes have
 * deadlines, enforced by the listener's periodic `sweep`: a late read fails with
 * ReadTimeout, a late write has the connection closed, so a silent or non-reading client
 * never holds a socket past the listener's timeouts. Deadlines are plain numbers checked
 * by the sweep rather than a timer per read or write, which would cost more per request.
 * @module
 */

/** A read did not finish before its deadline; the connection is closed. */
export class ReadTimeout extends Error {
  override readonly name = "ReadTimeout";
}

/** See module doc. */
export class ConnReader {
  buf: Uint8Array;
  /** Unconsumed bytes are buf[start..end). */
  start = 0;
  end = 0;
  /** The client closed its sending side (or the connection). */
  eof = false;
  private readAt = 0;
  private readTimeoutMs = 0;
  private writeAt = 0;
  /** A conn.read into buf[end..] is running (its result may outlive a timed-out wait). */
  private inflight = false;
  /** The wait on the next read, shared by whoever waits for data, and how to settle it. */
  private pending: Promise<boolean> | null = null;
  private settle: ((more: boolean) => void) | null = null;
  private fail: ((err: unknown) => void) | null = null;

  constructor(private readonly conn: Deno.Conn, size: number) {
    this.buf = new Uint8Array(size);
  }

  get available(): number {
    return this.end - this.start;
  }

  /**
   * Waits for more data from the connection (one read into the buffer, growing it up to
   * `cap` bytes of unconsumed data); false at EOF. Fails with ReadTimeout when nothing came
   * for `timeoutMs` (found by the sweep).
   */
  fill(timeoutMs: number, cap: number): Promise<boolean> {
    const read = this.read(cap);
    if (this.pending !== null) {
      this.readAt = Date.now() + timeoutMs;
      this.readTimeoutMs = timeoutMs;
    }
    return read;
  }

  /** Brings the deadline of the read in flight, if any, to at most `ms` from now. */
  hurry(ms: number): void {
    if (this.readAt !== 0) this.readAt = Math.min(this.readAt, Date.now() + ms);
  }

  /** Writes all of `bytes`; a client that takes none of them for `timeoutMs` is cut. */
  async write(bytes: Uint8Array, timeoutMs: number): Promise<void> {
    let off = 0;
    while (off < bytes.length) {
      this.writeAt = Date.now() + timeoutMs;
      try {
        off += await this.conn.write(bytes.subarray(off));
      } finally {
        this.writeAt = 0;
      }
    }
  }

  /**
   * Enforces the deadlines at time `now`: a late read fails with ReadTimeout while the
   * connection stays open, so that the caller can still answer (408) before closing it; a
   * late write closes the connection.
   */
  sweep(now: number): void {
    if (this.readAt !== 0 && now >= this.readAt) {
      this.readAt = 0;
      const fail = this.fail;
      this.pending = this.settle = this.fail = null;
      fail?.(new ReadTimeout(`no data from the client for ${this.readTimeoutMs} ms`));
    }
    if (this.writeAt !== 0 && now >= this.writeAt) {
      this.writeAt = 0;
      try {
        this.conn.close();
      } catch {
        // already closed
      }
    }
  }

  /**
   * Resolves false when the client closes (or the connection fails), true when data
   * arrives; no deadline. Used to notice a client that leaves while its request runs; the
   * data stays buffered for the next request.
   */
  watch(cap: number): Promise<boolean> {
    return this.read(cap).catch(() => false);
  }

  /** Waits on the read in flight, or starts one. */
  private read(cap: number): Promise<boolean> {
    if (this.pending) return this.pending;
    if (this.eof) return Promise.resolve(false);
    if (!this.inflight) {
      if (this.start > 0 && this.start === this.end) this.start = this.end = 0;
      if (this.end === this.buf.length) {
        if (this.start > 0) {
          this.buf.copyWithin(0, this.start, this.end);
          this.end -= this.start;
          this.start = 0;
        } else if (this.buf.length < cap) {
          const grown = new Uint8Array(Math.min(cap, this.buf.length * 2));
          grown.set(this.buf.subarray(0, this.end));
          this.buf = grown;
        } else {
          return Promise.reject(new RangeError("read buffer is full"));
        }
      }
      this.inflight = true;
      this.conn.read(this.buf.subarray(this.end)).then(this.onRead, this.onReadError);
    }
    this.pending = new Promise<boolean>((resolve, reject) => {
      this.settle = resolve;
      this.fail = reject;
    });
    return this.pending;
  }

  // Made once per connection rather than per read.
  private readonly onRead = (n: number | null) => {
    this.inflight = false;
    this.readAt = 0;
    const settle = this.settle;
    this.pending = this.settle = this.fail = null;
    if (n === null) this.eof = true;
    else this.end += n;
    settle?.(n !== null);
  };

  private readonly onReadError = (err: unknown) => {
    this.inflight = false;
    this.readAt = 0;
    const fail = this.fail;
    this.pending = this.settle = this.fail = null;
    fail?.(err);
  };

  /** Hands out up to `max` buffered bytes (a copy) and consumes them. */
  take(max: number): Uint8Array {
    const n = Math.min(max, this.available);
    const out = this.buf.slice(this.start, this.start + n);
    this.start += n;
    return out;
  }
}
