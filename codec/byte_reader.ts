/**
 * A read cursor over one packet payload. Every read is checked against the payload's end, every
 * string must end in NUL and 0xFFFF reads as null, so a hostile peer can only cause an
 * {@link AjpProtocolError} (the over-read of CVE-2026-34032 came from a missing NUL check in
 * H ajp_msg_get_string).
 * @module
 */

import { NULL_STRING_LENGTH } from "./constants.ts";
import { AjpProtocolError } from "./errors.ts";

/**
 * Reads AJP data types (H ajp_msg.c; T AjpMessage) from `buf[offset, end)`. Offsets in error
 * messages count from `offset`, i.e. from the start of the payload.
 *
 * @example
 * ```ts
 * const r = new ByteReader(new Uint8Array([0, 2, 0x68, 0x69, 0]));
 * r.string("name"); // "hi"
 * ```
 */
export class ByteReader {
  readonly #buf: Uint8Array;
  readonly #start: number;
  readonly #end: number;
  #pos: number;

  /** Reads `buf` from `offset` (default 0) to `end` (default `buf.length`). */
  constructor(buf: Uint8Array, offset = 0, end = buf.length) {
    if (!(offset >= 0 && offset <= end && end <= buf.length)) {
      throw new RangeError(
        `ByteReader range ${offset}..${end} is outside a ${buf.length}-byte buffer`,
      );
    }
    this.#buf = buf;
    this.#start = offset;
    this.#end = end;
    this.#pos = offset;
  }

  /** Offset of the next byte, counted from the start of the payload. */
  get offset(): number {
    return this.#pos - this.#start;
  }

  /** Bytes left before the end of the payload. */
  get remaining(): number {
    return this.#end - this.#pos;
  }

  /** Reads one byte. */
  u8(what: string): number {
    this.#need(1, what);
    return this.#buf[this.#pos++];
  }

  /** Reads a big-endian u16. */
  u16(what: string): number {
    this.#need(2, what);
    const buf = this.#buf;
    const v = (buf[this.#pos] << 8) | buf[this.#pos + 1];
    this.#pos += 2;
    return v;
  }

  /** Reads a boolean byte; only 0 and 1 are accepted. */
  bool(what: string): boolean {
    const at = this.offset;
    const v = this.u8(what);
    if (v > 1) throw new AjpProtocolError(`${what} at offset ${at} is ${v}; a boolean is 0 or 1`);
    return v === 1;
  }

  /** Reads a string (u16 length, bytes, NUL); length 0xFFFF is null. */
  string(what: string): string | null {
    const at = this.offset;
    return this.stringOfLength(this.u16(what), at, what);
  }

  /** Reads a string that must not be null. */
  requiredString(what: string): string {
    const at = this.offset;
    const s = this.stringOfLength(this.u16(what), at, what);
    if (s === null) throw new AjpProtocolError(`${what} at offset ${at} is null`);
    return s;
  }

  /**
   * Reads the bytes and NUL of a string whose u16 `length` (starting at payload offset `at`) was
   * already read; for fields where the u16 may instead be a code, like header names.
   */
  stringOfLength(length: number, at: number, what: string): string | null {
    if (length === NULL_STRING_LENGTH) return null;
    const room = this.remaining;
    if (length >= room) {
      throw new AjpProtocolError(
        length === room
          ? `${what} at offset ${at} is missing its NUL terminator`
          : `${what} at offset ${at} declares ${length} bytes; only ${room} remain in the payload`,
      );
    }
    const p = this.#pos;
    if (this.#buf[p + length] !== 0) {
      throw new AjpProtocolError(`${what} at offset ${at} is missing its NUL terminator`);
    }
    this.#pos = p + length + 1;
    return latin1(this.#buf, p, p + length);
  }

  /** Returns a view (no copy) of the next `n` bytes. */
  bytes(n: number, what: string): Uint8Array {
    this.#need(n, what);
    const p = this.#pos;
    this.#pos = p + n;
    return this.#buf.subarray(p, p + n);
  }

  /** Throws unless the whole payload has been read; `what` names the message. */
  expectEnd(what: string): void {
    if (this.#pos !== this.#end) {
      throw new AjpProtocolError(
        `${what} has ${this.remaining} unexpected bytes after its end at offset ${this.offset}`,
      );
    }
  }

  #need(n: number, what: string): void {
    if (n > this.#end - this.#pos) {
      throw new AjpProtocolError(
        `${what} at offset ${this.offset} needs ${n} bytes; only ${this.remaining} remain in the payload`,
      );
    }
  }
}

const LATIN1_CHUNK = 4096;

/**
 * Decodes bytes to a string with one character per byte, exactly (0x80-0x9F stay U+0080-U+009F;
 * TextDecoder("latin1") would apply windows-1252 instead).
 */
export function latin1(buf: Uint8Array, start: number, end: number): string {
  const len = end - start;
  if (len <= 16) {
    let s = "";
    for (let i = start; i < end; i++) s += String.fromCharCode(buf[i]);
    return s;
  }
  let s = "";
  for (let i = start; i < end; i += LATIN1_CHUNK) {
    const chunk = buf.subarray(i, Math.min(end, i + LATIN1_CHUNK));
    s += String.fromCharCode.apply(null, chunk as unknown as number[]);
  }
  return s;
}
