/**
 * The AJP13 codec: pure functions from typed messages to packet bytes and back. No I/O; the
 * runtime's link reads the socket into a {@link FrameReader}'s free space and decodes the
 * whole payloads it hands out.
 *
 * @example
 * ```ts
 * const reader = new FrameReader(MAGIC_FROM_CONTAINER, DEFAULT_PACKET_SIZE);
 * const n = await conn.read(reader.space());
 * if (n !== null) reader.filled(n);
 * for (let p = reader.next(); p !== null; p = reader.next()) {
 *   const msg = decodeContainerMessage(p);
 * }
 * ```
 * @module
 */

export * from "./constants.ts";
export type * from "./types.ts";
export { AjpEncodeError, type AjpEncodeErrorReason, AjpProtocolError } from "./errors.ts";
export { maxBodyChunk, validatePacketSize } from "./packet_size.ts";
export { ByteWriter } from "./byte_writer.ts";
export { concatBytes } from "./bytes.ts";
export { ByteReader, latin1 } from "./byte_reader.ts";
export { readFrameHeader, writeFrameHeader } from "./frame.ts";
export { FrameReader } from "./frame_reader.ts";
export { isValidMethodToken, methodCode } from "./method.ts";
export { decodeForwardRequest, encodeForwardRequest } from "./forward_request.ts";
export {
  bodyPacketSize,
  decodeBodyPacket,
  EMPTY_BODY_PACKET,
  encodeBodyPacket,
} from "./body_packet.ts";
export { CPING_PACKET, CPONG_PACKET } from "./cping.ts";
export { decodeContainerMessage, encodeContainerMessage } from "./container_message.ts";
export { decodeProxyMessage } from "./proxy_message.ts";
