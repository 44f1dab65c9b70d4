/**
 * The proxy listener over TLS when clients must present a certificate (`--tls-client-ca`):
 * HTTP/1.1 on node:https, because `Deno.serve` can neither request a client certificate nor
 * tell the cipher, while node:tls in Deno gives the cipher, the protocol and the certificate
 * that AJP's ssl_* attributes carry. HTTP/2 is not offered here (ALPN "http/1.1" only):
 * Deno's node:http2 runs on nghttp2, which aborts the whole process on some GOAWAY sequences
 * a client can send (denoland/deno issue 36788); h2 clients fall back to HTTP/1.1.
 *
 * - A client must present a certificate signed by the CA or the handshake fails
 *   (`requestCert` and `rejectUnauthorized`, like httpd's `SSLVerifyClient require`).
 * - `reload()` re-reads and checks the files, then swaps them in with `setSecureContext`:
 *   new connections get the new certificate, open ones keep going.
 * - `shutdown()` stops accepting, closes idle connections, answers with `Connection: close`,
 *   waits for requests in flight up to the grace period, then destroys what is left.
 * - A connection idle for `idleTimeoutMs` with no request in flight is closed.
 *
 * @example
 * ```ts
 * const front = await startClientCertFront(
 *   { hostname: "0.0.0.0", port: 8443, certFile: "cert.pem", keyFile: "key.pem", clientCaFile: "ca.pem" },
 *   (req, client) => app.fetch(req, { client }),
 * );
 * ```
 * @module
 */
import { createServer } from "node:https";
import type { AddressInfo, Socket } from "node:net";
import type { TLSSocket } from "node:tls";
import type { ClientInfo } from "../proxy/client_info.ts";
import type { TlsFront, TlsFrontOptions, TlsHandler } from "./front.ts";
import { serveNodeExchange } from "./node_exchange.ts";
import type { NodeServerRequest } from "./node_request.ts";
import type { NodeServerResponse } from "./node_response.ts";
import { readTlsMaterial } from "./tls_material.ts";
import { tlsClientInfo } from "./session_info.ts";

interface Connection {
  socket: TLSSocket;
  /** Requests in flight. */
  active: number;
  client: ClientInfo | null;
}

/** See module doc. Rejects when the files are unusable or the address cannot be bound. */
export async function startClientCertFront(
  opts: TlsFrontOptions,
  handler: TlsHandler,
): Promise<TlsFront> {
  const warn = opts.warn ?? ((message: string) => console.error(message));
  const idleTimeoutMs = opts.idleTimeoutMs ?? 60_000;
  const material = await readTlsMaterial(opts);
  const verifyClients = opts.clientCaFile !== null;
  const server = createServer({
    ...material,
    ALPNProtocols: ["http/1.1"],
    requestCert: verifyClients,
    rejectUnauthorized: verifyClients,
  });
  // HTTP/1.x keep-alive: node's http layer re-arms the socket timeout after each answer
  // with this (plus 1 s in Deno) and destroys the idle socket itself.
  Object.assign(server, { keepAliveTimeout: idleTimeoutMs });
  // Every accepted TCP socket (handshaking or not), and the established connections.
  const accepted = new Set<Socket>();
  const connections = new Map<TLSSocket, Connection>();
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
  server.prependListener("secureConnection", (socket: TLSSocket) => {
    const conn: Connection = { socket, active: 0, client: null };
    connections.set(socket, conn);
    socket.once("close", () => {
      connections.delete(socket);
      forget();
    });
    // Before the first request (node's keep-alive timer takes over after each answer).
    socket.setTimeout(idleTimeoutMs, () => {
      if (conn.active === 0 && !socket.destroyed) socket.end();
    });
  });
  // A failed handshake (no or an untrusted client certificate, not TLS at all) is the
  // client's problem; node has destroyed the socket already.
  server.on("tlsClientError", ignore);
  server.on("clientError", (_err: Error, socket: Socket) => socket.destroy());
  server.on("request", (req: NodeServerRequest, res: NodeServerResponse) => {
    void exchange(req, res);
  });

  async function exchange(req: NodeServerRequest, res: NodeServerResponse): Promise<void> {
    const socket = req.socket as TLSSocket;
    const conn = connections.get(socket);
    const hooks = { closing: () => draining, warn };
    if (!conn) {
      // Not tracked (closed meanwhile): answer it all the same.
      await serveNodeExchange(req, res, tlsClientInfo(socket), handler, hooks);
      return;
    }
    conn.client ??= tlsClientInfo(socket);
    conn.active++;
    try {
      await serveNodeExchange(req, res, conn.client, handler, hooks);
    } finally {
      conn.active--;
      if (draining && conn.active === 0) conn.socket.end();
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
        if (conn.active === 0) conn.socket.end();
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

/** Waits for `p`, at most `ms`. */
async function settledWithin(p: Promise<void>, ms: number): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<void>((resolve) => timer = setTimeout(resolve, ms));
  await Promise.race([p, late]);
  clearTimeout(timer);
}

function ignore(): void {}
