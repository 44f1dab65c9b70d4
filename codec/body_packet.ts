/**
 * Request-body packets, proxy to container: `12 34`, payload length, then a u16 data length and
 * the data, with no type byte and no trailing NUL (T AjpProcessor.receive; H ajp_msg.c).
 * @module
 */

import { BODY_PACKET_OVERHEAD, MAGIC_TO_CONTAINER, MAX_PACKET_SIZE } from "./constants.ts";
import { AjpEncodeError, AjpProtocolError } from "./errors.ts";
import { writeFrameHeader } from "./frame.ts";

/**
 * The empty packet `12 34 00 00` that ends a request body, as mod_jk sends it; Tomcat also
 * accepts httpd's `12 34 00 02 00 00`. Shared: do not modify.
 */
export const EMPTY_BODY_PACKET: Uint8Array = new Uint8Array([0x12, 0x34, 0x00, 0x00]);

/** Bytes of the packet carrying `n` data bytes: `n + 6`. */
export function bodyPacketSize(n: number): number {
  return n + BODY_PACKET_OVERHEAD;
}

/**
 * Writes `data` as one body packet into `out` from `offset` and returns the offset past it.
 * The packet must fit in `out.length - offset` bytes (capped at 65536), so a caller that sizes
 * `out` to the packet size sends at most packetSize - 6 = 8186 bytes by default; otherwise
 * throws {@link AjpEncodeError} `overflow`. Empty `data` gives httpd's end-of-body form.
 */
export function encodeBodyPacket(data: Uint8Array, out: Uint8Array, offset = 0): number {
  const length = data.length;
  if (!Number.isInteger(offset) || offset < 0) {
    throw new RangeError(`body packet offset ${offset} is not a valid index`);
  }
  const space = Math.min(out.length - offset, MAX_PACKET_SIZE);
  if (bodyPacketSize(length) > space) {
    throw new AjpEncodeError(
      "overflow",
      `body packet of ${length} data bytes needs ${bodyPacketSize(length)} bytes; ${
        Math.max(space, 0)
      } available at offset ${offset}`,
    );
  }
  const payload = length + 2;
  writeFrameHeader(out, offset, MAGIC_TO_CONTAINER, payload);
  out[offset + 4] = length >>> 8;
  out[offset + 5] = length & 0xff;
  out.set(data, offset + BODY_PACKET_OVERHEAD);
  return offset + BODY_PACKET_OVERHEAD + length;
}

/**
 * Decodes a body packet payload, as a container would; used by test peers. An empty payload and
 * a payload `00 00` both mean end of body and return an empty array; otherwise the u16 length
 * must match the rest of the payload exactly. The result views `payload` (no copy).
 */
export function decodeBodyPacket(payload: Uint8Array): Uint8Array {
  if (payload.length === 0) return payload;
  if (payload.length < 2) {
    throw new AjpProtocolError(`body packet payload of 1 byte has no room for its length`);
  }
  const length = (payload[0] << 8) | payload[1];
  if (length !== payload.length - 2) {
    throw new AjpProtocolError(
      `body packet declares ${length} data bytes; its payload carries ${payload.length - 2}`,
    );
  }
  return payload.subarray(2);
}
