/**
 * Reads a client's request body in pieces of a bounded size, one piece per AJP body packet,
 * straight from the body stream as it arrives (never buffered whole). A piece can be pushed
 * back so that a retried exchange resends it.
 * @module
 */
import { GatewayError } from "./errors.ts";

/** See module doc. `declared` is the Content-Length, or null when unknown (chunked). */
export class BodySource {
  private reader: ReadableStreamDefaultReader<Uint8Array> | null;
  private leftover: Uint8Array | null = null;
  private done: boolean;
  /** Bytes handed out so far (pushed-back bytes are subtracted). */
  consumed = 0;

  constructor(stream: ReadableStream<Uint8Array> | null, private readonly declared: number | null) {
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
      let r: ReadableStreamReadResult<Uint8Array>;
      try {
        r = await this.reader.read();
      } catch (err) {
        this.done = true;
        throw new GatewayError("client_aborted", "client aborted the request body", {
          cause: err,
          source: "downstream",
        });
      }
      if (r.done) {
        this.done = true;
        if (this.declared !== null && this.consumed < this.declared) {
          throw new GatewayError(
            "client_aborted",
            `request body ended after ${this.consumed} of ${this.declared} bytes`,
          );
        }
        return null;
      }
      chunk = r.value;
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
    return chunk;
  }

  /** Puts a piece returned by {@link next} back in front. */
  unread(piece: Uint8Array): void {
    this.leftover = this.leftover ? concat(piece, this.leftover) : piece;
    this.consumed -= piece.length;
    if (this.declared !== null) this.done = false;
  }

  /** Stops reading the client body (after an error or when the backend no longer wants it). */
  cancel(reason?: unknown): void {
    this.done = true;
    this.leftover = null;
    this.reader?.cancel(reason).catch(() => {});
    this.reader = null;
  }
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}
