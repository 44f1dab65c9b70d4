/**
 * Reassembles AJP packets from a byte stream cut anywhere by TCP, in place: socket reads land
 * in the reader's own buffer, and whole packets come out as views of it. The leftover of a
 * read (a packet cut by TCP) stays in the buffer for the next one, as pg-protocol's parser
 * keeps its leftover.
 * @module
 */

import {
  MAGIC_FROM_CONTAINER,
  MAGIC_TO_CONTAINER,
  MIN_READ_BUFFER,
  PACKET_HEADER_SIZE,
} from "./constants.ts";
import { readFrameHeader } from "./frame.ts";
import { hex16 } from "./hex.ts";
import { validatePacketSize } from "./packet_size.ts";

/**
 * Frames a stream of packets starting with `magic`, of at most `packetSize` bytes. Each header
 * is checked by {@link readFrameHeader} as soon as its 4 bytes are there, so a peer cannot make
 * the reader wait for, or hold, more than one packet. After an error the reader stays failed:
 * every later call throws the same {@link AjpProtocolError}, since the stream has lost sync.
 *
 * In place (what a socket does): read into {@link space}, report the count with
 * {@link filled}, then take payloads with {@link next} until it returns null. A payload is a
 * view of the buffer, valid until the next call of {@link space}.
 *
 * @example
 * ```ts
 * const reader = new FrameReader(MAGIC_FROM_CONTAINER, 8192);
 * const n = await conn.read(reader.space());
 * if (n !== null) reader.filled(n);
 * for (let p = reader.next(); p !== null; p = reader.next()) decodeContainerMessage(p);
 * ```
 */
export class FrameReader {
  readonly #magic: number;
  readonly #packetSize: number;
  readonly #buf: Uint8Array;
  /** Unread bytes are `#buf[#start, #end)`. */
  #start = 0;
  #end = 0;
  #failure: unknown = null;

  /**
   * Reads packets starting with `magic`, of at most `packetSize` bytes (validated), into a
   * buffer of `capacity` bytes (default: twice the packet size, at least 64 KiB).
   */
  constructor(magic: number, packetSize: number, capacity?: number) {
    if (magic !== MAGIC_FROM_CONTAINER && magic !== MAGIC_TO_CONTAINER) {
      throw new RangeError(`AJP magic ${hex16(magic)} is neither 0x1234 nor 0x4142`);
    }
    this.#magic = magic;
    this.#packetSize = validatePacketSize(packetSize);
    const size = capacity ?? Math.max(packetSize * 2, MIN_READ_BUFFER);
    if (size < packetSize) {
      throw new RangeError(`frame buffer of ${size} bytes cannot hold a ${packetSize}-byte packet`);
    }
    this.#buf = new Uint8Array(size);
  }

  /** Bytes received and not yet taken as packets. */
  get buffered(): number {
    return this.#end - this.#start;
  }

  /** True while part of a packet is buffered, e.g. to detect EOF in the middle of a packet. */
  get pending(): boolean {
    return this.#end > this.#start;
  }

  /**
   * The free tail of the buffer to read into. Call it after {@link next} returned null: the
   * buffered leftover (less than a packet) is moved to the front when a packet might not fit
   * behind it, which invalidates every payload view handed out before.
   */
  space(): Uint8Array {
    if (this.#start > 0 && this.#start + this.#packetSize > this.#buf.length) {
      this.#buf.copyWithin(0, this.#start, this.#end);
      this.#end -= this.#start;
      this.#start = 0;
    }
    return this.#buf.subarray(this.#end);
  }

  /** Records that `n` bytes were written at the start of the last {@link space}. */
  filled(n: number): void {
    if (n < 0 || this.#end + n > this.#buf.length) {
      throw new RangeError(`filled(${n}) exceeds the ${this.#buf.length - this.#end} free bytes`);
    }
    this.#end += n;
  }

  /**
   * The next whole packet's payload (without its 4-byte header) as a view of the buffer, or
   * null when no whole packet is buffered. Throws {@link AjpProtocolError} on a bad header.
   */
  next(): Uint8Array | null {
    if (this.#failure !== null) throw this.#failure;
    const have = this.#end - this.#start;
    if (have < PACKET_HEADER_SIZE) return null;
    let length: number;
    try {
      length = readFrameHeader(this.#buf, this.#start, this.#magic, this.#packetSize);
    } catch (err) {
      this.#failure = err;
      throw err;
    }
    if (have < PACKET_HEADER_SIZE + length) return null;
    const from = this.#start + PACKET_HEADER_SIZE;
    this.#start = from + length;
    if (this.#start === this.#end) this.#start = this.#end = 0;
    return this.#buf.subarray(from, from + length);
  }

  /**
   * Consumes `chunk` and returns the payloads it completed, in order, as copies owned by the
   * caller (for peers and tests; a socket reads in place with {@link space}).
   */
  push(chunk: Uint8Array): Uint8Array[] {
    if (this.#failure !== null) throw this.#failure;
    const done: Uint8Array[] = [];
    let pos = 0;
    do {
      for (let p = this.next(); p !== null; p = this.next()) done.push(p.slice());
      const room = this.space();
      const n = Math.min(room.length, chunk.length - pos);
      room.set(chunk.subarray(pos, pos + n));
      this.filled(n);
      pos += n;
    } while (pos < chunk.length);
    for (let p = this.next(); p !== null; p = this.next()) done.push(p.slice());
    return done;
  }
}
