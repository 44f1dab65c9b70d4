/**
 * The TLS listener: HTTP/1.1 and HTTP/2 over TLS, and the session details AJP forwards where
 * the server can read them.
 * @module
 */
export { startTlsFront, type TlsFront, type TlsFrontOptions, type TlsHandler } from "./front.ts";
export { derToPem, keySizeOfCipher, tlsClientInfo } from "./session_info.ts";
export { readTlsMaterial, type TlsMaterial, type TlsMaterialFiles } from "./tls_material.ts";
