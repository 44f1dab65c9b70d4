/**
 * The proxy listener over TLS on the runtime's own HTTP server: HTTP/1.1 and HTTP/2 (ALPN
 * "h2" and "http/1.1") without node:http2, whose nghttp2 aborts the whole process on some
 * GOAWAY sequences that any client can send (denoland/deno issue 36788).
 *
 * `Deno.serve` itself cannot be used as is: it has no handshake or idle timeout, no
 * connection cap, and its accept loop ends the process when accept fails (EMFILE). So this
 * front runs its own accept loop over `Deno.listenTls` and hands each connection, once its
 * handshake is done, to the runtime's per-connection HTTP server (the one `Deno.serve` runs
 * for each connection it accepts), which it can shut down on its own:
 * - at most `maxConnections` connections at once: more are closed at accept; a failed
 *   accept (EMFILE) backs off and retries, never ends the process;
 * - the handshake must end within `headerTimeoutMs`, else the connection is closed;
 * - a connection with no request in flight is shut down (GOAWAY on HTTP/2) when it has not
 *   sent its first request within `headerTimeoutMs`, or no further one within
 *   `idleTimeoutMs` of the last answer (on TLS that is the whole time to the next request's
 *   end of head; checked every 250 ms).
 *
 * What it can tell about a connection is its remote address: the runtime's server exposes
 * nothing of the TLS session, so requests carry `isSsl` and no cipher, key size or protocol
 * (AJP sends `is_ssl` only, as mod_proxy_ajp does when mod_ssl has no session details).
 *
 * - `reload()` re-reads and checks the files, opens a second listener with them on the same
 *   port (SO_REUSEPORT, which every listener of this front uses), then retires the previous
 *   one: new connections get the new certificate, requests in flight on the old one finish,
 *   then its connections are shut down and clients reconnect to the new one.
 * - Retiring waits until the old listener's connections have no request in flight, at most
 *   `reloadGraceMs`, before shutting them down: Deno 2.9.6 ends an HTTP/2 stream still
 *   waiting for its handler with no response when its connection shuts down (HTTP/1.1
 *   requests do finish).
 * - A connection the kernel had queued for the old listener when it closes is reset before
 *   any request was sent (SO_REUSEPORT; Linux's `net.ipv4.tcp_migrate_req=1` hands it to
 *   the new listener instead).
 * - Because the port is bound with SO_REUSEPORT, a port already in use is refused up front
 *   with a plain bind unless `reusePort` was asked for (as `--workers` does).
 * - `shutdown()` retires the listener the same way, waiting at most the grace period.
 *
 * @example
 * ```ts
 * const front = await startNativeTlsFront(
 *   { hostname: "0.0.0.0", port: 8443, certFile: "cert.pem", keyFile: "key.pem" },
 *   (req, client) => app.fetch(req, { client }),
 * );
 * Deno.addSignalListener("SIGHUP", () => front.reload().catch(console.error));
 * ```
 * @module
 */
import type { ClientInfo } from "../proxy/client_info.ts";
import { GatewayError, messageOf } from "../proxy/errors.ts";
import { HTTP1_DEFAULTS } from "../http1/server.ts";
import { isUrlSafeAuthority } from "./authority.ts";
import type { TlsFront, TlsHandler } from "./front.ts";
import { TlsListener, type TlsListenerLimits } from "./tls_listener.ts";
import { readTlsMaterial, type TlsMaterial } from "./tls_material.ts";

/** Where to listen and which PEM files to serve. */
export interface NativeTlsFrontOptions extends Partial<TlsListenerLimits> {
  hostname: string;
  /** 0 picks a free port (see {@link TlsFront.addr}). */
  port: number;
  certFile: string;
  keyFile: string;
  /** Share the port with other processes (SO_REUSEPORT, as `--workers` does). Default false. */
  reusePort?: boolean;
  /**
   * How long a listener replaced by `reload()` may finish its requests in flight before its
   * connections are shut down. Default 10 000 ms.
   */
  reloadGraceMs?: number;
  /** Told about handler failures. Default console.error. */
  warn?: (message: string) => void;
}

/** See module doc. Rejects when the files are unusable or the address cannot be bound. */
export async function startNativeTlsFront(
  opts: NativeTlsFrontOptions,
  handler: TlsHandler,
): Promise<TlsFront> {
  const warn = opts.warn ?? ((message: string) => console.error(message));
  const files = { certFile: opts.certFile, keyFile: opts.keyFile, clientCaFile: null };
  const material = await readTlsMaterial(files);
  if (!opts.reusePort) assertPortFree(opts.hostname, opts.port);
  // Defaults: the plain listener's (`--header-timeout` and friends).
  const limits: TlsListenerLimits = {
    headerTimeoutMs: opts.headerTimeoutMs ?? HTTP1_DEFAULTS.headerTimeoutMs,
    idleTimeoutMs: opts.idleTimeoutMs ?? HTTP1_DEFAULTS.idleTimeoutMs,
    maxConnections: opts.maxConnections ?? HTTP1_DEFAULTS.maxConnections,
  };
  const listen = (pem: TlsMaterial, port: number): TlsListener => {
    try {
      return listenTls(opts.hostname, port, pem, limits, handler, warn);
    } catch (err) {
      throw new Error(`cannot listen for TLS on ${opts.hostname}:${port}: ${messageOf(err)}`);
    }
  };
  let current = listen(material, opts.port);
  const addr = { hostname: current.addr.hostname, port: current.addr.port };
  const reloadGraceMs = opts.reloadGraceMs ?? 10_000;
  // Listeners replaced by a reload, still finishing their requests.
  const retiring = new Set<Promise<void>>();
  let stopping: Promise<void> | null = null;

  return {
    addr,
    async reload() {
      const next = await readTlsMaterial(files);
      if (stopping) return;
      const previous = current;
      current = listen(next, addr.port);
      const done = retire(previous, reloadGraceMs);
      retiring.add(done);
      await done;
      retiring.delete(done);
    },
    shutdown(graceMs = 10_000) {
      stopping ??= settledWithin(
        Promise.all([retire(current, graceMs), ...retiring]).then(() => {}),
        graceMs + 1000,
      );
      return stopping;
    },
  };
}

/**
 * Stops `listener` accepting, then shuts its connections down once none has a request in
 * flight, or after `graceMs` regardless (see module doc for why it waits); resolves when
 * they have ended.
 */
async function retire(listener: TlsListener, graceMs: number): Promise<void> {
  await listener.stopAccepting();
  const deadline = Date.now() + graceMs;
  // Idle for a few polls in a row: a request read but not yet handed to the handler is
  // not counted, so one empty moment is not enough.
  let quiet = 0;
  while (quiet < IDLE_POLLS && Date.now() < deadline && listener.connections > 0) {
    await delay(IDLE_POLL_MS);
    quiet = listener.inFlight === 0 ? quiet + 1 : 0;
  }
  await listener.shutdown();
}

/** How often a retiring listener is checked for requests in flight, and how many quiet polls end it. */
const IDLE_POLL_MS = 20;
const IDLE_POLLS = 3;

/** One TLS listener on `port`, always with SO_REUSEPORT so a reload can join it. */
function listenTls(
  hostname: string,
  port: number,
  pem: TlsMaterial,
  limits: TlsListenerLimits,
  handler: TlsHandler,
  warn: (message: string) => void,
): TlsListener {
  const listener: TlsListener = new TlsListener({
    hostname,
    port,
    cert: pem.cert,
    key: pem.key,
    ...limits,
    warn,
    onError: (err) => {
      warn(`tls: handler failed: ${messageOf(err)}`);
      return new GatewayError("internal", "internal gateway error").toResponse();
    },
  }, (req, info) => {
    const local = listener.addr;
    const client: ClientInfo = {
      remoteAddr: info.remoteAddr.hostname,
      remotePort: info.remoteAddr.port,
      localAddr: local.hostname,
      localPort: local.port,
      isSsl: true,
    };
    // The runtime builds the URL from Host as given: "Host: evil/path" would move the path.
    const host = req.headers.get("host");
    if (host !== null && !isUrlSafeAuthority(host)) {
      return new GatewayError("bad_request", "invalid Host header").toResponse();
    }
    return handler(req, client);
  });
  return listener;
}

/**
 * Throws when `hostname:port` is taken: the front binds with SO_REUSEPORT, which would
 * otherwise share a port another server of the same user holds instead of refusing it.
 */
function assertPortFree(hostname: string, port: number): void {
  if (port === 0) return;
  try {
    Deno.listen({ hostname, port }).close();
  } catch (err) {
    throw new Error(`cannot listen for TLS on ${hostname}:${port}: ${messageOf(err)}`);
  }
}

const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Waits for `p`, at most `ms`. */
async function settledWithin(p: Promise<void>, ms: number): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<void>((resolve) => timer = setTimeout(resolve, ms));
  await Promise.race([p, late]);
  clearTimeout(timer);
}
