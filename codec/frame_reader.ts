/**
 * Reassembles AJP packets from a byte stream cut anywhere by TCP.
 * @module
 */

import { MAGIC_FROM_CONTAINER, MAGIC_TO_CONTAINER, PACKET_HEADER_SIZE } from "./constants.ts";
import { readFrameHeader } from "./frame.ts";
import { hex16 } from "./hex.ts";
import { validatePacketSize } from "./packet_size.ts";

/**
 * Turns chunks of a stream into packet payloads (without their 4-byte headers). Each header is
 * checked by {@link readFrameHeader} before any buffer is allocated for its payload, so a peer
 * cannot make the reader reserve more than one packet. After an error the reader stays failed:
 * every later `push` throws the same {@link AjpProtocolError}, since the stream has lost sync.
 *
 * @example
 * ```ts
 * const reader = new FrameReader(MAGIC_FROM_CONTAINER, 8192);
 * reader.push(new Uint8Array([0x41, 0x42, 0])); // []
 * reader.push(new Uint8Array([1, 9])); // [Uint8Array [9]]
 * ```
 */
export class FrameReader {
  readonly #magic: number;
  readonly #packetSize: number;
  /** Header bytes of a header split across chunks. */
  readonly #header = new Uint8Array(PACKET_HEADER_SIZE);
  #headerFill = 0;
  /** The payload being filled, once its header has been read. */
  #payload: Uint8Array | null = null;
  #payloadFill = 0;
  #failure: unknown = null;

  /** Reads packets starting with `magic`, of at most `packetSize` bytes (validated). */
  constructor(magic: number, packetSize: number) {
    if (magic !== MAGIC_FROM_CONTAINER && magic !== MAGIC_TO_CONTAINER) {
      throw new RangeError(`AJP magic ${hex16(magic)} is neither 0x1234 nor 0x4142`);
    }
    this.#magic = magic;
    this.#packetSize = validatePacketSize(packetSize);
  }

  /** True while part of a packet is buffered, e.g. to detect EOF in the middle of a packet. */
  get pending(): boolean {
    return this.#headerFill > 0 || this.#payload !== null;
  }

  /**
   * Consumes `chunk` and returns the payloads it completed, in order. Returned payloads are
   * owned by the caller: they never share memory with `chunk` or with later results.
   */
  push(chunk: Uint8Array): Uint8Array[] {
    if (this.#failure !== null) throw this.#failure;
    try {
      return this.#consume(chunk);
    } catch (err) {
      this.#failure = err;
      throw err;
    }
  }

  #consume(chunk: Uint8Array): Uint8Array[] {
    const done: Uint8Array[] = [];
    const end = chunk.length;
    let pos = 0;
    while (pos < end) {
      if (this.#payload === null) {
        let length: number;
        if (this.#headerFill === 0 && end - pos >= PACKET_HEADER_SIZE) {
          length = readFrameHeader(chunk, pos, this.#magic, this.#packetSize);
          pos += PACKET_HEADER_SIZE;
          if (end - pos >= length) {
            // The whole payload is in this chunk: one copy, no reassembly.
            done.push(chunk.slice(pos, pos + length));
            pos += length;
            continue;
          }
        } else {
          const n = Math.min(PACKET_HEADER_SIZE - this.#headerFill, end - pos);
          this.#header.set(chunk.subarray(pos, pos + n), this.#headerFill);
          this.#headerFill += n;
          pos += n;
          if (this.#headerFill < PACKET_HEADER_SIZE) break;
          this.#headerFill = 0;
          length = readFrameHeader(this.#header, 0, this.#magic, this.#packetSize);
        }
        this.#payload = new Uint8Array(length);
        this.#payloadFill = 0;
      }
      const payload = this.#payload;
      const n = Math.min(payload.length - this.#payloadFill, end - pos);
      payload.set(chunk.subarray(pos, pos + n), this.#payloadFill);
      this.#payloadFill += n;
      pos += n;
      if (this.#payloadFill === payload.length) {
        done.push(payload);
        this.#payload = null;
      }
    }
    return done;
  }
}
