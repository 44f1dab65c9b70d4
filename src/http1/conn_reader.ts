/**
 * A buffered reader over a client connection whose every read has a deadline: a read that
 * does not finish in time closes the connection and fails with ReadTimeout, so a silent
 * client never holds a socket past the listener's timeouts.
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
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      try {
        this.conn.close();
      } catch {
        // already closed
      }
    }, timeoutMs);
    try {
      return await read;
    } catch (err) {
      if (timedOut) throw new ReadTimeout(`no data from the client for ${timeoutMs} ms`);
      throw err;
    } finally {
      clearTimeout(timer);
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
