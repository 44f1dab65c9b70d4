/**
 * FORWARD_REQUEST (code 2), the packet that starts every request: fixed fields, headers,
 * attributes, 0xFF (H ajp_header.c ajp_marshal_into_msgb; T AjpProcessor.prepareRequest).
 * @module
 */

import {
  AttributeCode,
  MAGIC_TO_CONTAINER,
  MAX_PACKET_SIZE,
  METHODS,
  PACKET_HEADER_SIZE,
  ProxyCode,
  REQUEST_HEADERS,
  STORED_METHOD_CODE,
} from "./constants.ts";
import { ByteReader } from "./byte_reader.ts";
import { ByteWriter } from "./byte_writer.ts";
import { AjpEncodeError, AjpProtocolError } from "./errors.ts";
import { writeFrameHeader } from "./frame.ts";
import { headerCodeMap, readHeaderList, writeHeaderList } from "./header_list.ts";
import { hex8 } from "./hex.ts";
import { isValidMethodToken, methodCode } from "./method.ts";
import type { ForwardAttributes, ForwardRequest, HeaderPair } from "./types.ts";

const HEADER_CODES = headerCodeMap(REQUEST_HEADERS);
const CODED_NAME_MIN = Math.min(...REQUEST_HEADERS.map((n) => n.length));
const CODED_NAME_MAX = Math.max(...REQUEST_HEADERS.map((n) => n.length));

/** The code of a request header name (case-insensitive), or 0 when it has none. */
function headerCode(name: string): number {
  const code = HEADER_CODES.get(name);
  if (code !== undefined) return code;
  // Names from fetch Headers are already lower-case; only others need lowering.
  if (name.length < CODED_NAME_MIN || name.length > CODED_NAME_MAX) return 0;
  return HEADER_CODES.get(name.toLowerCase()) ?? 0;
}

/**
 * Writes `req` as a whole packet (`12 34`, payload length, payload) into `out` from `offset`,
 * using at most `out.length - offset` bytes (capped at 65536), which the caller sizes to the
 * packet size. Returns the offset past the packet. Known headers are sent as codes, a method
 * without a code as 0xFF plus attribute 0x0D, attributes in the order of {@link ForwardAttributes}.
 *
 * Throws {@link AjpEncodeError} `overflow` when the request does not fit (answer 431) and
 * `invalid` for a method that is not a token, a character above 0xFF, a string over 0xFFFE
 * bytes or a header name of 0xA000 bytes or more.
 *
 * @example
 * ```ts
 * const out = new Uint8Array(8192);
 * const end = encodeForwardRequest(request, out);
 * await conn.write(out.subarray(0, end));
 * ```
 */
export function encodeForwardRequest(req: ForwardRequest, out: Uint8Array, offset = 0): number {
  const method = req.method;
  const code = methodCode(method);
  if (code === STORED_METHOD_CODE && !isValidMethodToken(method)) {
    throw new AjpEncodeError("invalid", `method ${JSON.stringify(method)} is not an HTTP token`);
  }
  const w = new ByteWriter(out, offset, offset + MAX_PACKET_SIZE);
  w.skip(PACKET_HEADER_SIZE, "packet header");
  w.u8(ProxyCode.FORWARD_REQUEST, "message code");
  w.u8(code, "method");
  w.string(req.protocol, "protocol");
  w.string(req.reqUri, "req_uri");
  w.string(req.remoteAddr, "remote_addr");
  w.string(req.remoteHost, "remote_host");
  w.string(req.serverName, "server_name");
  w.u16(req.serverPort, "server_port");
  w.bool(req.isSsl, "is_ssl");

  writeHeaderList(w, req.headers, headerCode);

  writeAttributes(w, req.attributes);
  if (code === STORED_METHOD_CODE) {
    w.u8(AttributeCode.STORED_METHOD, "attribute code");
    w.string(method, "stored_method");
  }
  w.u8(AttributeCode.ARE_DONE, "attribute terminator");

  const end = w.pos;
  const length = end - offset - PACKET_HEADER_SIZE;
  writeFrameHeader(out, offset, MAGIC_TO_CONTAINER, length);
  return end;
}

/** Writes the optional attributes, in code order as httpd does (H ajp_header.c). */
function writeAttributes(w: ByteWriter, a: ForwardAttributes): void {
  stringAttribute(w, AttributeCode.CONTEXT, a.context, "context");
  stringAttribute(w, AttributeCode.SERVLET_PATH, a.servletPath, "servlet_path");
  stringAttribute(w, AttributeCode.REMOTE_USER, a.remoteUser, "remote_user");
  stringAttribute(w, AttributeCode.AUTH_TYPE, a.authType, "auth_type");
  stringAttribute(w, AttributeCode.QUERY_STRING, a.queryString, "query_string");
  stringAttribute(w, AttributeCode.JVM_ROUTE, a.jvmRoute, "jvm_route");
  stringAttribute(w, AttributeCode.SSL_CERT, a.sslCert, "ssl_cert");
  stringAttribute(w, AttributeCode.SSL_CIPHER, a.sslCipher, "ssl_cipher");
  stringAttribute(w, AttributeCode.SSL_SESSION, a.sslSession, "ssl_session");
  if (a.sslKeySize != null) {
    w.u8(AttributeCode.SSL_KEY_SIZE, "attribute code");
    // A u16, not a string (T AjpProcessor: getInt for SC_A_SSL_KEY_SIZE).
    w.u16(a.sslKeySize, "ssl_key_size");
  }
  const attrs = a.requestAttributes;
  if (attrs != null) {
    for (let i = 0; i < attrs.length; i++) {
      w.u8(AttributeCode.REQ_ATTRIBUTE, "attribute code");
      w.string(attrs[i][0], "request attribute name");
      w.string(attrs[i][1], "request attribute value");
    }
  }
  stringAttribute(w, AttributeCode.SECRET, a.secret, "secret");
}

function stringAttribute(w: ByteWriter, code: number, value: string | undefined, what: string) {
  if (value == null) return;
  w.u8(code, "attribute code");
  w.string(value, what);
}

/** Single-valued string attributes by code, for the decoder. */
const STRING_ATTRIBUTES: ReadonlyMap<number, [keyof ForwardAttributes, string]> = new Map([
  [AttributeCode.CONTEXT, ["context", "context"]],
  [AttributeCode.SERVLET_PATH, ["servletPath", "servlet_path"]],
  [AttributeCode.REMOTE_USER, ["remoteUser", "remote_user"]],
  [AttributeCode.AUTH_TYPE, ["authType", "auth_type"]],
  [AttributeCode.QUERY_STRING, ["queryString", "query_string"]],
  [AttributeCode.JVM_ROUTE, ["jvmRoute", "jvm_route"]],
  [AttributeCode.SSL_CERT, ["sslCert", "ssl_cert"]],
  [AttributeCode.SSL_CIPHER, ["sslCipher", "ssl_cipher"]],
  [AttributeCode.SSL_SESSION, ["sslSession", "ssl_session"]],
  [AttributeCode.SECRET, ["secret", "secret"]],
]);

/**
 * Decodes a FORWARD_REQUEST payload (starting with code 2), as a container would; used by test
 * peers and round trips. Stricter than Tomcat, so that encoder bugs surface: unknown method or
 * attribute codes (which desync Tomcat), repeated single-valued attributes, attribute 0x0D
 * with a coded method, 0xFF without 0x0D, null where a string is required, a boolean other
 * than 0/1 and bytes after the 0xFF terminator all throw {@link AjpProtocolError}.
 * Coded header names decode to their lower-case names.
 */
export function decodeForwardRequest(payload: Uint8Array): ForwardRequest {
  const r = new ByteReader(payload);
  const type = r.u8("message code");
  if (type !== ProxyCode.FORWARD_REQUEST) {
    throw new AjpProtocolError(`expected FORWARD_REQUEST (code 2); got code ${hex8(type)}`);
  }
  const methodByte = r.u8("method");
  if (methodByte !== STORED_METHOD_CODE && (methodByte < 1 || methodByte > METHODS.length)) {
    throw new AjpProtocolError(`unknown method code ${hex8(methodByte)}`);
  }
  const protocol = r.requiredString("protocol");
  const reqUri = r.requiredString("req_uri");
  const remoteAddr = r.requiredString("remote_addr");
  const remoteHost = r.string("remote_host");
  const serverName = r.requiredString("server_name");
  const serverPort = r.u16("server_port");
  const isSsl = r.bool("is_ssl");
  const headers = readHeaders(r);

  const attributes: ForwardAttributes = {};
  const requestAttributes: HeaderPair[] = [];
  let storedMethod: string | null = null;
  for (;;) {
    const at = r.offset;
    const code = r.u8("attribute code");
    if (code === AttributeCode.ARE_DONE) break;
    const named = STRING_ATTRIBUTES.get(code);
    if (named !== undefined) {
      const [key, what] = named;
      if (attributes[key] !== undefined) throw repeated(what, at);
      (attributes as Record<string, string>)[key] = r.requiredString(what);
    } else if (code === AttributeCode.SSL_KEY_SIZE) {
      if (attributes.sslKeySize !== undefined) throw repeated("ssl_key_size", at);
      attributes.sslKeySize = r.u16("ssl_key_size");
    } else if (code === AttributeCode.REQ_ATTRIBUTE) {
      const name = r.requiredString("request attribute name");
      requestAttributes.push([name, r.requiredString("request attribute value")]);
    } else if (code === AttributeCode.STORED_METHOD) {
      if (storedMethod !== null) throw repeated("stored_method", at);
      if (methodByte !== STORED_METHOD_CODE) {
        throw new AjpProtocolError(
          `stored_method attribute at offset ${at} follows coded method ${hex8(methodByte)}`,
        );
      }
      storedMethod = r.requiredString("stored_method");
    } else {
      throw new AjpProtocolError(`unknown attribute code ${hex8(code)} at offset ${at}`);
    }
  }
  r.expectEnd("FORWARD_REQUEST");
  if (requestAttributes.length > 0) attributes.requestAttributes = requestAttributes;

  let method: string;
  if (methodByte === STORED_METHOD_CODE) {
    if (storedMethod === null) {
      throw new AjpProtocolError("method code 0xff without a stored_method attribute (0x0d)");
    }
    method = storedMethod;
  } else {
    method = METHODS[methodByte - 1];
  }
  return {
    method,
    protocol,
    reqUri,
    remoteAddr,
    remoteHost,
    serverName,
    serverPort,
    isSsl,
    headers,
    attributes,
  };
}

function readHeaders(r: ByteReader): HeaderPair[] {
  return readHeaderList(r, REQUEST_HEADERS, "request");
}

function repeated(what: string, at: number): AjpProtocolError {
  return new AjpProtocolError(`attribute ${what} at offset ${at} is repeated`);
}
