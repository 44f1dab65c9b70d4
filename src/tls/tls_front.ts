/**
 * The proxy listener over TLS: HTTP/1.1 and HTTP/2 on one port (ALPN "h2" and "http/1.1")
 * through node:http2's `createSecureServer({ allowHTTP1: true })`, because `Deno.serve`
 * exposes nothing of the TLS session while node:tls in Deno gives the cipher, the protocol
 * and the client certificate that AJP's ssl_* attributes carry.
 *
 * - With a client CA, a client must present a certificate signed by it or the handshake
 *   fails (`requestCert` and `rejectUnauthorized`, like httpd's `SSLVerifyClient require`).
 *   Without one, no certificate is requested.
 * - `reload()` re-reads and checks the files, then swaps them in with `setSecureContext`:
 *   new connections get the new certificate, open ones keep going.
 * - `shutdown()` stops accepting, closes idle connections, sends GOAWAY on HTTP/2 and
 *   `Connection: close` on HTTP/1.1 answers, waits for requests in flight up to the grace
 *   period, then destroys what is left.
 * - A connection idle for `idleTimeoutMs` with no request in flight is closed.
 *
 * @example
 * ```ts
 * const front = await startTlsFront(
 *   { hostname: "0.0.0.0", port: 8443, certFile: "cert.pem", keyFile: "key.pem", clientCaFile: null },
 *   (req, client) => app.fetch(req, { client }),
 * );
 * Deno.addSignalListener("SIGHUP", () => front.reload().catch(console.error));
 * ```
 * @module
 */
import { createSecureServer, type ServerHttp2Session } from "node:http2";
import type { AddressInfo, Socket } from "node:net";
import type { TLSSocket } from "node:tls";
import type { ClientInfo } from "../proxy/client_info.ts";
import { serveNodeExchange, type TlsHandler } from "./node_exchange.ts";
import type { NodeServerRequest } from "./node_request.ts";
import type { NodeServerResponse } from "./node_response.ts";
import { readTlsMaterial, type TlsMaterialFiles } from "./tls_material.ts";
import { tlsClientInfo } from "./session_info.ts";

/** Where to listen and which PEM files to serve. */
export interface TlsFrontOptions extends TlsMaterialFiles {
  hostname: string;
  /** 0 picks a free port (see {@link TlsFront.addr}). */
  port: number;
  /** Share the port with other processes (SO_REUSEPORT, as `--workers` does). Default false. */
  reusePort?: boolean;
  /**
   * Close a connection idle this long with no request in flight. Default 60 000 ms
   * (HTTP/1.x keep-alive: node's http layer enforces it, Deno's adding 1 s).
   */
  idleTimeoutMs?: number;
  /** Told about handler failures and server errors. Default console.error. */
  warn?: (message: string) => void;
}

/** A running TLS listener. */
export interface TlsFront {
  addr: { hostname: string; port: number };
  /**
   * Re-reads the certificate, key and client CA for new connections; throws and keeps the
   * current ones if the files are unusable.
   */
  reload(): Promise<void>;
  /**
   * Stops accepting and ends connections, waiting up to `graceMs` (default 10 000) for
   * requests in flight. Idempotent.
   */
  shutdown(graceMs?: number): Promise<void>;
}

// HTTP/2 receive windows. With the 65 535-byte defaults, uploads from Deno's own fetch
// (hyper's h2) crawl at ~1.5 MB/s against Deno's node:http2 (50 MB in 34 s; curl and
// node:http2 clients are fine); with a larger stream AND connection window they run at
// full speed (50 MB in 0.2 s). The windows also bound what one upload can buffer here.
const H2_STREAM_WINDOW = 256 * 1024;
const H2_CONNECTION_WINDOW = 1024 * 1024;

interface Connection {
  socket: TLSSocket;
  /** Requests in flight. */
  active: number;
  session: ServerHttp2Session | null;
  client: ClientInfo | null;
}

/** See module doc. Rejects when the files are unusable or the address cannot be bound. */
export async function startTlsFront(
  opts: TlsFrontOptions,
  handler: TlsHandler,
): Promise<TlsFront> {
  const warn = opts.warn ?? ((message: string) => console.error(message));
  const idleTimeoutMs = opts.idleTimeoutMs ?? 60_000;
  const material = await readTlsMaterial(opts);
  const verifyClients = opts.clientCaFile !== null;
  const server = createSecureServer({
    allowHTTP1: true,
    ...material,
    requestCert: verifyClients,
    rejectUnauthorized: verifyClients,
    settings: { initialWindowSize: H2_STREAM_WINDOW },
  });
  // HTTP/1.x keep-alive: node's http layer re-arms the socket timeout after each answer
  // with this (plus 1 s in Deno) and destroys the idle socket itself.
  Object.assign(server, { keepAliveTimeout: idleTimeoutMs });
  // Every accepted TCP socket (handshaking or not), and the established connections by
  // their remote endpoint: HTTP/2 code only sees `session.socket`, a proxy of the TLS socket
  // that cannot be used as its identity (nor be ended or destroyed).
  const accepted = new Set<Socket>();
  const connections = new Map<string, Connection>();
  let draining = false;
  let onEmpty: (() => void) | null = null;
  const forget = () => {
    if (onEmpty && accepted.size === 0 && connections.size === 0) onEmpty();
  };

  server.on("connection", (socket: Socket) => {
    accepted.add(socket);
    socket.once("close", () => {
      accepted.delete(socket);
      forget();
    });
  });
  // Ahead of node:http2's own listener, which creates the HTTP/2 session.
  server.prependListener("secureConnection", (socket: TLSSocket) => {
    const key = endpointOf(socket);
    const conn: Connection = { socket, active: 0, session: null, client: null };
    connections.set(key, conn);
    socket.once("close", () => {
      if (connections.get(key) === conn) connections.delete(key);
      forget();
    });
    // Before the first HTTP/1.x request, and on HTTP/2 always.
    socket.setTimeout(idleTimeoutMs, () => {
      if (conn.active === 0 && !socket.destroyed) closeConnection(conn);
    });
  });
  server.on("session", (session: ServerHttp2Session) => {
    session.on("error", ignore);
    session.setLocalWindowSize(H2_CONNECTION_WINDOW);
    const conn = session.socket && connections.get(endpointOf(session.socket));
    if (conn) conn.session = session;
  });
  // A failed handshake (no or an untrusted client certificate, not TLS at all) is the
  // client's problem; node has destroyed the socket already.
  server.on("tlsClientError", ignore);
  server.on("sessionError", ignore);
  server.on("request", (req: NodeServerRequest, res: NodeServerResponse) => {
    void exchange(req, res);
  });

  async function exchange(req: NodeServerRequest, res: NodeServerResponse): Promise<void> {
    const session = "stream" in req ? req.stream.session : undefined;
    const seen = session ? session.socket : req.socket;
    const conn = seen ? connections.get(endpointOf(seen)) : undefined;
    if (!conn) {
      // Not tracked (closed meanwhile): answer it all the same.
      const client: ClientInfo = seen
        ? tlsClientInfo(seen as TLSSocket)
        : { remoteAddr: "", remotePort: 0, localAddr: "", localPort: 0, isSsl: true };
      await serveNodeExchange(req, res, client, handler, { closing: () => draining, warn });
      return;
    }
    if (session) conn.session ??= session as ServerHttp2Session;
    conn.client ??= tlsClientInfo(conn.socket);
    conn.active++;
    try {
      await serveNodeExchange(req, res, conn.client, handler, {
        closing: () => draining,
        warn,
      });
    } finally {
      conn.active--;
      if (draining && conn.active === 0) closeConnection(conn);
    }
  }

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(
      { port: opts.port, host: opts.hostname, reusePort: opts.reusePort ?? false },
      () => {
        server.off("error", reject);
        resolve();
      },
    );
  }).catch((err) => {
    throw new Error(
      `cannot listen for TLS on ${opts.hostname}:${opts.port}: ${
        err instanceof Error ? err.message : String(err)
      }`,
    );
  });
  server.on("error", (err: Error) => warn(`tls: listener error: ${err.message}`));
  const bound = server.address() as AddressInfo;

  let stopping: Promise<void> | null = null;
  const shutdown = (graceMs = 10_000): Promise<void> => {
    stopping ??= (async () => {
      draining = true;
      server.close();
      for (const conn of connections.values()) {
        if (conn.active === 0 || conn.session) closeConnection(conn);
      }
      const empty = new Promise<void>((resolve) => onEmpty = resolve);
      forget();
      await settledWithin(empty, graceMs);
      for (const conn of connections.values()) conn.socket.destroy();
      for (const socket of accepted) socket.destroy();
      // Destroyed sockets report 'close' at once; do not hang on one that does not.
      await settledWithin(empty, 1000);
    })();
    return stopping;
  };

  return {
    addr: { hostname: bound.address, port: bound.port },
    async reload() {
      const next = await readTlsMaterial(opts);
      server.setSecureContext(next);
    },
    shutdown,
  };
}

/**
 * Graceful end: GOAWAY on HTTP/2 (streams in flight finish), close_notify and FIN after the
 * last answer on HTTP/1.1.
 */
function closeConnection(conn: Connection): void {
  if (conn.session) {
    if (!conn.session.closed) conn.session.close();
  } else {
    conn.socket.end();
  }
}

/** Waits for `p`, at most `ms`. */
async function settledWithin(p: Promise<void>, ms: number): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<void>((resolve) => timer = setTimeout(resolve, ms));
  await Promise.race([p, late]);
  clearTimeout(timer);
}

/** A connection's remote address and port, unique among one listener's connections. */
function endpointOf(socket: { remoteAddress?: string; remotePort?: number }): string {
  return `${socket.remoteAddress}|${socket.remotePort}`;
}

function ignore(): void {}
