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
  private onReadExpired: (() => void) | null = null;
  private readAt = 0;
  private writeAt = 0;

  constructor(private readonly conn: Deno.Conn, size: number) {
    this.buf = new Uint8Array(size);
  }

  get available(): number {
    return this.end - this.start;
  }

  /** The one read in flight, shared by whoever waits for data. */
  private pending: Promise<boolean> | null = null;

  /**
   * Waits for more data from the connection (one read into the buffer, growing it up to
   * `cap` bytes of unconsumed data); false at EOF. Throws ReadTimeout after `timeoutMs`,
   * having closed the connection.
   */
  async fill(timeoutMs: number, cap: number): Promise<boolean> {
    const read = this.read(cap);
    this.readAt = Date.now() + timeoutMs;
    const expired = new Promise<never>((_, reject) => {
      this.onReadExpired = () =>
        reject(new ReadTimeout(`no data from the client for ${timeoutMs} ms`));
    });
    try {
      return await Promise.race([read, expired]);
    } finally {
      this.readAt = 0;
      this.onReadExpired = null;
    }
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
      this.onReadExpired?.();
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

  /** Starts a read unless one is in flight. */
  private read(cap: number): Promise<boolean> {
    if (this.pending) return this.pending;
    if (this.eof) return Promise.resolve(false);
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
    const p = this.conn.read(this.buf.subarray(this.end)).then((n) => {
      this.pending = null;
      if (n === null) {
        this.eof = true;
        return false;
      }
      this.end += n;
      return true;
    }, (err) => {
      this.pending = null;
      throw err;
    });
    this.pending = p;
    return p;
  }

  /** Hands out up to `max` buffered bytes (a copy) and consumes them. */
  take(max: number): Uint8Array {
    const n = Math.min(max, this.available);
    const out = this.buf.slice(this.start, this.start + n);
    this.start += n;
    return out;
  }
}
