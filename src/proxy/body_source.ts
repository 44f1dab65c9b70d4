/**
 * Reads a client's request body in pieces of a bounded size, one piece per AJP body packet,
 * straight from the body stream as it arrives (never buffered whole). One read of the client
 * stream is kept ahead while the backend works, so that the next piece is ready when asked
 * for and is filled up to its size from data already received (a 64 KiB client chunk would
 * otherwise leave a few-byte packet, and a round trip, behind each 8 KiB or 64 KiB packet
 * run); it never waits for more data than the first byte. A piece can be pushed back so that
 * a retried exchange resends it.
 * @module
 */
import { concatBytes } from "../../codec/bytes.ts";
import { GatewayError } from "./errors.ts";

/** A settled read of the client stream. */
type Settled = { value: ReadableStreamReadResult<Uint8Array> } | { error: unknown };

/**
 * See module doc. `declared` is the Content-Length, or null when unknown (chunked); `whole`:
 * the stream holds the whole body already (the pre-read), so {@link next} never waits on the
 * client.
 */
export class BodySource {
  private reader: ReadableStreamDefaultReader<Uint8Array> | null;
  private leftover: Uint8Array | null = null;
  private done: boolean;
  /** The read kept ahead, and its outcome once settled. */
  private ahead: Promise<Settled> | null = null;
  private aheadSettled: Settled | null = null;
  /** Bytes handed out so far (pushed-back bytes are subtracted). */
  consumed = 0;

  constructor(
    stream: ReadableStream<Uint8Array> | null,
    private readonly declared: number | null,
    readonly whole = false,
  ) {
    this.reader = stream ? stream.getReader() : null;
    this.done = stream === null || declared === 0;
  }

  /** True once the whole body was handed out. */
  get exhausted(): boolean {
    return this.done && this.leftover === null;
  }

  /**
   * Returns the next 1..max bytes, or null at the end of the body. A client that stops
   * before its declared Content-Length is an abort (GatewayError "client_aborted").
   */
  async next(max: number): Promise<Uint8Array | null> {
    let chunk = this.leftover;
    this.leftover = null;
    while (chunk === null || chunk.length === 0) {
      if (this.done || !this.reader) return null;
      chunk = this.accept(await this.read(), 0);
      if (chunk === null) return null;
    }
    // Top the piece up from a read that already completed; never wait for one.
    while (chunk.length < max && this.aheadSettled !== null) {
      const more = this.accept(this.take(), chunk.length);
      if (more === null) break;
      const need = max - chunk.length;
      if (more.length > need) this.leftover = more.subarray(need);
      chunk = concatBytes([chunk, more.subarray(0, need)]);
    }
    if (chunk.length > max) {
      this.leftover = chunk.subarray(max);
      chunk = chunk.subarray(0, max);
    }
    this.consumed += chunk.length;
    if (this.declared !== null && this.consumed > this.declared) {
      throw new GatewayError("bad_request", "request body is longer than its Content-Length");
    }
    if (this.declared !== null && this.consumed === this.declared && this.leftover === null) {
      this.done = true;
    }
    if (!this.done && (this.leftover?.length ?? 0) < max) this.readAhead();
    return chunk;
  }

  /**
   * Whether the body turns out empty: waits for the client's first read and keeps what it
   * brought. Decides "no body" for a stream that declared no length (HTTP/2 HEADERS with
   * END_STREAM, or HTTP/1.1 without Content-Length and Transfer-Encoding), so that the
   * backend is told `content-length: 0` instead of asking for a body that never comes.
   */
  async isEmpty(): Promise<boolean> {
    if (this.exhausted) return true;
    if (this.leftover !== null) return false;
    for (;;) {
      const chunk = this.accept(await this.read(), 0);
      if (chunk === null) return true;
      if (chunk.length === 0) continue; // the server may hand over an empty chunk first
      this.leftover = chunk;
      return false;
    }
  }

  /** Puts a piece returned by {@link next} back in front. */
  unread(piece: Uint8Array): void {
    this.leftover = this.leftover ? concatBytes([piece, this.leftover]) : piece;
    this.consumed -= piece.length;
    if (this.declared !== null) this.done = false;
  }

  /** Stops reading the client body (after an error or when the backend no longer wants it). */
  cancel(reason?: unknown): void {
    this.done = true;
    this.leftover = null;
    this.ahead = null;
    this.aheadSettled = null;
    this.reader?.cancel(reason).catch(() => {});
    this.reader = null;
  }

  /** Starts the read kept ahead, unless one is under way. */
  private readAhead(): void {
    if (this.ahead || !this.reader) return;
    const p: Promise<Settled> = this.reader.read().then(
      (value) => ({ value }),
      (error) => ({ error }),
    );
    this.ahead = p;
    p.then((settled) => {
      if (this.ahead === p) this.aheadSettled = settled;
    });
  }

  /** The next read's outcome: the one kept ahead, or a new one. */
  private async read(): Promise<Settled> {
    this.readAhead();
    const settled = await this.ahead!;
    this.ahead = null;
    this.aheadSettled = null;
    return settled;
  }

  /** The outcome of the read kept ahead, which has settled. */
  private take(): Settled {
    const settled = this.aheadSettled!;
    this.ahead = null;
    this.aheadSettled = null;
    return settled;
  }

  /**
   * A chunk from a read's outcome, or null at the end; errors and bodies shorter than their
   * Content-Length (counting `inHand` bytes about to be handed out) throw.
   */
  private accept(settled: Settled, inHand: number): Uint8Array | null {
    if ("error" in settled) {
      this.done = true;
      throw new GatewayError("client_aborted", "client aborted the request body", {
        cause: settled.error,
        source: "downstream",
      });
    }
    const r = settled.value;
    if (!r.done) return r.value;
    this.done = true;
    const received = this.consumed + inHand;
    if (this.declared !== null && received < this.declared) {
      throw new GatewayError(
        "client_aborted",
        `request body ended after ${received} of ${this.declared} bytes`,
      );
    }
    return null;
  }
}
