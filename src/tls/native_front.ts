/**
 * The proxy listener over TLS on the runtime's own HTTP server: `Deno.serve` with `cert` and
 * `key` speaks HTTP/1.1 and HTTP/2 (ALPN "h2" and "http/1.1") without node:http2, whose
 * nghttp2 aborts the whole process on some GOAWAY sequences that any client can send
 * (denoland/deno issue 36788).
 *
 * What it can tell about a connection is its remote address: `Deno.serve` exposes nothing of
 * the TLS session, so requests carry `isSsl` and no cipher, key size or protocol (AJP sends
 * `is_ssl` only, as mod_proxy_ajp does when mod_ssl has no session details to give).
 *
 * - `reload()` re-reads and checks the files, starts a second server with them on the same
 *   port (SO_REUSEPORT, which every server of this front uses), then retires the previous
 *   one: new connections get the new certificate, requests in flight on the old one finish,
 *   then its connections are closed (GOAWAY on HTTP/2) and clients reconnect to the new one.
 * - Retiring waits until the server has no request in flight, at most `reloadGraceMs`,
 *   before `HttpServer.shutdown()`: Deno 2.9.6 ends an HTTP/2 stream still waiting for its
 *   handler with no response when the server shuts down (HTTP/1.1 requests do finish).
 *   Until then the old server still accepts some new connections (the kernel spreads them
 *   over both), so `reload()` resolves only once it is gone.
 * - A connection the kernel had queued for the old listener when it closes is reset before
 *   any request was sent (SO_REUSEPORT; Linux's `net.ipv4.tcp_migrate_req=1` hands it to
 *   the new listener instead).
 * - Because the port is bound with SO_REUSEPORT, a port already in use is refused up front
 *   with a plain bind unless `reusePort` was asked for (as `--workers` does).
 * - `shutdown()` retires the server the same way, waiting at most the grace period.
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
import { GatewayError } from "../proxy/errors.ts";
import { isUrlSafeAuthority } from "./authority.ts";
import type { TlsFront, TlsHandler } from "./front.ts";
import { readTlsMaterial, type TlsMaterial } from "./tls_material.ts";

/** Where to listen and which PEM files to serve. */
export interface NativeTlsFrontOptions {
  hostname: string;
  /** 0 picks a free port (see {@link TlsFront.addr}). */
  port: number;
  certFile: string;
  keyFile: string;
  /** Share the port with other processes (SO_REUSEPORT, as `--workers` does). Default false. */
  reusePort?: boolean;
  /**
   * How long a server replaced by `reload()` may finish its requests in flight before it is
   * shut down. Default 10 000 ms.
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
  const listen = (pem: TlsMaterial, port: number): Served => {
    try {
      return serveTls(opts.hostname, port, pem, handler, warn);
    } catch (err) {
      throw new Error(`cannot listen for TLS on ${opts.hostname}:${port}: ${messageOf(err)}`);
    }
  };
  let current = listen(material, opts.port);
  const addr = { hostname: current.server.addr.hostname, port: current.server.addr.port };
  const reloadGraceMs = opts.reloadGraceMs ?? 10_000;
  // Servers replaced by a reload, still finishing their requests.
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

/** A server of this front and its requests in flight (until their response is sent). */
interface Served {
  server: Deno.HttpServer<Deno.NetAddr>;
  inFlight: { count: number };
}

/**
 * Shuts `served` down once it has no request in flight, or after `graceMs` regardless (see
 * module doc for why it waits); resolves when the server has finished.
 */
async function retire(served: Served, graceMs: number): Promise<void> {
  const deadline = Date.now() + graceMs;
  // Idle for a few polls in a row: a request read but not yet handed to the handler is
  // not counted, so one empty moment is not enough.
  let quiet = 0;
  while (quiet < IDLE_POLLS && Date.now() < deadline) {
    await delay(IDLE_POLL_MS);
    quiet = served.inFlight.count === 0 ? quiet + 1 : 0;
  }
  await served.server.shutdown().catch(() => {});
}

/** How often a retiring server is checked for requests in flight, and how many quiet polls end it. */
const IDLE_POLL_MS = 20;
const IDLE_POLLS = 3;

/** One `Deno.serve` over TLS on `port`, always with SO_REUSEPORT so a reload can join it. */
function serveTls(
  hostname: string,
  port: number,
  pem: TlsMaterial,
  handler: TlsHandler,
  warn: (message: string) => void,
): Served {
  const inFlight = { count: 0 };
  const done = () => inFlight.count--;
  const server: Deno.HttpServer<Deno.NetAddr> = Deno.serve({
    hostname,
    port,
    cert: pem.cert,
    key: pem.key,
    reusePort: true,
    onListen: () => {},
    onError: (err) => {
      warn(`tls: handler failed: ${messageOf(err)}`);
      return new GatewayError("internal", "internal gateway error").toResponse();
    },
  }, (req, info) => {
    const local = server.addr;
    const client: ClientInfo = {
      remoteAddr: info.remoteAddr.hostname,
      remotePort: info.remoteAddr.port,
      localAddr: local.hostname,
      localPort: local.port,
      isSsl: true,
    };
    inFlight.count++;
    info.completed.then(done, done);
    // Deno.serve builds the URL from Host as given: "Host: evil/path" would move the path.
    const host = req.headers.get("host");
    if (host !== null && !isUrlSafeAuthority(host)) {
      return new GatewayError("bad_request", "invalid Host header").toResponse();
    }
    return handler(req, client);
  });
  return { server, inFlight };
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

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
