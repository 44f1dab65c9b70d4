/**
 * Reads what AJP's `is_ssl` and `ssl_*` attributes carry from a node:tls socket: the cipher
 * suite, its symmetric key size, the protocol version and the client certificate in PEM.
 * Computed once per connection (the session cannot change: TLS 1.3 has no renegotiation,
 * and Deno's TLS does not renegotiate 1.2 either).
 * @module
 */
import { Buffer } from "node:buffer";
import type { TLSSocket } from "node:tls";
import type { ClientInfo, TlsSessionInfo } from "../proxy/client_info.ts";

/**
 * The symmetric key size in bits of a cipher suite, from its name: IANA names
 * (`TLS_AES_256_GCM_SHA384`, `TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256`, which Deno reports) and
 * OpenSSL names (`ECDHE-RSA-AES128-GCM-SHA256`, which Node reports) alike. AES-128 is 128,
 * AES-256 and ChaCha20 are 256, 3DES is 168 (its effective key bits, as mod_ssl's
 * SSL_CIPHER_USEKEYSIZE reports), Camellia and ARIA by their number; 0 when unknown.
 *
 * @example
 * ```ts
 * keySizeOfCipher("TLS_CHACHA20_POLY1305_SHA256"); // 256
 * ```
 */
export function keySizeOfCipher(name: string): number {
  const upper = name.toUpperCase();
  const sized = /(?:AES|CAMELLIA|ARIA)[_-]?(128|192|256)/.exec(upper);
  if (sized) return Number(sized[1]);
  if (upper.includes("CHACHA20")) return 256;
  if (/3DES|DES[_-]CBC3|DES[_-]EDE3/.test(upper)) return 168;
  return 0;
}

/** A DER certificate as PEM: base64 in 64-character lines between BEGIN/END CERTIFICATE. */
export function derToPem(der: Uint8Array): string {
  const b64 = Buffer.from(der.buffer, der.byteOffset, der.byteLength).toString("base64");
  const lines = ["-----BEGIN CERTIFICATE-----"];
  for (let i = 0; i < b64.length; i += 64) lines.push(b64.slice(i, i + 64));
  lines.push("-----END CERTIFICATE-----", "");
  return lines.join("\n");
}

/**
 * The TLS session of a socket. `sessionId` is left out: Deno's node:tls returns null from
 * `getSession()` and has no session id (TLS 1.3 has none to speak of either). The client
 * certificate is the leaf the client presented, as mod_proxy_ajp sends SSL_CLIENT_CERT.
 */
export function tlsSessionOf(socket: TLSSocket): TlsSessionInfo {
  const cipher = socket.getCipher()?.name ?? "";
  const info: TlsSessionInfo = {
    cipher,
    keySize: keySizeOfCipher(cipher),
    protocol: socket.getProtocol() ?? "",
  };
  const peer = socket.getPeerCertificate(true) as { raw?: Uint8Array } | null;
  if (peer?.raw && peer.raw.byteLength > 0) info.clientCertPem = derToPem(peer.raw);
  return info;
}

/** The {@link ClientInfo} of a TLS connection: both ends' addresses and the TLS session. */
export function tlsClientInfo(socket: TLSSocket): ClientInfo {
  return {
    remoteAddr: socket.remoteAddress ?? "",
    remotePort: socket.remotePort ?? 0,
    localAddr: socket.localAddress ?? "",
    localPort: socket.localPort ?? 0,
    isSsl: true,
    tls: tlsSessionOf(socket),
  };
}
