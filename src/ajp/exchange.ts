/**
 * One HTTP request as one AJP13 exchange on one backend socket, in named phases:
 * `send` (FORWARD_REQUEST, plus the first body packet when the length is known), `head`
 * (until SEND_HEADERS), `body` (a pull-based ReadableStream of SEND_BODY_CHUNKs) or `drain`
 * (a response without a body), and `done`. {@link Exchange.nextMessage} is the one place that
 * reads the backend and answers GET_BODY_CHUNK. The exchange ends by telling the pool how:
 * reuse, or close with a reason. Errors before the head throw a GatewayError whose `retry`
 * says where the request may go again; errors after it abort the client response.
 * @module
 */
import { concatBytes } from "../../codec/bytes.ts";
import { decodeContainerMessage } from "../../codec/container_message.ts";
import { bodyPacketSize, EMPTY_BODY_PACKET, encodeBodyPacket } from "../../codec/body_packet.ts";
import { encodeForwardRequest } from "../../codec/forward_request.ts";
import { AjpProtocolError } from "../../codec/errors.ts";
import type { ContainerMessage, ForwardRequest, SendHeaders } from "../../codec/types.ts";
import { maxBodyChunk } from "../../codec/packet_size.ts";
import { PACKET_HEADER_SIZE } from "../../codec/constants.ts";
import { PIECE_MAX, takeBytes } from "./body_pieces.ts";
import { encodeFailure } from "./forward.ts";
import { type AjpLink, protocolError } from "./link.ts";
import type { Ending, Lease, LinkWatcher, Pool } from "./pool.ts";
import { decideRetry } from "./retry.ts";
import { GatewayError, messageOf, type Retry } from "../proxy/errors.ts";
import { clientResponseHeaderPairs, declaredBodyLength } from "../proxy/header_rules.ts";
import { declareLength, wholeBodyResponse } from "../proxy/whole_body.ts";
import type { UpstreamCounters, UpstreamRequest } from "../proxy/upstream.ts";

/** Methods that may be replayed on a fresh socket (RFC 9110 9.2.2). */
const IDEMPOTENT = new Set(["GET", "HEAD", "OPTIONS", "TRACE", "PUT", "DELETE"]);

/**
 * A body of at most this many bytes that the pre-read holds whole is sent with the request,
 * its end packet included, instead of packet by packet as the backend asks: the backend still
 * sends its GET_BODY_CHUNKs, and finds each answer already in its socket buffer instead of
 * waiting a round trip for it (two round trips for an 8 KiB POST). A backend that asks for
 * fewer leaves packets unread, so its socket is closed after the response instead of reused.
 * Small enough for the backend socket's receive buffer: the write does not wait for a read.
 */
const EARLY_BODY_MAX = 16 * 1024;

/** Body packets for `pieces`, then the end packet, in one buffer. */
function encodeAhead(pieces: Uint8Array[]): Uint8Array {
  let size = EMPTY_BODY_PACKET.length;
  for (const piece of pieces) size += bodyPacketSize(piece.length);
  const out = new Uint8Array(size);
  let end = 0;
  for (const piece of pieces) end = encodeBodyPacket(piece, out, end);
  out.set(EMPTY_BODY_PACKET, end);
  return out;
}

/** Sizes and time limits of an exchange (defaults in `CONNECTION_DEFAULTS`). */
export interface ExchangeLimits {
  /** Packet size shared with the connector. */
  packetSize: number;
  /** Longest wait for any read from the backend, in ms. */
  replyTimeoutMs: number;
  /** Longest time from the last request byte sent to the complete response head, in ms. */
  headTimeoutMs?: number;
  /** Longest wait for the client's next body bytes while the backend asks for them, in ms. */
  bodyTimeoutMs?: number;
  /** Longest time the client may read nothing of a streamed response, in ms. */
  writeTimeoutMs?: number;
}

/** Defaults of the optional {@link ExchangeLimits}, in ms. */
export const EXCHANGE_TIMEOUTS = {
  headTimeoutMs: 60_000,
  bodyTimeoutMs: 60_000,
  writeTimeoutMs: 60_000,
} as const;

/** The connection an exchange runs on: its name, pool, limits and counters. */
export interface ExchangeConnection {
  readonly name: string;
  readonly pool: Pool;
  readonly settings: ExchangeLimits;
  readonly counters: UpstreamCounters;
}

/** The phases of an exchange, in order; `drain` replaces `body` for bodiless responses. */
type Phase = "send" | "head" | "body" | "drain" | "done";

/**
 * Runs the exchange for `req` (whose FORWARD_REQUEST is `forward`) on `conn` and resolves to
 * the client response once the backend's head arrived.
 */
export function runExchange(
  conn: ExchangeConnection,
  req: UpstreamRequest,
  forward: ForwardRequest,
): Promise<Response> {
  return new Exchange(conn, req, forward).run();
}

class Exchange implements LinkWatcher {
  private phase: Phase = "send";
  private lease: Lease | null = null;
  private link: AjpLink | null = null;
  private readonly chunkMax: number;
  private readonly isHead: boolean;
  private readonly headTimeoutMs: number;
  /** The body packet sent with FORWARD_REQUEST, kept to resend it on a replay. */
  private firstPiece: Uint8Array | null = null;
  /** Whether any byte of this request was written to a backend socket. */
  private sent = false;
  /** Whether a whole packet came back. */
  private received = false;
  /** Whether this attempt is the replay on a fresh socket. */
  private replayed = false;
  /** Body packets sent in answer to GET_BODY_CHUNK. */
  private answered = 0;
  /** The end of the body (an empty packet) was sent: asking for more is a fault. */
  private bodyEnded = false;
  /** The rest of a small body, sent with the request behind the first piece (see run). */
  private early: Uint8Array[] = [];
  /** The early pieces and the end packet, encoded once: what goes out behind the first piece. */
  private ahead: Uint8Array | null = null;
  /** Packets sent ahead that the backend has not asked for yet. */
  private unasked = 0;
  /** When the head must be complete (performance.now() ms); renewed by each body packet. */
  private headDeadline = 0;
  private status = 0;
  /** A message read ahead while coalescing body chunks, handled by the next read. */
  private stash: ContainerMessage | null = null;
  /** Body bytes received but not yet delivered: views into the socket buffer (no read meanwhile). */
  private pending: Uint8Array[] = [];
  /** Body bytes handed to the client so far. */
  private delivered = 0;
  private controller: ReadableStreamDefaultController<Uint8Array> | null = null;
  /** The client's abort signal, once watched (see {@link tick}). */
  private signal: AbortSignal | null = null;
  private readonly onAbort = () => this.link?.close();
  // Clocks ticked by the pool's sweep: the client's body progress and response reading.
  private awaitingBody = false;
  private bodyReads = 0;
  private bodyReadsSeen = -1;
  private bodyIdleSince = 0;
  private bodyTimedOut = false;
  private pulling = false;
  private pieces = 0;
  private piecesSeen = -1;
  private clientIdleSince = 0;

  constructor(
    private readonly conn: ExchangeConnection,
    private readonly req: UpstreamRequest,
    private readonly forward: ForwardRequest,
  ) {
    this.chunkMax = maxBodyChunk(conn.settings.packetSize);
    this.isHead = req.method === "HEAD";
    this.headTimeoutMs = conn.settings.headTimeoutMs ?? EXCHANGE_TIMEOUTS.headTimeoutMs;
  }

  async run(): Promise<Response> {
    this.conn.counters.requests++;
    try {
      const length = this.req.bodyLength;
      if (length !== null && length > 0) {
        // T refillReadBuffer: with a known length the first body packet is sent unasked.
        // Read before a socket is taken, so a slow client holds none meanwhile.
        const { body } = this.req;
        this.firstPiece = await body.next(this.chunkMax);
        if (body.whole && length <= EARLY_BODY_MAX) {
          for (;;) {
            const piece = await body.next(this.chunkMax);
            if (piece === null) break;
            this.early.push(piece);
          }
        }
        if (body.whole && body.exhausted) this.ahead = encodeAhead(this.early);
      }
      return await this.respond(await this.awaitHead());
    } catch (err) {
      this.conn.counters.failures++;
      throw this.fail(err);
    } finally {
      this.signal?.removeEventListener("abort", this.onAbort);
    }
  }

  /** Sends the request and waits for its head, replaying once if a stale socket failed. */
  private async awaitHead(): Promise<SendHeaders> {
    try {
      return await this.sendAndAwaitHead(false);
    } catch (err) {
      if (this.retryOf(err) !== "same_connection") throw err;
      this.finish("eof");
      this.replayed = true;
      return await this.sendAndAwaitHead(true);
    }
  }

  private async sendAndAwaitHead(fresh: boolean): Promise<SendHeaders> {
    const { pool, settings, counters } = this.conn;
    this.phase = "send";
    const lease = await pool.acquire(fresh);
    this.lease = lease;
    this.link = lease.link;
    lease.watcher = this;
    const out = lease.link.out;
    let end: number;
    try {
      end = encodeForwardRequest(this.forward, out.subarray(0, settings.packetSize), 0);
    } catch (err) {
      this.finish("reuse"); // nothing was sent: the socket is still clean
      throw encodeFailure(err, settings.packetSize);
    }
    if (this.firstPiece) end = encodeBodyPacket(this.firstPiece, out, end);
    this.sent = true;
    const bytes = this.ahead
      ? concatBytes([out.subarray(0, end), this.ahead])
      : out.subarray(0, end);
    this.unasked = this.ahead ? this.early.length + 1 : 0;
    await lease.link.writeAll(bytes);
    counters.bytesOut += bytes.length;
    this.phase = "head";
    this.headDeadline = performance.now() + this.headTimeoutMs;
    return await this.nextMessage() as SendHeaders;
  }

  /**
   * Reads the next message for the current phase, answering GET_BODY_CHUNK on the way: in
   * `head` only SEND_HEADERS comes out (empty SEND_BODY_CHUNKs, flushes, are skipped), after
   * it only SEND_BODY_CHUNK and END_RESPONSE. Anything else closes the socket (502).
   */
  private async nextMessage(): Promise<ContainerMessage> {
    for (;;) {
      let msg = this.stash;
      if (msg !== null) this.stash = null;
      else msg = await this.readMessage();
      switch (msg.type) {
        case "GET_BODY_CHUNK":
          await this.sendBody(msg.size);
          continue;
        case "SEND_HEADERS":
          if (this.phase === "head") return msg;
          break;
        case "SEND_BODY_CHUNK":
          if (this.phase !== "head") return msg;
          if (msg.data.length === 0) continue; // a flush before the head means nothing
          throw this.unexpected("body data before headers");
        case "END_RESPONSE":
          if (this.phase !== "head") return msg;
          break;
      }
      throw this.unexpected(
        `${msg.type} ${this.phase === "head" ? "before headers" : "inside the response"}`,
      );
    }
  }

  /** Reads and decodes one packet; in `head`, no later than the head deadline. */
  private async readMessage(): Promise<ContainerMessage> {
    const link = this.link!;
    const { replyTimeoutMs } = this.conn.settings;
    if (this.phase !== "head") return this.decode(await link.readPacket(replyTimeoutMs));
    try {
      return this.decode(await link.readPacket(replyTimeoutMs, this.headDeadline));
    } catch (err) {
      if (
        err instanceof GatewayError && err.kind === "timeout" &&
        performance.now() >= this.headDeadline
      ) {
        throw new GatewayError(
          "timeout",
          `connection "${this.conn.name}": no complete response head within ${this.headTimeoutMs} ms`,
        );
      }
      throw err;
    }
  }

  /** The next container message if it is entirely buffered, else null (no socket read). */
  private takeBuffered(): ContainerMessage | null {
    const payload = this.link!.takeBufferedPacket();
    return payload === null ? null : this.decode(payload);
  }

  /**
   * Takes the body chunks already buffered, adding their data views (into the socket
   * buffer: copy them before the next read) to `views`, until `limit` bytes are held there;
   * returns the first other message that is buffered, or null.
   */
  private collectBuffered(views: Uint8Array[], limit = Infinity): ContainerMessage | null {
    let held = 0;
    for (const v of views) held += v.length;
    while (held < limit) {
      const msg = this.takeBuffered();
      if (!msg) return null;
      if (msg.type !== "SEND_BODY_CHUNK") return msg;
      if (msg.data.length > 0) views.push(msg.data);
      held += msg.data.length;
    }
    return null;
  }

  private decode(payload: Uint8Array): ContainerMessage {
    this.received = true;
    this.conn.counters.bytesIn += payload.length + PACKET_HEADER_SIZE;
    try {
      return decodeContainerMessage(payload);
    } catch (err) {
      this.link!.close();
      if (err instanceof AjpProtocolError) throw protocolError(this.conn.name, err);
      throw err;
    }
  }

  /**
   * Answers one GET_BODY_CHUNK with exactly one packet (empty = end of body). A second
   * request after the end is a looping backend: its socket is closed (502).
   */
  private async sendBody(requested: number): Promise<void> {
    const link = this.link!;
    if (this.bodyEnded) throw this.unexpected("GET_BODY_CHUNK after the end of the body");
    this.answered++;
    if (this.unasked > 0) {
      // sent ahead with the request: already in the backend's socket buffer
      if (--this.unasked === 0) this.bodyEnded = true;
      if (this.phase === "head") this.headDeadline = performance.now() + this.headTimeoutMs;
      return;
    }
    const max = Math.max(1, Math.min(requested, this.chunkMax));
    let piece: Uint8Array | null;
    this.awaitingBody = true;
    try {
      piece = await this.req.body.next(max);
    } catch (err) {
      link.close(); // an abandoned exchange poisons the socket (CVE-2022-36760)
      throw this.bodyTimedOut ? this.bodyTimeout() : err;
    } finally {
      this.awaitingBody = false;
      this.bodyReads++;
    }
    if (this.bodyTimedOut) throw this.bodyTimeout();
    const { counters } = this.conn;
    if (piece === null) {
      this.bodyEnded = true;
      await link.writeAll(EMPTY_BODY_PACKET);
      counters.bytesOut += EMPTY_BODY_PACKET.length;
    } else {
      const end = encodeBodyPacket(piece, link.out, 0);
      await link.writeAll(link.out.subarray(0, end));
      counters.bytesOut += bodyPacketSize(piece.length);
    }
    if (this.phase === "head") this.headDeadline = performance.now() + this.headTimeoutMs;
  }

  private bodyTimeout(): GatewayError {
    const ms = this.conn.settings.bodyTimeoutMs ?? EXCHANGE_TIMEOUTS.bodyTimeoutMs;
    return new GatewayError(
      "request_timeout",
      `request body: no data from the client for ${ms} ms`,
    );
  }

  private async respond(head: SendHeaders): Promise<Response> {
    const status = head.status;
    this.status = status;
    if (status < 200 || status > 599) {
      throw this.unexpected(`status ${status}`);
    }
    const headers = clientResponseHeaderPairs(head.headers, this.isHead);
    if (this.isHead || status === 204 || status === 304 || status === 205) {
      const res = this.checkedResponse(() => new Response(null, { status, headers }));
      this.phase = "drain";
      for (;;) {
        const msg = await this.nextMessage();
        if (msg.type === "END_RESPONSE") {
          this.end(msg.reuse);
          return res;
        }
      }
    }
    this.phase = "body";
    // Fast path: a response whose body and END_RESPONSE are already buffered is delivered
    // as one body (with a Content-Length) and the socket goes back to the pool at once.
    const views: Uint8Array[] = [];
    const next = this.collectBuffered(views);
    if (next?.type === "END_RESPONSE") {
      const body = concatBytes(views);
      if (this.req.trace) this.req.trace.bytesOut += body.length;
      const res = this.checkedResponse(() => wholeBodyResponse(body, status, headers));
      this.end(next.reuse);
      return res;
    }
    this.stash = next; // GET_BODY_CHUNK (full duplex), an error, or null: the stream handles it
    this.pending = views;
    const stream = new ReadableStream<Uint8Array>(
      {
        start: (controller) => {
          this.controller = controller;
        },
        pull: (controller) => this.pullBody(controller),
        cancel: () => {
          if (this.phase !== "done") {
            this.fail(new GatewayError("client_aborted", "client went away"));
          }
        },
      },
      { highWaterMark: 1 },
    );
    const res = this.checkedResponse(() => new Response(stream, { status, headers }));
    const declared = declaredBodyLength(head.headers);
    return declared === null ? res : declareLength(res, declared);
  }

  /** `make()`, with a header the Fetch API refuses reported as the backend's fault. */
  private checkedResponse(make: () => Response): Response {
    try {
      return make();
    } catch (err) {
      this.link?.close();
      throw new GatewayError(
        "protocol",
        `connection "${this.conn.name}": backend sent an invalid header`,
        { cause: err },
      );
    }
  }

  /**
   * Delivers the next piece of the body (at most {@link PIECE_MAX} bytes). Body chunks
   * already buffered are coalesced into one piece and one copy.
   */
  private async pullBody(controller: ReadableStreamDefaultController<Uint8Array>): Promise<void> {
    this.pulling = true;
    try {
      for (;;) {
        if (this.pending.length > 0) {
          const max = this.delivered < PIECE_MAX.firstBytes ? PIECE_MAX.first : PIECE_MAX.later;
          if (this.stash === null) this.stash = this.collectBuffered(this.pending, max);
          const piece = takeBytes(this.pending, max);
          this.delivered += piece.length;
          this.pieces++;
          if (this.req.trace) this.req.trace.bytesOut += piece.length;
          controller.enqueue(piece);
          const after = this.stash as ContainerMessage | null;
          if (this.pending.length === 0 && after?.type === "END_RESPONSE") {
            this.stash = null;
            this.end(after.reuse);
            controller.close();
          }
          return;
        }
        const msg = await this.nextMessage();
        if (msg.type === "END_RESPONSE") {
          this.end(msg.reuse);
          controller.close();
          return;
        }
        // SEND_BODY_CHUNK; an empty one is a flush: every piece is delivered at once anyway
        if (msg.type === "SEND_BODY_CHUNK" && msg.data.length > 0) this.pending.push(msg.data);
      }
    } catch (err) {
      this.abortStream(err);
    } finally {
      this.pulling = false;
    }
  }

  /** After the head a failure aborts the response; never an error page in a started body. */
  private abortStream(err: unknown): void {
    if (this.phase === "done") return;
    this.conn.counters.failures++;
    this.fail(err);
    // A string reason: the runtime then logs one line, not a stack trace.
    this.controller?.error(messageOf(err));
  }

  /**
   * The pool's sweep, every 100 ms while this exchange holds the link: starts watching the
   * client's abort signal once a backend read spans a sweep (cheaper for short exchanges),
   * and enforces the client's body and response-reading time limits.
   */
  tick(now: number, reading: boolean): void {
    if (reading && this.signal === null && this.req.clientSignal) {
      this.signal = this.req.clientSignal();
      if (this.signal.aborted) this.onAbort();
      else this.signal.addEventListener("abort", this.onAbort);
    }
    const limits = this.conn.settings;
    if (this.awaitingBody) {
      if (this.bodyReads !== this.bodyReadsSeen) {
        this.bodyReadsSeen = this.bodyReads;
        this.bodyIdleSince = now;
      } else if (
        now - this.bodyIdleSince >= (limits.bodyTimeoutMs ?? EXCHANGE_TIMEOUTS.bodyTimeoutMs)
      ) {
        this.bodyTimedOut = true;
        this.link?.close();
        this.req.body.cancel(this.bodyTimeout());
      }
    }
    if (this.phase === "body") {
      if (this.pulling || this.pieces !== this.piecesSeen) {
        this.piecesSeen = this.pieces;
        this.clientIdleSince = now;
      } else if (
        now - this.clientIdleSince >= (limits.writeTimeoutMs ?? EXCHANGE_TIMEOUTS.writeTimeoutMs)
      ) {
        const ms = limits.writeTimeoutMs ?? EXCHANGE_TIMEOUTS.writeTimeoutMs;
        this.abortStream(
          new GatewayError("client_aborted", `client read nothing of the response for ${ms} ms`),
        );
      }
    }
  }

  /** Where this failure lets the request go again; "none" once the head arrived. */
  private retryOf(err: unknown): Retry {
    if (!(err instanceof GatewayError)) return "none";
    if (this.phase !== "send" && this.phase !== "head") return "none";
    return decideRetry({
      kind: err.kind,
      clean: err.retry !== "none",
      received: this.received,
      bodyAsked: this.answered > 0,
      sent: this.sent,
      idempotent: IDEMPOTENT.has(this.req.method),
      reused: (this.lease?.uses ?? 0) > 0,
      replayed: this.replayed,
      clientGone: this.signal?.aborted === true,
    });
  }

  /** END_RESPONSE: the socket is reused when the backend allows it and nothing is left. */
  private end(reuse: boolean): void {
    const link = this.link!;
    const trace = this.req.trace;
    if (trace) {
      trace.bytesIn = this.req.body.consumed;
      trace.done("ok");
    }
    this.req.body.cancel();
    this.finish(
      !reuse ? "reuse_0" : link.buffered > 0 || this.unasked > 0 ? "stray_bytes" : "reuse",
    );
    if (this.status === 403 && !reuse) {
      this.req.warn?.(
        `connection "${this.conn.name}": backend answered 403 and closed the connection; ` +
          `the AJP secret or a request attribute is likely rejected by the connector`,
      );
    }
  }

  /**
   * Ends the exchange after a failure: the socket is closed, and the returned error carries
   * where the request may go again. For "other_member" the body is kept for the next one.
   */
  private fail(err: unknown): GatewayError {
    const e = err instanceof GatewayError
      ? err
      : new GatewayError("internal", `connection "${this.conn.name}": exchange failed`, {
        cause: err,
      });
    const retry = this.retryOf(e);
    if (this.lease) this.finish(e.kind === "client_aborted" ? "aborted" : "error");
    if (retry === "other_member") {
      for (let i = this.early.length - 1; i >= 0; i--) this.req.body.unread(this.early[i]);
      if (this.firstPiece) this.req.body.unread(this.firstPiece);
    } else {
      const trace = this.req.trace;
      if (trace) {
        trace.bytesIn = this.req.body.consumed;
        trace.done(e.kind === "client_aborted" ? "aborted" : "error");
      }
      this.req.body.cancel(e);
    }
    this.phase = "done";
    if (retry === e.retry) return e;
    return new GatewayError(e.kind, e.message, {
      cause: e.cause,
      source: e.source,
      retry,
      retryAfter: e.retryAfter,
    });
  }

  /** Hands the socket back to the pool with how the exchange ended. */
  private finish(ending: Ending): void {
    const lease = this.lease!;
    this.lease = null;
    this.link = null;
    this.phase = "done";
    this.conn.pool.finish(lease, ending);
  }

  private unexpected(what: string): GatewayError {
    this.link?.close();
    return new GatewayError(
      "protocol",
      `connection "${this.conn.name}": unexpected ${what} from backend`,
    );
  }
}
