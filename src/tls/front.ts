/**
 * The TLS listener: the runtime's own HTTP server (HTTP/1.1 and HTTP/2) unless clients must
 * present a certificate, which only the node:tls front (HTTP/1.1) can ask for and read.
 * @module
 */
import type { ClientInfo } from "../proxy/client_info.ts";
import { startClientCertFront } from "./client_cert_front.ts";
import { startNativeTlsFront } from "./native_front.ts";
import type { TlsMaterialFiles } from "./tls_material.ts";

/** Answers a request, as `Deno.serve`'s handler does. */
export type TlsHandler = (req: Request, client: ClientInfo) => Promise<Response>;

/** Where to listen and which PEM files to serve. */
export interface TlsFrontOptions extends TlsMaterialFiles {
  hostname: string;
  /** 0 picks a free port (see {@link TlsFront.addr}). */
  port: number;
  /** Share the port with other processes (SO_REUSEPORT, as `--workers` does). Default false. */
  reusePort?: boolean;
  /**
   * Close a connection idle this long with no request in flight (`--keepalive-timeout`).
   * Default 5 000 ms; 60 000 ms with a client CA.
   */
  idleTimeoutMs?: number;
  /**
   * Without a client CA: the handshake and the first request's head must arrive within
   * this (`--header-timeout`). Default 20 000 ms.
   */
  headerTimeoutMs?: number;
  /** Open client connections at once; more are closed at accept. Default 1000. */
  maxConnections?: number;
  /** Told about handler failures and server errors. Default console.error. */
  warn?: (message: string) => void;
}

/** A running TLS listener. */
export interface TlsFront {
  addr: { hostname: string; port: number };
  /**
   * Re-reads the certificate, key and client CA for new connections; throws and keeps the
   * current ones if the files are unusable. Open connections keep going.
   */
  reload(): Promise<void>;
  /**
   * Stops accepting and ends connections, waiting up to `graceMs` (default 10 000) for
   * requests in flight. Idempotent.
   */
  shutdown(graceMs?: number): Promise<void>;
}

/**
 * Starts the TLS listener that fits the options: with `clientCaFile`, the client-certificate
 * front (HTTP/1.1, full TLS session details); without, the runtime's own server behind an
 * accept loop with limits (HTTP/1.1 and HTTP/2, `isSsl` only).
 */
export function startTlsFront(opts: TlsFrontOptions, handler: TlsHandler): Promise<TlsFront> {
  if (opts.clientCaFile !== null) return startClientCertFront(opts, handler);
  return startNativeTlsFront(opts, handler);
}
