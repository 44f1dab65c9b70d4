/**
 * Typed AJP13 messages exchanged by the codec. Strings are byte strings: each character is one
 * byte (Latin-1), which is how HTTP header values appear in JavaScript, so bytes pass through
 * unchanged in both directions.
 * @module
 */

/** A header as a name/value pair; repeated names stay separate entries, in order. */
export type HeaderPair = readonly [name: string, value: string];

/** Optional attributes of a FORWARD_REQUEST, sent in this order when present. */
export interface ForwardAttributes {
  context?: string;
  servletPath?: string;
  remoteUser?: string;
  authType?: string;
  /** Raw query string without the leading "?" (attribute 0x05). */
  queryString?: string;
  jvmRoute?: string;
  sslCert?: string;
  sslCipher?: string;
  sslSession?: string;
  /** Encoded as a u16 integer, not a string (attribute 0x0B). */
  sslKeySize?: number;
  /** The connection's shared secret (attribute 0x0C). */
  secret?: string;
  /** Named request attributes (0x0A name value), e.g. AJP_REMOTE_PORT. */
  requestAttributes?: readonly HeaderPair[];
}

/** Proxy-to-container FORWARD_REQUEST (code 2). */
export interface ForwardRequest {
  /** Method token; one of the 27 coded methods is sent as its code, any other as 0xFF + 0x0D. */
  method: string;
  protocol: string;
  /** Request path in origin form, without the query. */
  reqUri: string;
  remoteAddr: string;
  remoteHost: string | null;
  serverName: string;
  serverPort: number;
  isSsl: boolean;
  /** Request headers; known names (case-insensitive) are sent as codes. */
  headers: readonly HeaderPair[];
  attributes: ForwardAttributes;
}

/** SEND_HEADERS (code 4). */
export interface SendHeaders {
  type: "SEND_HEADERS";
  status: number;
  reason: string | null;
  /** Coded names decode to their canonical spelling (e.g. "Set-Cookie"). */
  headers: HeaderPair[];
}

/** SEND_BODY_CHUNK (code 3); an empty `data` means flush. `data` may view the input buffer. */
export interface SendBodyChunk {
  type: "SEND_BODY_CHUNK";
  data: Uint8Array;
}

/** END_RESPONSE (code 5); `reuse` false means the connection must be closed. */
export interface EndResponse {
  type: "END_RESPONSE";
  reuse: boolean;
}

/** GET_BODY_CHUNK (code 6): the container asks for up to `size` more body bytes. */
export interface GetBodyChunk {
  type: "GET_BODY_CHUNK";
  size: number;
}

/** CPONG (code 9): the answer to CPING. */
export interface Cpong {
  type: "CPONG";
}

/** Any container-to-proxy message. */
export type ContainerMessage = SendHeaders | SendBodyChunk | EndResponse | GetBodyChunk | Cpong;

/** A proxy-to-container packet as decoded by a container (used by test peers and round trips). */
export type ProxyMessage =
  | { type: "FORWARD_REQUEST"; request: ForwardRequest }
  | { type: "CPING" };
