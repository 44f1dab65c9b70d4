/**
 * Proxy-to-container messages as a container sees them; used by test peers.
 * @module
 */

import { ProxyCode } from "./constants.ts";
import { AjpProtocolError } from "./errors.ts";
import { decodeForwardRequest } from "./forward_request.ts";
import { hex8 } from "./hex.ts";
import type { ProxyMessage } from "./types.ts";

/**
 * Decodes the first packet of an exchange: FORWARD_REQUEST (2) or CPING (10, payload of exactly
 * one byte). Any other code, including the unused SHUTDOWN (7) and PING (8), is an
 * {@link AjpProtocolError}, as Tomcat closes on them ("Unexpected message type",
 * T AjpProcessor.service). Body packets are not self-describing: decode those with
 * `decodeBodyPacket`.
 */
export function decodeProxyMessage(payload: Uint8Array): ProxyMessage {
  if (payload.length === 0) throw new AjpProtocolError("proxy message payload is empty");
  const code = payload[0];
  if (code === ProxyCode.FORWARD_REQUEST) {
    return { type: "FORWARD_REQUEST", request: decodeForwardRequest(payload) };
  }
  if (code === ProxyCode.CPING) {
    if (payload.length !== 1) {
      throw new AjpProtocolError(`CPING has ${payload.length - 1} unexpected bytes after its code`);
    }
    return { type: "CPING" };
  }
  throw new AjpProtocolError(`unexpected proxy message code ${hex8(code)}`);
}
