/**
 * One TLS listening socket with its own accept loop: each connection's handshake is timed,
 * then the connection is handed to the runtime's per-connection HTTP server (HTTP/1.1 and
 * HTTP/2, the one `Deno.serve` runs for each connection it accepts), and shut down when it
 * idles. It holds the limits `Deno.serve` lacks: a connection cap, handshake and idle
 * timeouts, and an accept loop that survives EMFILE (see `native_front.ts`); its connections
 * have Nagle's algorithm off (`no_delay.ts`).
 * @module
 */
import { acceptLoop } from "../proxy/accept_loop.ts";
import { setListenerNoDelay } from "./no_delay.ts";

/** Answers one request; `info` is the runtime server's (remote address, completion). */
export type ConnHandler = (req: Request, info: Deno.ServeHandlerInfo<Deno.NetAddr>) =>
  | Response
  | Promise<Response>;

/** Limits of one listener, in ms and connections. */
export interface TlsListenerLimits {
  /** The handshake, and the first request's head, must arrive within this. */
  headerTimeoutMs: number;
  /** A connection with no request in flight for this long after its last answer is shut down. */
  idleTimeoutMs: number;
  /** Open connections at once; more are closed at accept. */
  maxConnections: number;
}

/** Where to listen, with what, and whom to tell. */
export interface TlsListenerOptions extends TlsListenerLimits {
  hostname: string;
  port: number;
  cert: string;
  key: string;
  /** Operator warnings (accept failures, handler errors). */
  warn: (message: string) => void;
  /** Answers a request whose handler threw. */
  onError: (err: unknown) => Response;
}

/** The runtime's per-connection server, as `Deno[Deno.internal].serveHttpOnConnection` returns it. */
interface ConnServer {
  finished: Promise<void>;
  shutdown(): Promise<void>;
}

type ServeOnConnection = (
  conn: Deno.Conn,
  signal: AbortSignal | undefined,
  handler: ConnHandler,
  onError: (err: unknown) => Response,
  onListen: () => void,
) => ConnServer;

/**
 * The runtime's per-connection HTTP server. An internal of Deno 2.9 (what `Deno.serve` runs
 * for each accepted connection); the gateway refuses to start TLS without it rather than
 * serve without limits.
 */
function serveOnConnection(): ServeOnConnection {
  // deno-lint-ignore no-explicit-any
  const internal = (Deno as any)[(Deno as any).internal];
  const serve = internal?.serveHttpOnConnection;
  if (typeof serve !== "function") {
    throw new Error(
      `this Deno (${Deno.version.deno}) lacks the per-connection HTTP server the TLS listener ` +
        "needs; run the Deno version the README names",
    );
  }
  return serve;
}

const SWEEP_MS = 250;

/** One accepted connection. */
class TlsConnection {
  readonly acceptedAt = Date.now();
  server: ConnServer | null = null;
  inFlight = 0;
  requests = 0;
  /** When the last answer completed (or the handshake ended). */
  idleSince = Date.now();
  shuttingDown = false;

  constructor(readonly conn: Deno.TlsConn) {}

  /** Shuts the connection down if it is past its handshake or idle deadline at `now`. */
  sweep(now: number, limits: TlsListenerLimits) {
    if (this.server === null) {
      if (now - this.acceptedAt >= limits.headerTimeoutMs) this.close();
      return;
    }
    if (this.shuttingDown || this.inFlight > 0) return;
    const limit = this.requests === 0 ? limits.headerTimeoutMs : limits.idleTimeoutMs;
    if (now - this.idleSince >= limit) this.shutdown();
  }

  /** Graceful: lets requests in flight finish, closes an idle or half-sent connection. */
  shutdown() {
    if (this.shuttingDown) return;
    this.shuttingDown = true;
    if (this.server === null) this.close();
    else this.server.shutdown().catch(() => {});
  }

  close() {
    try {
      this.conn.close();
    } catch {
      // closed, or owned by the connection's server by now
    }
  }

  readonly done = () => {
    this.inFlight--;
    this.idleSince = Date.now();
  };
}

/** A listening socket and its connections. */
export class TlsListener {
  readonly addr: Deno.NetAddr;
  private readonly listener: Deno.TlsListener;
  private readonly live = new Set<TlsConnection>();
  private readonly serve: ServeOnConnection;
  private readonly sweeper: ReturnType<typeof setInterval>;
  private readonly loop: Promise<void>;
  private closing = false;

  /** Binds (SO_REUSEPORT, so that a reload can open a second listener on the port). */
  constructor(private readonly opts: TlsListenerOptions, private readonly handler: ConnHandler) {
    this.serve = serveOnConnection();
    this.listener = Deno.listenTls({
      hostname: opts.hostname,
      port: opts.port,
      cert: opts.cert,
      key: opts.key,
      alpnProtocols: ["h2", "http/1.1"],
      reusePort: true,
    });
    this.addr = this.listener.addr;
    const nagle = setListenerNoDelay(this.addr.port);
    if (nagle) {
      opts.warn(
        `tls listener: TCP_NODELAY not set (${nagle}); small writes may wait for the client's ` +
          "delayed ACK",
      );
    }
    this.sweeper = setInterval(() => {
      const now = Date.now();
      for (const c of this.live) c.sweep(now, this.opts);
    }, SWEEP_MS);
    Deno.unrefTimer(this.sweeper);
    this.loop = acceptLoop(this.listener, {
      name: "tls listener",
      closing: () => this.closing,
      open: () => this.live.size,
      maxConnections: opts.maxConnections,
      serve: (conn) => this.start(new TlsConnection(conn)),
      refuse: (conn) => {
        try {
          conn.close();
        } catch {
          // closed
        }
      },
      warn: opts.warn,
    });
  }

  /** Open connections. */
  get connections(): number {
    return this.live.size;
  }

  /** Requests in flight over all connections. */
  get inFlight(): number {
    let n = 0;
    for (const c of this.live) n += c.inFlight;
    return n;
  }

  /** Stops accepting; open connections go on. */
  async stopAccepting(): Promise<void> {
    if (!this.closing) {
      this.closing = true;
      try {
        this.listener.close();
      } catch {
        // closed
      }
    }
    await this.loop;
  }

  /** Stops accepting, shuts every connection down, and waits until they have ended. */
  async shutdown(): Promise<void> {
    await this.stopAccepting();
    const ended = [...this.live].map((c) => c.server?.finished.catch(() => {}));
    for (const c of this.live) c.shutdown();
    await Promise.all(ended);
    clearInterval(this.sweeper);
  }

  private start(c: TlsConnection) {
    this.live.add(c);
    c.conn.handshake()
      .then(() => {
        if (c.shuttingDown) return c.close();
        c.idleSince = Date.now();
        c.server = this.serve(
          c.conn,
          undefined,
          (req, info) => {
            c.inFlight++;
            c.requests++;
            info.completed.then(c.done, c.done);
            return this.handler(req, info);
          },
          this.opts.onError,
          () => {},
        );
        return c.server.finished;
      })
      .catch(() => c.close())
      .finally(() => this.live.delete(c));
  }
}
