/**
 * The 4-byte AJP packet header: magic, then the big-endian payload length
 * (H ajp_msg.c ajp_msg_check_header; T AjpMessage.processHeader).
 * @module
 */

import { PACKET_HEADER_SIZE } from "./constants.ts";
import { AjpProtocolError } from "./errors.ts";
import { hex16 } from "./hex.ts";

/**
 * Checks the header at `buf[offset, offset + 4)` and returns the payload length. The magic must
 * equal `magic` (0x1234 towards the container, 0x4142 from it), and the payload must fit in
 * the packet: at most `packetSize - 4` bytes. httpd allowed 4 bytes too many (CVE-2026-28780);
 * Tomcat fixed the same bound in 9.0.112. The caller guarantees the 4 bytes are there.
 *
 * @example
 * ```ts
 * readFrameHeader(new Uint8Array([0x41, 0x42, 0, 1, 9]), 0, 0x4142, 8192); // 1
 * ```
 */
export function readFrameHeader(
  buf: Uint8Array,
  offset: number,
  magic: number,
  packetSize: number,
): number {
  const actual = (buf[offset] << 8) | buf[offset + 1];
  if (actual !== magic) {
    throw new AjpProtocolError(
      `AJP packet starts with ${hex16(actual)}; expected magic ${hex16(magic)}`,
    );
  }
  const length = (buf[offset + 2] << 8) | buf[offset + 3];
  if (length > packetSize - PACKET_HEADER_SIZE) {
    throw new AjpProtocolError(
      `AJP packet declares ${length} payload bytes; packet size is ${packetSize} (at most ${
        packetSize - PACKET_HEADER_SIZE
      })`,
    );
  }
  return length;
}

/**
 * Writes the header of a packet whose payload is `length` bytes at `buf[offset, offset + 4)`:
 * `magic` (0x1234 towards the container, 0x4142 from it), then the big-endian length.
 *
 * @example
 * ```ts
 * const out = new Uint8Array(5);
 * writeFrameHeader(out, 0, 0x1234, 1); // out = 12 34 00 01 00
 * ```
 */
export function writeFrameHeader(
  buf: Uint8Array,
  offset: number,
  magic: number,
  length: number,
): void {
  buf[offset] = magic >>> 8;
  buf[offset + 1] = magic & 0xff;
  buf[offset + 2] = length >>> 8;
  buf[offset + 3] = length & 0xff;
}
