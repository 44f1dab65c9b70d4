/**
 * Container-to-proxy messages: SEND_HEADERS, SEND_BODY_CHUNK, END_RESPONSE, GET_BODY_CHUNK and
 * CPONG (T AjpProcessor; H ajp_header.c ajp_unmarshal_response, ajp_parse_data).
 * @module
 */

import {
  ContainerCode,
  DEFAULT_PACKET_SIZE,
  MAGIC_FROM_CONTAINER,
  PACKET_HEADER_SIZE,
  RESPONSE_HEADERS,
} from "./constants.ts";
import { ByteReader } from "./byte_reader.ts";
import { ByteWriter } from "./byte_writer.ts";
import { AjpProtocolError } from "./errors.ts";
import { writeFrameHeader } from "./frame.ts";
import { headerCodeMap, readHeaderList, writeHeaderList } from "./header_list.ts";
import { hex8 } from "./hex.ts";
import { validatePacketSize } from "./packet_size.ts";
import type { ContainerMessage, SendHeaders } from "./types.ts";

/** Exact-case names to codes, as T AjpMessage getResponseAjpIndex matches them. */
const HEADER_CODES = headerCodeMap(RESPONSE_HEADERS);
const responseHeaderCode = (name: string) => HEADER_CODES.get(name) ?? 0;

/**
 * Decodes one container message from a payload (the packet without its 4-byte header).
 * Strict where Tomcat's output is fixed, so a desynchronised stream fails fast with an
 * {@link AjpProtocolError}:
 * - SEND_BODY_CHUNK: the length must be exactly payload - 4 (code, length, data and the
 *   trailing byte), as httpd requires (H ajp_header.c ajp_parse_data); like httpd the value
 *   of the trailing byte (Tomcat writes 00) is not checked. `data` views `payload`.
 * - SEND_HEADERS: coded names 0xA001-0xA00B decode to their canonical spelling, other 0xA0xx
 *   codes are errors; null names or values are errors, a null reason is kept.
 * - END_RESPONSE: reuse only when the byte is exactly 1; anything else means close.
 * - Any byte after the end of a message is an error (Tomcat sends none).
 *
 * @example
 * ```ts
 * decodeContainerMessage(new Uint8Array([5, 1])); // { type: "END_RESPONSE", reuse: true }
 * ```
 */
export function decodeContainerMessage(payload: Uint8Array): ContainerMessage {
  const r = new ByteReader(payload);
  const code = r.u8("message code");
  switch (code) {
    case ContainerCode.SEND_BODY_CHUNK: {
      const length = r.u16("SEND_BODY_CHUNK length");
      if (length + 4 !== payload.length) {
        throw new AjpProtocolError(
          `SEND_BODY_CHUNK declares ${length} bytes; its ${payload.length}-byte payload needs ${
            payload.length - 4
          }`,
        );
      }
      return { type: "SEND_BODY_CHUNK", data: payload.subarray(3, 3 + length) };
    }
    case ContainerCode.SEND_HEADERS:
      return readSendHeaders(r);
    case ContainerCode.END_RESPONSE: {
      const reuse = r.u8("END_RESPONSE reuse");
      r.expectEnd("END_RESPONSE");
      return { type: "END_RESPONSE", reuse: reuse === 1 };
    }
    case ContainerCode.GET_BODY_CHUNK: {
      const size = r.u16("GET_BODY_CHUNK size");
      r.expectEnd("GET_BODY_CHUNK");
      return { type: "GET_BODY_CHUNK", size };
    }
    case ContainerCode.CPONG:
      r.expectEnd("CPONG");
      return { type: "CPONG" };
    default:
      throw new AjpProtocolError(`unknown container message code ${hex8(code)}`);
  }
}

function readSendHeaders(r: ByteReader): SendHeaders {
  const status = r.u16("status");
  const reason = r.string("reason");
  const headers = readHeaderList(r, RESPONSE_HEADERS, "response");
  r.expectEnd("SEND_HEADERS");
  return { type: "SEND_HEADERS", status, reason, headers };
}

/**
 * Encodes a container message as a whole packet (`41 42`, length, payload), as Tomcat would;
 * used by test peers. Header names equal (case-sensitively) to a RESPONSE_HEADERS name are
 * sent as codes, others as strings. Throws `AjpEncodeError` when the message does not
 * fit in `packetSize` (default 8192) or holds an unencodable value.
 */
export function encodeContainerMessage(
  msg: ContainerMessage,
  packetSize: number = DEFAULT_PACKET_SIZE,
): Uint8Array {
  const out = new Uint8Array(validatePacketSize(packetSize));
  const w = new ByteWriter(out);
  w.skip(PACKET_HEADER_SIZE, "packet header");
  switch (msg.type) {
    case "SEND_BODY_CHUNK":
      w.u8(ContainerCode.SEND_BODY_CHUNK, "message code");
      w.u16(msg.data.length, "SEND_BODY_CHUNK length");
      w.bytes(msg.data, "SEND_BODY_CHUNK data");
      w.u8(0, "SEND_BODY_CHUNK terminator");
      break;
    case "SEND_HEADERS":
      w.u8(ContainerCode.SEND_HEADERS, "message code");
      writeSendHeaders(w, msg);
      break;
    case "END_RESPONSE":
      w.u8(ContainerCode.END_RESPONSE, "message code");
      w.bool(msg.reuse, "END_RESPONSE reuse");
      break;
    case "GET_BODY_CHUNK":
      w.u8(ContainerCode.GET_BODY_CHUNK, "message code");
      w.u16(msg.size, "GET_BODY_CHUNK size");
      break;
    case "CPONG":
      w.u8(ContainerCode.CPONG, "message code");
      break;
  }
  const length = w.pos - PACKET_HEADER_SIZE;
  writeFrameHeader(out, 0, MAGIC_FROM_CONTAINER, length);
  return out.slice(0, w.pos);
}

function writeSendHeaders(w: ByteWriter, msg: SendHeaders): void {
  w.u16(msg.status, "status");
  w.string(msg.reason, "reason");
  writeHeaderList(w, msg.headers, responseHeaderCode);
}
