/**
 * One TCP socket to an AJP13 backend: whole packets in (framed in place by the codec's
 * {@link FrameReader}), byte writes out, and a read deadline. At most one read is outstanding
 * at any time; the pool may start it early to watch an idle socket (see {@link AjpLink.idleEnd}),
 * and the next {@link AjpLink.readPacket} then continues it. Nothing here knows pools or
 * exchanges (H ajp_link.c).
 * @module
 */
import { ContainerCode, MAGIC_FROM_CONTAINER } from "../../codec/constants.ts";
import { CPING_PACKET } from "../../codec/cping.ts";
import { AjpProtocolError } from "../../codec/errors.ts";
import { FrameReader } from "../../codec/frame_reader.ts";
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

/** A socket with its packet framer. `name` labels errors with the connection's name. */
export class AjpLink {
  /** Scratch space for building outgoing packets: FORWARD_REQUEST plus a first body packet. */
  readonly out: Uint8Array;
  private readonly frames: FrameReader;
  private pending: Promise<number | null> | null = null;
  private closed = false;
  /** When the read in progress times out (performance.now() ms); 0 = no deadline. */
  private deadline = 0;
  private deadlineMs = 0;
  private expired = false;

  constructor(
    private readonly socket: LinkSocket,
    readonly name: string,
    readonly packetSize: number,
  ) {
    this.frames = new FrameReader(MAGIC_FROM_CONTAINER, packetSize);
    this.out = new Uint8Array(packetSize * 2);
  }

  /** True once {@link close} was called or the socket failed. */
  get isClosed(): boolean {
    return this.closed;
  }

  /** Bytes received but not yet taken as packets. */
  get buffered(): number {
    return this.frames.buffered;
  }

  /** Whether a socket read is under way. */
  get reading(): boolean {
    return this.pending !== null;
  }

  /** Writes all of `bytes`; a failure closes the link and throws a "closed" GatewayError. */
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
   * Reads the next whole packet and returns its payload (without the 4-byte header), a view
   * valid until the next read. Each socket read waits at most `timeoutMs` (0 = no limit) and
   * never past `until` (a performance.now() time). A backend that closes with nothing of a
   * packet buffered gives a "closed" error with retry "other_member" (the caller narrows it).
   */
  async readPacket(timeoutMs: number, until = Infinity): Promise<Uint8Array> {
    for (;;) {
      const payload = this.takeBufferedPacket();
      if (payload !== null) return payload;
      const n = await this.awaitRead(timeoutMs, until);
      if (n === null) {
        const clean = this.frames.buffered === 0;
        this.close();
        throw new GatewayError(
          "closed",
          `connection "${this.name}": backend closed the connection`,
          { retry: clean ? "other_member" : "none" },
        );
      }
      this.frames.filled(n);
    }
  }

  /**
   * The next packet's payload if the whole packet is already buffered, else null; never
   * reads the socket. Lets a response that arrived in one piece skip streaming.
   */
  takeBufferedPacket(): Uint8Array | null {
    try {
      return this.frames.next();
    } catch (err) {
      this.close();
      throw protocolError(this.name, err);
    }
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
   * Starts the read that watches an idle socket and tells how it would end the socket: "eof",
   * "stray_bytes" or "error". A later {@link readPacket} continues the same read, so the
   * caller must ignore the outcome once it handed the link out again.
   */
  idleEnd(): Promise<CloseReason> {
    if (this.closed) return Promise.resolve("error");
    if (this.frames.buffered > 0) return Promise.resolve("stray_bytes");
    return this.startRead().then((n) => n === null ? "eof" : "stray_bytes", () => "error");
  }

  /**
   * Ends the read in progress if its deadline passed: the socket is closed, the pending read
   * fails and the reader gets a "timeout" error. Called by the pool's sweep, so a read costs
   * no timer of its own.
   */
  expire(now: number): void {
    if (this.deadline === 0 || now < this.deadline) return;
    this.expired = true;
    this.close();
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
    const p = this.socket.read(this.frames.space());
    p.catch(() => {}); // observed by the awaiting reader or the idle watch
    this.pending = p;
    return p;
  }

  private async awaitRead(timeoutMs: number, until: number): Promise<number | null> {
    if (this.closed) throw new GatewayError("closed", `connection "${this.name}": socket closed`);
    const p = this.startRead();
    if (timeoutMs > 0 || until !== Infinity) {
      const now = performance.now();
      const byTimeout = timeoutMs > 0 ? now + timeoutMs : Infinity;
      this.deadline = Math.min(byTimeout, until);
      this.deadlineMs = Math.round(this.deadline - now);
    }
    try {
      return await p;
    } catch (err) {
      this.close();
      if (this.expired) {
        throw new GatewayError(
          "timeout",
          `connection "${this.name}": no reply from backend within ${this.deadlineMs} ms`,
        );
      }
      throw new GatewayError("closed", `connection "${this.name}": read from backend failed`, {
        cause: err,
        retry: this.frames.buffered === 0 ? "other_member" : "none",
      });
    } finally {
      this.deadline = 0;
      this.pending = null;
    }
  }
}

/** A GatewayError for a malformed packet from the backend named `name`. */
export function protocolError(name: string, err: unknown): GatewayError {
  const detail = err instanceof AjpProtocolError ? err.message : String(err);
  return new GatewayError("protocol", `connection "${name}": malformed AJP packet: ${detail}`, {
    cause: err,
  });
}
