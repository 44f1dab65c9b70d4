/**
 * Facts about the client connection a request came on, from the listener (plain or TLS),
 * which AJP forwards as the remote and local addresses and the ssl_* attributes.
 * @module
 */

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
