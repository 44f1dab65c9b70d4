/**
 * AJP13 wire constants: magic bytes, message codes, size limits and the code tables for methods,
 * headers and attributes. One table for every code, as in httpd's `ajp_header.h`.
 * @module
 */

/** First two bytes of a packet sent by the proxy to the container (H ajp_msg.c). */
export const MAGIC_TO_CONTAINER = 0x1234;
/** First two bytes of a packet sent by the container to the proxy: "AB". */
export const MAGIC_FROM_CONTAINER = 0x4142;
/** Bytes of the packet header: magic (2) + payload length (2). */
export const PACKET_HEADER_SIZE = 4;
/** Default total packet size shared by both ends (T AbstractAjpProtocol packetSize). */
export const DEFAULT_PACKET_SIZE = 8192;
/** Smallest packet size Tomcat accepts. */
export const MIN_PACKET_SIZE = 8192;
/** Largest documented packet size. */
export const MAX_PACKET_SIZE = 65536;
/** Request-body bytes one body packet can carry: packet size minus header (4) and length (2). */
export const BODY_PACKET_OVERHEAD = 6;
/** A string length of 0xFFFF encodes a null string (T doGetBytes; H ajp_msg.c). */
export const NULL_STRING_LENGTH = 0xffff;
/** Longest string AJP can carry: 0xFFFF is reserved for null (T doGetBytes). */
export const MAX_STRING_LENGTH = NULL_STRING_LENGTH - 1;
/** Smallest buffer a packet reader keeps, so one socket read can carry many small packets. */
export const MIN_READ_BUFFER = 65536;

/** First header code; codes are 0xA001 + index in the direction's table. */
export const HEADER_CODE_BASE = 0xa001;
/** A u16 whose high byte is 0xA0 is a header code, not a name length. */
export const HEADER_CODE_MARK = 0xa0;
/** Smallest encoded header: a code (2) and an empty value (3). */
export const MIN_HEADER_BYTES = 5;
/** A header name may not be 0xA000 bytes or longer: that u16 would read as a header code. */
export const MAX_HEADER_NAME_LENGTH = 0x9fff;

/** Proxy-to-container message codes. 7 (SHUTDOWN) and 8 (PING) are never sent. */
export const ProxyCode = {
  FORWARD_REQUEST: 2,
  CPING: 10,
} as const;

/** Container-to-proxy message codes. */
export const ContainerCode = {
  SEND_BODY_CHUNK: 3,
  SEND_HEADERS: 4,
  END_RESPONSE: 5,
  GET_BODY_CHUNK: 6,
  CPONG: 9,
} as const;

/** Method byte used when the method has no code; the name goes in attribute 0x0D. */
export const STORED_METHOD_CODE = 0xff;

/** Method codes 1-27 (H ajp_header.h; T Constants.methodTransArray), index = code - 1. */
export const METHODS: readonly string[] = [
  "OPTIONS",
  "GET",
  "HEAD",
  "POST",
  "PUT",
  "DELETE",
  "TRACE",
  "PROPFIND",
  "PROPPATCH",
  "MKCOL",
  "COPY",
  "MOVE",
  "LOCK",
  "UNLOCK",
  "ACL",
  "REPORT",
  "VERSION-CONTROL",
  "CHECKIN",
  "CHECKOUT",
  "UNCHECKOUT",
  "SEARCH",
  "MKWORKSPACE",
  "UPDATE",
  "LABEL",
  "MERGE",
  "BASELINE-CONTROL",
  "MKACTIVITY",
];

/** Request header codes 0xA001-0xA00E, index = code - 0xA001; names lower-case. */
export const REQUEST_HEADERS: readonly string[] = [
  "accept",
  "accept-charset",
  "accept-encoding",
  "accept-language",
  "authorization",
  "connection",
  "content-type",
  "content-length",
  "cookie",
  "cookie2",
  "host",
  "pragma",
  "referer",
  "user-agent",
];

/** Response header codes 0xA001-0xA00B, index = code - 0xA001. */
export const RESPONSE_HEADERS: readonly string[] = [
  "Content-Type",
  "Content-Language",
  "Content-Length",
  "Date",
  "Last-Modified",
  "Location",
  "Set-Cookie",
  "Set-Cookie2",
  "Servlet-Engine",
  "Status",
  "WWW-Authenticate",
];

/** Attribute codes of FORWARD_REQUEST (H ajp_header.h; T Constants). */
export const AttributeCode = {
  CONTEXT: 0x01,
  SERVLET_PATH: 0x02,
  REMOTE_USER: 0x03,
  AUTH_TYPE: 0x04,
  QUERY_STRING: 0x05,
  JVM_ROUTE: 0x06,
  SSL_CERT: 0x07,
  SSL_CIPHER: 0x08,
  SSL_SESSION: 0x09,
  REQ_ATTRIBUTE: 0x0a,
  SSL_KEY_SIZE: 0x0b,
  SECRET: 0x0c,
  STORED_METHOD: 0x0d,
  ARE_DONE: 0xff,
} as const;
