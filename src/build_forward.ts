/**
 * Builds the FORWARD_REQUEST for a client request: the method, the backend URI in origin
 * form, the client and gateway addresses, TLS state, the forwardable headers, the raw query
 * and the connection's secret. A client header never becomes an AJP attribute.
 * @module
 */
import type { ForwardRequest, HeaderPair } from "../codec/types.ts";
import { forwardableRequestHeaders } from "./header_rules.ts";

/** Facts about the client connection, from the listener. */
export interface ClientInfo {
  remoteAddr: string;
  remotePort: number;
  /** The gateway's own address and port on this connection. */
  localAddr: string;
  localPort: number;
  /** The gateway terminated TLS for this request. */
  isSsl: boolean;
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
      secret: input.secret ?? undefined,
      requestAttributes,
    },
  };
}
