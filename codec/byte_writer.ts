/**
 * A write cursor over a caller's buffer, bounded by a limit (normally the end of the packet).
 * Every write checks the limit first, so an oversized message fails with an
 * {@link AjpEncodeError} `overflow` instead of a silently truncated packet.
 * @module
 */

import { MAX_STRING_LENGTH, NULL_STRING_LENGTH } from "./constants.ts";
import { AjpEncodeError } from "./errors.ts";

/**
 * Writes AJP data types (H ajp_msg.c): big-endian u16, one-byte booleans and strings as u16
 * length + bytes + NUL, where each JS character is one byte (Latin-1).
 *
 * @example
 * ```ts
 * const w = new ByteWriter(new Uint8Array(16));
 * w.string("GET", "method"); // 00 03 47 45 54 00
 * ```
 */
export class ByteWriter {
  /** The buffer written into. */
  readonly buf: Uint8Array;
  /** Offset of the first byte this writer owns. */
  readonly start: number;
  /** Offset past the last byte this writer may write. */
  readonly limit: number;
  /** Offset of the next byte to write. */
  pos: number;

  /** Writes into `buf` from `offset` (default 0) up to `limit` (default `buf.length`). */
  constructor(buf: Uint8Array, offset = 0, limit = buf.length) {
    if (!Number.isInteger(offset) || offset < 0 || !Number.isInteger(limit)) {
      throw new RangeError(`ByteWriter offset ${offset} or limit ${limit} is not a valid index`);
    }
    this.buf = buf;
    this.start = offset;
    this.limit = Math.min(limit, buf.length);
    this.pos = offset;
  }

  /** Throws `overflow` unless `n` more bytes fit before the limit. */
  ensure(n: number, what: string): void {
    if (this.pos + n > this.limit) throw overflow(this, n, what);
  }

  /** Reserves `n` bytes to be filled in later (e.g. the packet header). */
  skip(n: number, what: string): void {
    this.ensure(n, what);
    this.pos += n;
  }

  /** Writes one byte; `v` must be an integer 0-255. */
  u8(v: number, what: string): void {
    if (!(v >= 0 && v <= 0xff && v === Math.floor(v))) throw notInteger(what, v, 0xff);
    this.ensure(1, what);
    this.buf[this.pos++] = v;
  }

  /** Writes a big-endian u16; `v` must be an integer 0-65535. */
  u16(v: number, what: string): void {
    if (!(v >= 0 && v <= 0xffff && v === Math.floor(v))) throw notInteger(what, v, 0xffff);
    this.ensure(2, what);
    const buf = this.buf;
    buf[this.pos++] = v >>> 8;
    buf[this.pos++] = v & 0xff;
  }

  /** Writes a boolean as one byte, 1 or 0. */
  bool(v: boolean, what: string): void {
    this.ensure(1, what);
    this.buf[this.pos++] = v ? 1 : 0;
  }

  /**
   * Writes a string as u16 length, its bytes and a NUL the length does not count; null is
   * written as length 0xFFFF alone (T AjpMessage.appendBytes; H ajp_msg_append_string).
   * Throws `invalid` for a character above 0xFF or more than 0xFFFE characters.
   */
  string(s: string | null, what: string): void {
    if (s === null) {
      this.ensure(2, what);
      this.buf[this.pos++] = NULL_STRING_LENGTH >>> 8;
      this.buf[this.pos++] = NULL_STRING_LENGTH & 0xff;
      return;
    }
    const len = s.length;
    if (len > MAX_STRING_LENGTH) throw tooLong(what, len);
    this.ensure(len + 3, what);
    const buf = this.buf;
    let p = this.pos;
    buf[p++] = len >>> 8;
    buf[p++] = len & 0xff;
    // Four characters a step and one range check after the loop: a wider character leaves
    // garbage in the buffer, but then the whole message is refused.
    let wide = 0;
    let i = 0;
    for (const end4 = len - 3; i < end4; i += 4) {
      const a = s.charCodeAt(i), b = s.charCodeAt(i + 1);
      const c = s.charCodeAt(i + 2), d = s.charCodeAt(i + 3);
      wide |= a | b | c | d;
      buf[p + i] = a;
      buf[p + i + 1] = b;
      buf[p + i + 2] = c;
      buf[p + i + 3] = d;
    }
    for (; i < len; i++) {
      const c = s.charCodeAt(i);
      wide |= c;
      buf[p + i] = c;
    }
    if (wide > 0xff) {
      const at = firstWide(s);
      throw invalidChar(what, at, s.charCodeAt(at));
    }
    p += len;
    buf[p++] = 0;
    this.pos = p;
  }

  /** Writes raw bytes with no length or terminator. */
  bytes(data: Uint8Array, what: string): void {
    this.ensure(data.length, what);
    this.buf.set(data, this.pos);
    this.pos += data.length;
  }
}

/** The index of the first character above 0xFF in `s` (one exists). */
function firstWide(s: string): number {
  let i = 0;
  while (s.charCodeAt(i) <= 0xff) i++;
  return i;
}

// Error builders stay out of the write methods so that those remain small enough to inline.

function overflow(w: ByteWriter, n: number, what: string): AjpEncodeError {
  return new AjpEncodeError(
    "overflow",
    `AJP message does not fit in ${w.limit - w.start} bytes: ${what} needs ${n} bytes at byte ${
      w.pos - w.start
    }`,
  );
}

function notInteger(what: string, v: number, max: number): AjpEncodeError {
  return new AjpEncodeError("invalid", `${what} ${v} is not an integer from 0 to ${max}`);
}

function tooLong(what: string, len: number): AjpEncodeError {
  return new AjpEncodeError(
    "invalid",
    `${what} is ${len} bytes long; AJP strings hold at most ${MAX_STRING_LENGTH}`,
  );
}

function invalidChar(what: string, index: number, code: number): AjpEncodeError {
  const hex = code.toString(16).toUpperCase().padStart(4, "0");
  return new AjpEncodeError(
    "invalid",
    `${what} has U+${hex} at index ${index}; AJP strings are byte strings (0x00-0xFF)`,
  );
}
