/**
 * One TCP socket to an AJP13 backend with a reusable read buffer: whole packets in, byte
 * writes out. At most one read is outstanding at any time; while the socket is idle in a pool
 * that read doubles as the watch that notices EOF or stray bytes (pingora-pool style).
 * @module
 */
import { ContainerCode, MAGIC_FROM_CONTAINER, PACKET_HEADER_SIZE } from "../../codec/constants.ts";
import { CPING_PACKET } from "../../codec/cping.ts";
import { readFrameHeader } from "../../codec/frame.ts";
import { AjpProtocolError } from "../../codec/errors.ts";
import { GatewayError } from "../proxy/errors.ts";

/** Why a link was closed; counted per connection. */
export type CloseReason =
  | "idle_timeout"
  | "eof"
  | "stray_bytes"
  | "reuse_0"
  | "error"
  | "reset"
  | "aborted"
  | "ping_failed"
  | "shutdown";

/** The socket operations a link needs; `Deno.TcpConn` satisfies it (tests may inject). */
export interface LinkSocket {
  read(p: Uint8Array): Promise<number | null>;
  write(p: Uint8Array): Promise<number>;
  close(): void;
}

/** A socket with its packet reader. `name` labels errors with the connection's name. */
export class AjpLink {
  /** Scratch space for building outgoing packets: FORWARD_REQUEST plus a first body packet. */
  readonly out: Uint8Array;
  /** Times the socket was returned to its pool; > 0 means it may have gone stale there. */
  uses = 0;
  /** Set when the socket is idle in a pool; used for idle timeouts. */
  idleSince = 0;
  /** Whether any byte of the current exchange arrived from the backend. */
  received = false;
  /**
   * Called once by the pool's sweep (every 100 ms) if it finds a read from the backend under
   * way, then cleared: the exchange uses it to start watching for the client going away,
   * which is not worth its cost for exchanges that end sooner.
   */
  onWait: (() => void) | null = null;
  private readonly buf: Uint8Array;
  private start = 0;
  private end = 0;
  private pending: Promise<number | null> | null = null;
  private closed = false;
  /** When the read in progress times out (performance.now() ms); 0 = no deadline. */
  private readDeadline = 0;
  private readTimeoutMs = 0;
  private expired = false;

  constructor(
    private readonly socket: LinkSocket,
    readonly name: string,
    readonly packetSize: number,
  ) {
    // Room for several packets, so one socket read can carry many body chunks.
    this.buf = new Uint8Array(Math.max(packetSize * 2, 65536));
    this.out = new Uint8Array(packetSize * 2);
  }

  /** True once {@link close} was called or the socket failed. */
  get isClosed(): boolean {
    return this.closed;
  }

  /** Bytes received but not yet consumed as packets. */
  get buffered(): number {
    return this.end - this.start;
  }

  /** Writes all of `bytes`; a failure closes the link and throws a retryable-unknown error. */
  async writeAll(bytes: Uint8Array): Promise<void> {
    let off = 0;
    try {
      while (off < bytes.length) off += await this.socket.write(bytes.subarray(off));
    } catch (err) {
      this.close();
      throw new GatewayError("closed", `connection "${this.name}": write to backend failed`, {
        cause: err,
      });
    }
  }

  /**
   * Reads the next whole packet and returns its payload (without the 4-byte header). The view
   * is valid until the next read. `timeoutMs` bounds the wait for each socket read (0 = none).
   */
  async readPacket(timeoutMs: number): Promise<Uint8Array> {
    await this.ensure(PACKET_HEADER_SIZE, timeoutMs);
    const len = this.payloadLength();
    await this.ensure(PACKET_HEADER_SIZE + len, timeoutMs);
    return this.consume(len);
  }

  /**
   * The next packet's payload if the whole packet is already buffered, else null; never
   * reads the socket. Lets a response that arrived in one piece skip streaming.
   */
  takeBufferedPacket(): Uint8Array | null {
    if (this.end - this.start < PACKET_HEADER_SIZE) return null;
    const len = this.payloadLength();
    if (this.end - this.start < PACKET_HEADER_SIZE + len) return null;
    return this.consume(len);
  }

  /** The buffered packet header's payload length, checked against the packet size. */
  private payloadLength(): number {
    try {
      return readFrameHeader(this.buf, this.start, MAGIC_FROM_CONTAINER, this.packetSize);
    } catch (err) {
      this.close();
      throw protocolError(this.name, err);
    }
  }

  /** Takes the buffered packet whose payload is `len` bytes; returns a view of the payload. */
  private consume(len: number): Uint8Array {
    const from = this.start + PACKET_HEADER_SIZE;
    this.start = from + len;
    if (this.start === this.end) this.start = this.end = 0;
    return this.buf.subarray(from, from + len);
  }

  /**
   * Sends CPING and waits up to `timeoutMs` for CPONG (T AjpProcessor answers it between
   * requests). False, with the link closed, when anything else or nothing comes back.
   */
  async cping(timeoutMs: number): Promise<boolean> {
    try {
      await this.writeAll(CPING_PACKET);
      const payload = await this.readPacket(timeoutMs);
      if (payload.length === 1 && payload[0] === ContainerCode.CPONG) return true;
    } catch {
      // closed, timed out or malformed: the link is not usable
    }
    this.close();
    return false;
  }

  /**
   * Starts the idle watch: a read that resolves only if the backend sends EOF or bytes while
   * nobody is using the socket. `onEvent` runs then, unless the link was taken meanwhile.
   */
  watch(isIdle: () => boolean, onEvent: (reason: CloseReason) => void): void {
    if (this.closed) return;
    if (this.buffered > 0) return onEvent("stray_bytes");
    const p = this.startRead();
    p.then(
      (n) => isIdle() && onEvent(n === null ? "eof" : "stray_bytes"),
      () => isIdle() && onEvent("error"),
    );
  }

  /** Closes the socket; pending reads end with an error that is ignored. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    try {
      this.socket.close();
    } catch {
      // already closed by the peer or the runtime
    }
  }

  private startRead(): Promise<number | null> {
    if (this.pending) return this.pending;
    if (this.start > 0 && this.end === this.buf.length) {
      this.buf.copyWithin(0, this.start, this.end);
      this.end -= this.start;
      this.start = 0;
    }
    const p = this.socket.read(this.buf.subarray(this.end));
    p.catch(() => {}); // observed by the awaiting reader or the watch
    this.pending = p;
    return p;
  }

  private async ensure(need: number, timeoutMs: number): Promise<void> {
    if (this.end - this.start >= need) return;
    if (this.start + need > this.buf.length) {
      this.buf.copyWithin(0, this.start, this.end);
      this.end -= this.start;
      this.start = 0;
    }
    while (this.end - this.start < need) {
      if (this.closed) {
        throw new GatewayError("closed", `connection "${this.name}": socket closed`);
      }
      const n = await this.awaitRead(timeoutMs);
      if (n === null) {
        this.close();
        throw new GatewayError(
          "closed",
          `connection "${this.name}": backend closed the connection`,
          { retryable: !this.received },
        );
      }
      this.received = true;
      this.end += n;
    }
  }

  /**
   * Awaits the outstanding read. With `timeoutMs` > 0 it sets a deadline that the pool's
   * sweeper enforces with {@link expire} (no timer per read on the hot path).
   */
  private async awaitRead(timeoutMs: number): Promise<number | null> {
    const p = this.startRead();
    if (timeoutMs > 0) {
      this.readDeadline = performance.now() + timeoutMs;
      this.readTimeoutMs = timeoutMs;
    }
    try {
      return await p;
    } catch (err) {
      this.close();
      if (this.expired) {
        throw new GatewayError(
          "timeout",
          `connection "${this.name}": no reply from backend within ${this.readTimeoutMs} ms`,
        );
      }
      throw new GatewayError("closed", `connection "${this.name}": read from backend failed`, {
        cause: err,
        retryable: !this.received,
      });
    } finally {
      this.readDeadline = 0;
      this.pending = null;
    }
  }

  /**
   * Called by the pool's sweep for a link in use: runs {@link onWait} if a read is under way,
   * and ends a read whose deadline passed (the socket is closed, the pending read fails and
   * the reader gets a timeout error).
   */
  sweep(now: number): void {
    if (this.pending && this.onWait) {
      const onWait = this.onWait;
      this.onWait = null;
      onWait();
    }
    if (this.readDeadline === 0 || now < this.readDeadline) return;
    this.expired = true;
    this.close();
  }
}

function protocolError(name: string, err: unknown): GatewayError {
  const detail = err instanceof AjpProtocolError ? err.message : String(err);
  return new GatewayError("protocol", `connection "${name}": malformed AJP packet: ${detail}`, {
    cause: err,
  });
}

export { protocolError };
