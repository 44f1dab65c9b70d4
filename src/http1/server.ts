/**
 * The plain proxy listener: a small, strict HTTP/1.1 server over `Deno.listen` that holds
 * up against hostile clients, which `Deno.serve` does not (no head or idle timeout, no
 * connection cap, and an accept loop that ends the process on EMFILE). The handler gets
 * the method, raw target, headers, body and client addresses as plain fields.
 *
 * - the request head must arrive within `headerTimeoutMs` (default 20 s), at most
 *   `maxHeadBytes` (64 KiB) and `maxHeaders` fields (100); else the connection is closed,
 *   or answered 400/431;
 * - a kept-alive connection with no new request for `idleTimeoutMs` (5 s) is closed;
 * - a request body (Content-Length or chunked, on any method) that makes no progress for
 *   `bodyTimeoutMs` (60 s) fails with 408; "Expect: 100-continue" is answered when the
 *   handler first reads the body;
 * - at most `maxConnections` (1000) clients at once: more are answered 503 and closed;
 *   failures to accept (EMFILE) back off and retry, never end the process;
 * - pipelined requests are answered one after the other; a client that half-closes after
 *   its request still gets its answer;
 * - on shutdown, a connection waiting for a request gets `DRAIN_LINGER_MS` more to send
 *   one, which is answered with `connection: close`: closing it at once would drop a
 *   request already on its way (a client cannot tell that from a network failure).
 * HTTP/2 is not offered here (h2c prior knowledge is answered 505).
 * @module
 */
import { acceptLoop } from "../proxy/accept_loop.ts";
import { GatewayError } from "../proxy/errors.ts";
import { requestBodyLength } from "../proxy/header_rules.ts";
import { type Framing, requestBody } from "./body.ts";
import { ConnReader, ReadTimeout } from "./conn_reader.ts";
import { headEnd, HeadError, parseHead, type RequestHead } from "./head.ts";
import { checkHost } from "../proxy/request_checks.ts";
import { writeResponse } from "./response_writer.ts";

/** Listener limits; each default is named in the module doc. */
export interface Http1Limits {
  headerTimeoutMs: number;
  idleTimeoutMs: number;
  bodyTimeoutMs: number;
  maxConnections: number;
  maxHeaders: number;
  maxHeadBytes: number;
}

/** Defaults of {@link Http1Limits}. */
export const HTTP1_DEFAULTS: Http1Limits = {
  headerTimeoutMs: 20_000,
  idleTimeoutMs: 5_000,
  bodyTimeoutMs: 60_000,
  maxConnections: 1000,
  maxHeaders: 100,
  maxHeadBytes: 65536,
};

/**
 * One request as the handler gets it: plain fields rather than a fetch `Request`, whose
 * construction (URL parsing, a second copy of the headers, body wrapping) costs more than
 * the rest of the listener's work per request, and which cannot carry every method or a
 * body on GET.
 */
export interface Http1Request {
  /** The method as sent. */
  method: string;
  /** The request target's path and query as sent (origin form), never normalised. */
  target: string;
  /**
   * The header fields, names in lower case; Host is the absolute target's authority when
   * the target was in absolute form (RFC 9112 3.2.2).
   */
  headers: Headers;
  /** The request body as framed on the wire, on any method; null without one. */
  body: ReadableStream<Uint8Array> | null;
  /** Aborted when the client goes away while its request runs (made on first call). */
  signal: () => AbortSignal;
  remoteAddr: Deno.NetAddr;
  localAddr: Deno.NetAddr;
}

/** Handles one request. */
export type Http1Handler = (req: Http1Request) => Promise<Response>;

/** Options of {@link serveHttp1}. */
export interface Http1Options extends Partial<Http1Limits> {
  hostname: string;
  port: number;
  reusePort?: boolean;
  /** Operator warnings (accept failures). */
  warn?: (message: string) => void;
}

/** A running listener. */
export interface Http1Server {
  addr: Deno.NetAddr;
  /** Open client connections. */
  readonly connections: number;
  /** Stops accepting, closes idle connections, waits for the others to finish. */
  shutdown(): Promise<void>;
}

const enc = new TextEncoder();
const SWEEP_MS = 100;
/** How long a draining connection still waits for a request that may be on its way. */
export const DRAIN_LINGER_MS = 1000;

/** See module doc. */
export function serveHttp1(options: Http1Options, handler: Http1Handler): Http1Server {
  const limits: Http1Limits = { ...HTTP1_DEFAULTS };
  for (const k of Object.keys(HTTP1_DEFAULTS) as (keyof Http1Limits)[]) {
    if (options[k] !== undefined) limits[k] = options[k]!;
  }
  const warn = options.warn ?? (() => {});
  const listener = Deno.listen({
    hostname: options.hostname,
    port: options.port,
    reusePort: options.reusePort,
  });
  const addr = listener.addr as Deno.NetAddr;
  const live = new Set<Connection>();
  let closing = false;

  // One sweep closes every connection past a read or write deadline (resolution 100 ms).
  const sweeper = setInterval(() => {
    const now = Date.now();
    for (const c of live) c.sweep(now);
  }, SWEEP_MS);
  Deno.unrefTimer(sweeper);

  const accepting = acceptLoop(listener, {
    name: "proxy listener",
    closing: () => closing,
    open: () => live.size,
    maxConnections: limits.maxConnections,
    serve: (conn) => {
      const c = new Connection(conn, limits, handler);
      live.add(c);
      c.run().finally(() => live.delete(c));
    },
    refuse,
    warn,
  });

  return {
    addr,
    get connections() {
      return live.size;
    },
    async shutdown() {
      if (!closing) {
        closing = true;
        try {
          listener.close();
        } catch {
          // already closed
        }
      }
      await accepting;
      for (const c of live) c.drain();
      await Promise.all([...live].map((c) => c.done));
      clearInterval(sweeper);
    },
  };
}

const REFUSAL = enc.encode(
  "HTTP/1.1 503 Service Unavailable\r\ncontent-type: text/plain; charset=utf-8\r\n" +
    "retry-after: 1\r\nconnection: close\r\ncontent-length: 29\r\n\r\ntoo many client connections\r\n",
);

/** Answers a connection over the cap with 503 and closes it, without waiting on the client. */
function refuse(conn: Deno.Conn) {
  const close = () => {
    try {
      conn.close();
    } catch {
      // closed
    }
  };
  const timer = setTimeout(close, 1000);
  conn.write(REFUSAL).catch(() => {}).finally(() => {
    clearTimeout(timer);
    close();
  });
}

/** One client connection: reads requests one after the other and writes their answers. */
class Connection {
  private readonly reader: ConnReader;
  private idle = false;
  private draining = false;
  private closed = false;
  done: Promise<void> = Promise.resolve();

  constructor(
    private readonly conn: Deno.Conn,
    private readonly limits: Http1Limits,
    private readonly handler: Http1Handler,
  ) {
    this.reader = new ConnReader(conn, 16384);
  }

  run(): Promise<void> {
    this.done = this.loop().catch(() => {}).finally(() => this.close());
    return this.done;
  }

  /** Closes the connection if a read or write is past its deadline. */
  sweep(now: number) {
    this.reader.sweep(now);
  }

  /**
   * Ends the connection: its next answer says `connection: close`, and a wait for the next
   * request is cut to `DRAIN_LINGER_MS`.
   */
  drain() {
    this.draining = true;
    if (this.idle) this.reader.hurry(DRAIN_LINGER_MS);
  }

  private close() {
    if (this.closed) return;
    this.closed = true;
    try {
      this.conn.close();
    } catch {
      // closed by the peer or a timeout
    }
  }

  private async loop() {
    try {
      (this.conn as Deno.TcpConn).setNoDelay(true);
    } catch {
      // not a TCP socket
    }
    let first = true;
    for (;;) {
      const head = await this.readHead(first);
      first = false;
      if (head === null) return;
      if (!await this.exchange(head)) return;
    }
  }

  /** Reads the next head; null when the client closed or idled out before sending one. */
  private async readHead(first: boolean): Promise<RequestHead | null> {
    const r = this.reader;
    const { headerTimeoutMs, idleTimeoutMs, maxHeadBytes } = this.limits;
    let deadline = Date.now() + headerTimeoutMs;
    try {
      if (r.available === 0) {
        // Waiting for a request's first byte: shutdown shortens this wait.
        this.idle = true;
        const wait = first ? headerTimeoutMs : idleTimeoutMs;
        const got = await r.fill(
          this.draining ? Math.min(wait, DRAIN_LINGER_MS) : wait,
          maxHeadBytes,
        );
        this.idle = false;
        if (!got) return null;
        if (!first) deadline = Date.now() + headerTimeoutMs;
      }
      let scanned = 0;
      for (;;) {
        const end = headEnd(r.buf.subarray(r.start, r.end), r.available, scanned);
        if (end >= 0) {
          const bytes = r.buf.subarray(r.start, r.start + end);
          r.start += end;
          return parseHead(bytes, this.limits.maxHeaders);
        }
        scanned = Math.max(0, r.available - 3);
        if (r.available >= maxHeadBytes) {
          throw new HeadError(431, `request head is larger than ${maxHeadBytes} bytes`);
        }
        const wait = deadline - Date.now();
        if (wait <= 0) throw new ReadTimeout("request head timed out");
        if (!await r.fill(wait, maxHeadBytes)) {
          if (r.available > 0) throw new HeadError(400, "incomplete request head");
          return null;
        }
      }
    } catch (err) {
      if (err instanceof HeadError) {
        await this.answerError(err.status, err.message);
        return null;
      }
      // A timeout closed the socket; a reset needs no answer either.
      return null;
    }
  }

  /** A short error answer, then the connection closes. */
  private async answerError(status: number, message: string) {
    const body = enc.encode(message + "\n");
    const head = `HTTP/1.1 ${status} ${REASONS[status] ?? "Error"}\r\n` +
      `content-type: text/plain; charset=utf-8\r\ncontent-length: ${body.length}\r\n` +
      `connection: close\r\n\r\n`;
    const bytes = new Uint8Array(head.length + body.length);
    bytes.set(enc.encode(head));
    bytes.set(body, head.length);
    await this.reader.write(bytes, 5000).catch(() => {});
  }

  // The running exchange's abort state; the functions below are made once per connection
  // rather than per request.
  private running = false;
  /** Made on demand: most exchanges end before anyone asks for the signal. */
  private abort: AbortController | null = null;
  private abortReason: GatewayError | null = null;

  private abortExchange(reason: GatewayError) {
    this.abortReason ??= reason;
    this.abort?.abort(reason);
  }

  /** The running exchange's abort signal. */
  private readonly signal = (): AbortSignal => {
    if (!this.abort) {
      this.abort = new AbortController();
      if (this.abortReason) this.abort.abort(this.abortReason);
    }
    return this.abort.signal;
  };

  /**
   * A client that closes while its request runs aborts the backend exchange once it has
   * waited on the backend a while (a half-close looks the same on the wire and is treated
   * the same, as nginx does); watched once the body is read, as data that arrives
   * meanwhile is kept for the next request.
   */
  private readonly watchClient = () => {
    this.reader.watch(this.limits.maxHeadBytes).then(this.onWatched);
  };

  private readonly onWatched = (more: boolean) => {
    if (!more && this.running) {
      this.abortExchange(new GatewayError("client_aborted", "client went away"));
    }
  };

  /** Runs one request; true when the connection can carry another. */
  private async exchange(head: RequestHead): Promise<boolean> {
    let built: ReturnType<Connection["buildRequest"]>;
    try {
      built = this.buildRequest(head);
    } catch (err) {
      const e = err instanceof GatewayError ? err : new GatewayError("bad_request", "bad request");
      await this.answerError(e.status, e.message);
      return false;
    }
    const { request, framing, keepAlive } = built;
    this.running = true;
    this.abort = null;
    this.abortReason = null;
    request.signal = this.signal;
    let body: ReturnType<typeof requestBody> | null = null;
    if (framing !== null && !("length" in framing && framing.length === 0)) {
      const expects = built.expect !== null && built.expect.toLowerCase() === "100-continue";
      body = requestBody(this.reader, framing, {
        timeoutMs: this.limits.bodyTimeoutMs,
        onEnd: this.watchClient,
        beforeFirstRead: expects && head.minor === 1
          ? () => this.reader.write(CONTINUE, this.limits.bodyTimeoutMs)
          : undefined,
      });
      request.body = body.stream;
    } else this.watchClient();
    let res: Response;
    try {
      res = await this.handler(request);
    } catch (err) {
      const e = err instanceof GatewayError
        ? err
        : new GatewayError("internal", "internal gateway error");
      res = e.toResponse();
    }
    this.running = false;
    // Even after the client's EOF the answer is written: a half-closed client can read it
    // (a gone one makes the write fail, which ends the response as aborted).
    const outcome = await writeResponse(this.reader, res, {
      isHead: head.method === "HEAD",
      minor: head.minor,
      keepAlive: () => keepAlive && !(body && !body.complete) && !this.draining,
      writeTimeoutMs: this.limits.bodyTimeoutMs,
    });
    if (outcome === "failed") {
      this.abortExchange(new GatewayError("client_aborted", "client went away"));
      return false;
    }
    return outcome === "keep";
  }

  private buildRequest(head: RequestHead) {
    const headers = new Headers();
    // The fields the listener itself needs, found in the one pass that fills `headers`.
    let hosts = 0;
    let host = "";
    let connection = "";
    let expect: string | null = null;
    let chunked = false;
    for (const [name, value] of head.headers) {
      headers.append(name, value);
      switch (name) {
        case "host":
          hosts++;
          host = value;
          break;
        case "connection":
          connection = connection === "" ? value : connection + ", " + value;
          break;
        case "expect":
          expect = value;
          break;
        case "transfer-encoding":
          chunked = true;
          break;
      }
    }
    if (head.minor === 1 && hosts === 0) {
      throw new GatewayError("bad_request", "HTTP/1.1 request without Host");
    }
    if (hosts > 1) throw new GatewayError("bad_request", "request has more than one Host");
    // Framing first: a request whose body cannot be delimited cannot be answered safely.
    const length = requestBodyLength(headers, true);
    const framing: Framing | null = chunked
      ? { chunked: true }
      : length === null
      ? null
      : { length };
    let target = head.target;
    let authority = host;
    if (target[0] !== "/") {
      // Absolute form: its authority wins over Host (RFC 9112 3.2.2).
      const m = /^https?:\/\/([^/?#]*)([^#]*)$/i.exec(target);
      if (!m) {
        throw head.method === "CONNECT"
          ? new GatewayError("not_implemented", "CONNECT is not supported")
          : new GatewayError("bad_request", "request target must be a path or an absolute URL");
      }
      authority = m[1];
      target = m[2] === "" || m[2][0] === "?" ? "/" + m[2] : m[2];
      if (target[0] !== "/") throw new GatewayError("bad_request", "malformed request target");
      headers.set("host", authority);
      hosts = 1;
    }
    // HTTP/1.0 may omit Host; any Host given must be valid.
    if (hosts > 0) checkHost(authority);
    const keepAlive = connection === ""
      ? head.minor === 1
      : head.minor === 1
      ? !/(^|,)\s*close\s*(,|$)/i.test(connection)
      : /(^|,)\s*keep-alive\s*(,|$)/i.test(connection);
    const request: Http1Request = {
      method: head.method,
      target,
      headers,
      body: null,
      signal: NO_SIGNAL,
      remoteAddr: this.conn.remoteAddr as Deno.NetAddr,
      localAddr: this.conn.localAddr as Deno.NetAddr,
    };
    return { request, framing, keepAlive, expect };
  }
}

/** Replaced by the exchange's own signal before the handler runs. */
const NO_SIGNAL = () => AbortSignal.abort();

const CONTINUE = enc.encode("HTTP/1.1 100 Continue\r\n\r\n");

const REASONS: Record<number, string> = {
  400: "Bad Request",
  408: "Request Timeout",
  417: "Expectation Failed",
  431: "Request Header Fields Too Large",
  500: "Internal Server Error",
  501: "Not Implemented",
  503: "Service Unavailable",
  505: "HTTP Version Not Supported",
};
