/**
 * Checks the configured AJP packet size, which both ends must share.
 * @module
 */

import { BODY_PACKET_OVERHEAD, MAX_PACKET_SIZE, MIN_PACKET_SIZE } from "./constants.ts";

/**
 * Returns `n` if it is a usable packet size: an integer from 8192 to 65536 and a multiple of
 * 1024, the range Tomcat (`packetSize`), httpd (`ProxyIOBufferSize`) and mod_jk
 * (`max_packet_size`) agree on. Throws a RangeError otherwise.
 *
 * @example
 * ```ts
 * validatePacketSize(8192); // 8192
 * ```
 */
export function validatePacketSize(n: number): number {
  if (!Number.isInteger(n) || n < MIN_PACKET_SIZE || n > MAX_PACKET_SIZE || n % 1024 !== 0) {
    throw new RangeError(
      `AJP packet size ${n} is invalid: it must be a multiple of 1024 from ${MIN_PACKET_SIZE} to ${MAX_PACKET_SIZE}`,
    );
  }
  return n;
}

/** Request-body bytes one body packet can carry: packet size minus 6, so 8186 by default (T MAX_READ_SIZE). */
export function maxBodyChunk(packetSize: number): number {
  return packetSize - BODY_PACKET_OVERHEAD;
}
