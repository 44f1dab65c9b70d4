/**
 * Builds the FORWARD_REQUEST for a client request: the method, the backend URI in origin
 * form, the client and gateway addresses, TLS state, the forwardable headers, the raw query
 * and the connection's secret. A client header never becomes an AJP attribute.
 * @module
 */
import type { ForwardRequest, HeaderPair } from "../../codec/types.ts";
import { forwardableRequestHeaders } from "../proxy/header_rules.ts";

/** Facts about the client connection, from the listener. */
export interface ClientInfo {
  remoteAddr: string;
  remotePort: number;
  /** The gateway's own address and port on this connection. */
  localAddr: string;
  localPort: number;
  /** The gateway terminated TLS for this request. */
  isSsl: boolean;
  /** The TLS session, when the gateway terminated TLS and could read it. */
  tls?: TlsSessionInfo;
}

/** What AJP's ssl_* attributes carry (H ajp_header.c; T AjpProcessor.prepareRequest). */
export interface TlsSessionInfo {
  /** Cipher suite name, e.g. TLS_AES_256_GCM_SHA384 (attribute 0x08). */
  cipher: string;
  /** Symmetric key size in bits (attribute 0x0B, an integer). */
  keySize: number;
  /** Protocol, e.g. TLSv1.3 (request attribute AJP_SSL_PROTOCOL). */
  protocol: string;
  /** Session id in hex (attribute 0x09), when known. */
  sessionId?: string;
  /** The client certificate chain in PEM (attribute 0x07), when one was presented. */
  clientCertPem?: string;
}

/** Inputs beside the client request. */
export interface ForwardInput {
  method: string;
  headers: Headers;
  backendUri: string;
  query: string | null;
  client: ClientInfo;
  secret: string | null;
  /** Forward the client's Host (default); false sends the backend's host instead. */
  preserveHost: boolean;
  backendHost: string;
  jvmRoute?: string;
  /** Sent as `x-request-id` (replacing any the client sent). */
  requestId?: string;
  /** The request body's length: 0 when it has none, null when unknown (chunked). */
  bodyLength: number | null;
}

/** The host name (no port) a request addresses, from Host or else the listener address. */
export function serverNameOf(host: string | null, fallback: string): string {
  if (!host) return fallback;
  if (host.startsWith("[")) {
    const end = host.indexOf("]");
    return end > 0 ? host.slice(0, end + 1) : host;
  }
  const colon = host.indexOf(":");
  return colon < 0 ? host : host.slice(0, colon);
}

/** See module doc. */
export function buildForwardRequest(input: ForwardInput): ForwardRequest {
  const { client, headers } = input;
  const pairs: HeaderPair[] = forwardableRequestHeaders(headers);
  if (input.requestId !== undefined) {
    const i = pairs.findIndex(([n]) => n === "x-request-id");
    if (i >= 0) pairs.splice(i, 1);
    pairs.push(["x-request-id", input.requestId]);
  }
  if (input.bodyLength === 0 && !headers.has("content-length")) {
    // Without a length Tomcat cannot tell "no body" from "chunked" and asks with
    // GET_BODY_CHUNK: one more round trip per request (T AjpProcessor.prepareRequest;
    // mod_jk adds the same header).
    pairs.push(["content-length", "0"]);
  }
  if (!input.preserveHost) {
    const i = pairs.findIndex(([n]) => n === "host");
    if (i >= 0) pairs[i] = ["host", input.backendHost];
    else pairs.push(["host", input.backendHost]);
  }
  const requestAttributes: HeaderPair[] = [
    // T AjpProcessor.prepareRequest: private attributes for getRemotePort()/getLocalAddr()
    ["AJP_REMOTE_PORT", String(client.remotePort)],
    ["AJP_LOCAL_ADDR", client.localAddr],
  ];
  const tls = client.tls;
  if (tls) requestAttributes.push(["AJP_SSL_PROTOCOL", tls.protocol]);
  return {
    method: input.method,
    protocol: "HTTP/1.1",
    reqUri: input.backendUri,
    remoteAddr: client.remoteAddr,
    remoteHost: null,
    serverName: serverNameOf(headers.get("host"), client.localAddr),
    serverPort: client.localPort,
    isSsl: client.isSsl,
    headers: pairs,
    attributes: {
      queryString: input.query ?? undefined,
      jvmRoute: input.jvmRoute,
      sslCert: tls?.clientCertPem,
      sslCipher: tls?.cipher,
      sslSession: tls?.sessionId,
      sslKeySize: tls?.keySize,
      secret: input.secret ?? undefined,
      requestAttributes,
    },
  };
}
