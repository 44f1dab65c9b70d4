/**
 * Builds the FORWARD_REQUEST for a client request: the method, the backend URI in origin
 * form, the client and gateway addresses, TLS state, the forwardable headers, the raw query
 * and the connection's secret. A client header never becomes an AJP attribute.
 * @module
 */
import { AjpEncodeError } from "../../codec/errors.ts";
import type { ForwardRequest, HeaderPair } from "../../codec/types.ts";
import { GatewayError } from "../proxy/errors.ts";
import { forwardableRequestHeaders } from "../proxy/header_rules.ts";
import { serverNameOf } from "../proxy/request_target.ts";
import type { UpstreamRequest } from "../proxy/upstream.ts";

/** What the connection adds to every request: its secret and its own host name. */
export interface ForwardSettings {
  /** AJP secret sent as attribute 0x0C; null sends none. */
  secret: string | null;
  /** Sent as Host when the route does not preserve the client's. */
  host: string;
}

/** See module doc. */
export function buildForwardRequest(input: UpstreamRequest, conn: ForwardSettings): ForwardRequest {
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
    if (i >= 0) pairs[i] = ["host", conn.host];
    else pairs.push(["host", conn.host]);
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
      secret: conn.secret ?? undefined,
      requestAttributes,
    },
  };
}

/** The GatewayError for a request the codec cannot encode into one packet of `packetSize`. */
export function encodeFailure(err: unknown, packetSize: number): GatewayError {
  if (err instanceof AjpEncodeError) {
    if (err.reason === "overflow") {
      return new GatewayError(
        "header_too_large",
        `request headers do not fit one AJP packet of ${packetSize} bytes`,
      );
    }
    return new GatewayError("bad_request", `request cannot be sent over AJP: ${err.message}`);
  }
  return new GatewayError("internal", "request could not be encoded", { cause: err });
}
