/**
 * The TLS listener: HTTP/1.1 and HTTP/2 over TLS with the session details AJP forwards.
 * @module
 */
export { startTlsFront, type TlsFront, type TlsFrontOptions } from "./tls_front.ts";
export type { TlsHandler } from "./node_exchange.ts";
export { derToPem, keySizeOfCipher, tlsClientInfo } from "./session_info.ts";
export { readTlsMaterial, type TlsMaterial, type TlsMaterialFiles } from "./tls_material.ts";
