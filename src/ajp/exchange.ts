/**
 * One HTTP request as one AJP13 exchange on one backend socket, as a small state machine:
 * send (FORWARD_REQUEST, plus the first body packet when Content-Length > 0), await headers
 * (answering GET_BODY_CHUNK), stream the body (a pull-based ReadableStream), end (reuse or
 * destroy the socket). Errors before headers throw a GatewayError; errors after headers
 * abort the client response.
 * @module
 */
import { concatBytes } from "../../codec/bytes.ts";
import { decodeContainerMessage } from "../../codec/container_message.ts";
import { bodyPacketSize, EMPTY_BODY_PACKET, encodeBodyPacket } from "../../codec/body_packet.ts";
import { encodeForwardRequest } from "../../codec/forward_request.ts";
import { AjpEncodeError, AjpProtocolError } from "../../codec/errors.ts";
import type { ContainerMessage, ForwardRequest, SendHeaders } from "../../codec/types.ts";
import { maxBodyChunk } from "../../codec/packet_size.ts";
import { type AjpLink, protocolError } from "./link.ts";
import type { AjpUpstream } from "./ajp_upstream.ts";
import type { BodySource } from "../proxy/body_source.ts";
import { GatewayError } from "../proxy/errors.ts";
import { keepResponseHeader } from "../proxy/header_rules.ts";
import type { AccessTrace } from "../observe/access_trace.ts";

/**
 * The largest piece of response body handed to the client at once: up to 64 KiB within the
 * first MiB of a response, 16 KiB after that. Each piece is one write op in the runtime, so
 * large pieces serve the common response sizes with fewer of them (1 MiB GETs: ~10% more per
 * second than with 16 KiB pieces). But each piece is also a new buffer that V8 frees only at
 * its next young-generation collection, which comes after a fixed amount of JavaScript
 * allocation rather than of buffer bytes, so a long download keeps more dead bytes waiting
 * the larger its pieces: a 1 GiB download peaks at 103-105 MiB RSS with 16 KiB pieces
 * against 115-135 MiB with 64 KiB ones.
 */
const PIECE_MAX = { first: 65536, later: 16384, firstBytes: 1 << 20 } as const;

/** Methods that may be replayed on a fresh socket (RFC 9110 9.2.2). */
const IDEMPOTENT = new Set(["GET", "HEAD", "OPTIONS", "TRACE", "PUT", "DELETE"]);

/** What an exchange needs from the proxy route. */
export interface ExchangeInput {
  backend: AjpUpstream;
  forward: ForwardRequest;
  /** The client's body; shared across failover attempts. */
  body: BodySource;
  /** Content-Length, null when unknown (chunked), 0 when there is no body. */
  bodyLength: number | null;
  /** Makes the client's abort signal; asked for only when the exchange waits long. */
  clientSignal?: () => AbortSignal;
  /** Called with a warning worth an operator's attention. */
  warn?: (message: string) => void;
  /** Told the bytes sent to the client and how the response ended. */
  trace?: AccessTrace;
}

/**
 * Runs the exchange and resolves to the client response once backend headers arrived.
 * A GatewayError with `retryable` set means nothing unrepeatable reached the backend: the
 * caller may send the request to another member (the body is still unread).
 */
export function runExchange(input: ExchangeInput): Promise<Response> {
  return new Exchange(input).run();
}

class Exchange {
  private link: AjpLink | null = null;
  private readonly body: BodySource;
  private readonly chunkMax: number;
  private readonly timeout: number;
  /** Body packets sent in answer to GET_BODY_CHUNK (retry is unsafe once > 0). */
  private answered = 0;
  private firstPiece: Uint8Array | null = null;
  /** A message read ahead while coalescing body chunks, handled by the next pull. */
  private stash: ContainerMessage | null = null;
  /** Body bytes received but not yet delivered: views into the socket buffer (no read meanwhile). */
  private pending: Uint8Array[] = [];
  /** Body bytes handed to the client so far. */
  private delivered = 0;
  /** Whether any byte of this request was written to a backend socket. */
  private sent = false;
  /** The client's abort signal, once watched (see {@link watchClient}). */
  private signal: AbortSignal | null = null;
  private readonly onAbort = () => this.link?.close();
  private readonly isHead: boolean;

  constructor(private readonly input: ExchangeInput) {
    this.body = input.body;
    this.chunkMax = maxBodyChunk(input.backend.settings.packetSize);
    this.timeout = input.backend.settings.replyTimeoutMs;
    this.isHead = input.forward.method === "HEAD";
  }

  async run(): Promise<Response> {
    const { backend } = this.input;
    backend.counters.requests++;
    try {
      let headers: SendHeaders;
      try {
        headers = await this.sendAndAwaitHeaders(false);
      } catch (err) {
        if (!this.canRetry(err)) throw err;
        this.body.unread(this.firstPiece ?? new Uint8Array(0));
        this.firstPiece = null;
        headers = await this.sendAndAwaitHeaders(true);
      }
      return await this.respond(headers);
    } catch (err) {
      backend.counters.failures++;
      const replay = this.replayable(err);
      this.fail(err, replay);
      if (replay) {
        this.body.unread(this.firstPiece ?? new Uint8Array(0));
        const e = err as GatewayError;
        throw new GatewayError(e.kind, e.message, {
          cause: e.cause,
          retryable: true,
          retryAfter: e.retryAfter,
        });
      }
      if (err instanceof GatewayError) {
        if (!err.retryable) throw err;
        throw new GatewayError(err.kind, err.message, {
          cause: err.cause,
          retryAfter: err.retryAfter,
        });
      }
      throw new GatewayError("internal", `connection "${backend.name}": exchange failed`, {
        cause: err,
      });
    } finally {
      this.signal?.removeEventListener("abort", this.onAbort);
    }
  }

  /**
   * Starts watching for the client going away, which closes the backend socket. Called by
   * the pool's sweep once the exchange has waited on the backend across it: shorter
   * exchanges do without (a client abort then shows when the response is written).
   */
  private watchClient(): void {
    if (this.signal || !this.input.clientSignal) return;
    this.signal = this.input.clientSignal();
    if (this.signal.aborted) this.onAbort();
    else this.signal.addEventListener("abort", this.onAbort);
  }

  /**
   * Whether another backend may get this request: the backend could not be reached, or it
   * closed before answering while nothing of the body was asked for and the method is
   * idempotent (or not a byte was written).
   */
  private replayable(err: unknown): boolean {
    if (!(err instanceof GatewayError) || this.signal?.aborted) return false;
    if (err.kind === "unavailable") return !this.sent;
    if (err.kind !== "closed" || !err.retryable || this.answered > 0) return false;
    return !this.sent || IDEMPOTENT.has(this.input.forward.method);
  }

  /** A stale pooled socket: nothing came back and nothing unrepeatable went out. */
  private canRetry(err: unknown): boolean {
    const link = this.link;
    if (!(err instanceof GatewayError) || !err.retryable || !link) return false;
    const retry = link.uses > 0 && this.answered === 0 &&
      IDEMPOTENT.has(this.input.forward.method) && !this.signal?.aborted;
    if (retry) {
      this.input.backend.pool.destroy(link, "eof");
      this.link = null;
    }
    return retry;
  }

  private async sendAndAwaitHeaders(fresh: boolean): Promise<SendHeaders> {
    const { backend, forward, bodyLength } = this.input;
    const link = await backend.pool.acquire(fresh);
    this.link = link;
    link.received = false;
    link.onWait = () => this.watchClient();
    let end: number;
    try {
      end = encodeForwardRequest(forward, link.out.subarray(0, backend.settings.packetSize), 0);
    } catch (err) {
      backend.pool.release(link); // nothing was sent: the socket is still clean
      this.link = null;
      throw encodeFailure(err, backend.settings.packetSize);
    }
    if (bodyLength !== null && bodyLength > 0) {
      // T refillReadBuffer: with a known length the first body packet is sent unasked.
      const piece = await this.body.next(this.chunkMax);
      if (piece) {
        this.firstPiece = piece;
        end = encodeBodyPacket(piece, link.out, end);
      }
    }
    this.sent = true;
    await link.writeAll(link.out.subarray(0, end));
    backend.counters.bytesOut += end;
    for (;;) {
      const msg = await this.readMessage();
      switch (msg.type) {
        case "SEND_HEADERS":
          return msg;
        case "GET_BODY_CHUNK":
          await this.sendBody(msg.size);
          break;
        case "SEND_BODY_CHUNK":
          if (msg.data.length === 0) break; // a flush before the headers means nothing
          throw this.unexpected("body data before headers");
        default:
          throw this.unexpected(`${msg.type} before headers`);
      }
    }
  }

  private async readMessage(): Promise<ContainerMessage> {
    return this.decode(await this.link!.readPacket(this.timeout));
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
    const link = this.link!;
    this.input.backend.counters.bytesIn += payload.length + 4;
    try {
      return decodeContainerMessage(payload);
    } catch (err) {
      link.close();
      if (err instanceof AjpProtocolError) throw protocolError(link.name, err);
      throw err;
    }
  }

  /** Answers one GET_BODY_CHUNK with exactly one packet (empty = end of body). */
  private async sendBody(requested: number): Promise<void> {
    const link = this.link!;
    this.answered++;
    const max = Math.max(1, Math.min(requested, this.chunkMax));
    let piece: Uint8Array | null;
    try {
      piece = await this.body.next(max);
    } catch (err) {
      link.close(); // an abandoned exchange poisons the socket (CVE-2022-36760)
      throw err;
    }
    if (piece === null) {
      await link.writeAll(EMPTY_BODY_PACKET);
      this.input.backend.counters.bytesOut += EMPTY_BODY_PACKET.length;
      return;
    }
    const end = encodeBodyPacket(piece, link.out, 0);
    await link.writeAll(link.out.subarray(0, end));
    this.input.backend.counters.bytesOut += bodyPacketSize(piece.length);
  }

  private async respond(head: SendHeaders): Promise<Response> {
    const status = head.status;
    if (status < 200 || status > 599) {
      this.link?.close();
      throw new GatewayError(
        "protocol",
        `connection "${this.input.backend.name}": backend sent invalid status ${status}`,
      );
    }
    const headers = new Headers();
    try {
      for (const [name, value] of head.headers) {
        if (keepResponseHeader(name.toLowerCase(), this.isHead)) headers.append(name, value);
      }
    } catch (err) {
      this.link?.close();
      throw new GatewayError(
        "protocol",
        `connection "${this.input.backend.name}": backend sent an invalid header`,
        { cause: err },
      );
    }
    if (this.isHead || status === 204 || status === 304 || status === 205) {
      await this.drainToEnd(status);
      return new Response(null, { status, headers });
    }
    // Fast path: a response whose body and END_RESPONSE are already buffered is delivered
    // as one body (with a Content-Length) and the socket goes back to the pool at once.
    const views: Uint8Array[] = [];
    const next = this.collectBuffered(views);
    if (next?.type === "END_RESPONSE") {
      const body = concatBytes(views);
      if (this.input.trace) this.input.trace.bytesOut += body.length;
      this.end(next.reuse, status);
      return new Response(body, { status, headers });
    }
    this.stash = next; // GET_BODY_CHUNK (full duplex), an error, or null: the stream handles it
    this.pending = views;
    const stream = new ReadableStream<Uint8Array>(
      {
        pull: (controller) => this.pullBody(controller, status),
        cancel: () => this.fail(new GatewayError("client_aborted", "client went away")),
      },
      { highWaterMark: 1 },
    );
    return new Response(stream, { status, headers });
  }

  /**
   * Delivers the next piece of the body (at most {@link PIECE_MAX} bytes), answering
   * GET_BODY_CHUNK on the way (full duplex). Body chunks already buffered are coalesced into
   * one piece and one copy.
   */
  private async pullBody(
    controller: ReadableStreamDefaultController<Uint8Array>,
    status: number,
  ): Promise<void> {
    try {
      for (;;) {
        if (this.pending.length > 0) {
          const max = this.delivered < PIECE_MAX.firstBytes ? PIECE_MAX.first : PIECE_MAX.later;
          if (this.stash === null) this.stash = this.collectBuffered(this.pending, max);
          const piece = takeBytes(this.pending, max);
          this.delivered += piece.length;
          if (this.input.trace) this.input.trace.bytesOut += piece.length;
          controller.enqueue(piece);
          const after = this.stash as ContainerMessage | null;
          if (this.pending.length === 0 && after?.type === "END_RESPONSE") {
            this.stash = null;
            this.end(after.reuse, status);
            controller.close();
          }
          return;
        }
        const msg = this.stash ?? await this.readMessage();
        this.stash = null;
        switch (msg.type) {
          case "SEND_BODY_CHUNK":
            // an empty chunk is a flush: every piece is delivered at once anyway
            if (msg.data.length > 0) this.pending.push(msg.data);
            continue;
          case "GET_BODY_CHUNK":
            await this.sendBody(msg.size);
            continue;
          case "END_RESPONSE":
            this.end(msg.reuse, status);
            controller.close();
            return;
          default:
            throw this.unexpected(`${msg.type} inside the response body`);
        }
      }
    } catch (err) {
      this.input.backend.counters.failures++;
      this.fail(err);
      // After headers a failure aborts the response; never an error page in a started body.
      // A string reason: the runtime then logs one line, not a stack trace.
      controller.error(err instanceof Error ? err.message : String(err));
    }
  }

  /** Reads to END_RESPONSE for responses that carry no body (HEAD, 204, 304). */
  private async drainToEnd(status: number): Promise<void> {
    for (;;) {
      const msg = await this.readMessage();
      switch (msg.type) {
        case "SEND_BODY_CHUNK":
          continue;
        case "GET_BODY_CHUNK":
          await this.sendBody(msg.size);
          continue;
        case "END_RESPONSE":
          return this.end(msg.reuse, status);
        default:
          throw this.unexpected(`${msg.type} inside the response`);
      }
    }
  }

  private end(reuse: boolean, status: number): void {
    const link = this.link!;
    const { backend } = this.input;
    this.link = null;
    if (this.input.trace) {
      this.input.trace.bytesIn = this.body.consumed;
      this.input.trace.done("ok");
    }
    this.body.cancel();
    if (reuse && link.buffered === 0) return backend.pool.release(link);
    backend.pool.destroy(link, reuse ? "stray_bytes" : "reuse_0");
    if (status === 403 && !reuse) {
      this.input.warn?.(
        `connection "${backend.name}": backend answered 403 and closed the connection; ` +
          `the AJP secret or a request attribute is likely rejected by the connector`,
      );
    }
  }

  /** Destroys the socket after any failure; it is never reused. */
  private fail(err: unknown, keepBody = false): void {
    const link = this.link;
    if (this.input.trace && !keepBody) {
      this.input.trace.bytesIn = this.body.consumed;
      const aborted = err instanceof GatewayError && err.kind === "client_aborted";
      this.input.trace.done(aborted ? "aborted" : "error");
    }
    if (!keepBody) this.body.cancel(err);
    if (!link) return;
    this.link = null;
    const kind = err instanceof GatewayError ? err.kind : "internal";
    this.input.backend.pool.destroy(link, kind === "client_aborted" ? "aborted" : "error");
  }

  private unexpected(what: string): GatewayError {
    this.link?.close();
    return new GatewayError(
      "protocol",
      `connection "${this.input.backend.name}": unexpected ${what} from backend`,
    );
  }
}

/**
 * Removes the first `max` bytes (or all, if fewer) from `views` and returns them as one new
 * array; a view split in two leaves its tail in place.
 */
function takeBytes(views: Uint8Array[], max: number): Uint8Array<ArrayBuffer> {
  let size = 0;
  for (const v of views) size += v.length;
  const out = new Uint8Array(Math.min(size, max));
  let off = 0;
  while (off < out.length) {
    const v = views[0];
    const n = Math.min(v.length, out.length - off);
    out.set(n === v.length ? v : v.subarray(0, n), off);
    off += n;
    if (n === v.length) views.shift();
    else views[0] = v.subarray(n);
  }
  return out;
}

function encodeFailure(err: unknown, packetSize: number): GatewayError {
  if (err instanceof AjpEncodeError) {
    if (err.reason === "overflow") {
      return new GatewayError(
        "header_too_large",
        `request headers do not fit one AJP packet of ${packetSize} bytes`,
      );
    }
    return new GatewayError("bad_request", `request cannot be sent over AJP: ${err.message}`);
  }
  return new GatewayError("internal", "request could not be encoded", { cause: err });
}
