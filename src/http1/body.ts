/**
 * A request body read from a client connection as a pull-based stream: Content-Length
 * framed or chunked (RFC 9112 7.1), on any method. Each read has the body timeout (no
 * progress for that long fails the stream with 408); a malformed chunked body (a size that
 * is not plain hex, a missing CRLF, an over-long line) fails it with 400.
 * @module
 */
import { GatewayError } from "../proxy/errors.ts";
import { type ConnReader, ReadTimeout } from "./conn_reader.ts";

/** How the body is framed. */
export type Framing = { length: number } | { chunked: true };

/** Body stream options. */
export interface BodyOptions {
  /** No progress from the client for this long fails the body with 408. */
  timeoutMs: number;
  /** Called before the first read (sends "100 Continue" when the client asked for it). */
  beforeFirstRead?: () => Promise<void>;
  /** Called once when the body has been read to its end. */
  onEnd?: () => void;
  /** Largest piece handed out per pull. Default 64 KiB. */
  pieceSize?: number;
}

/** The body reader: a stream and whether it was read to its end. */
export interface RequestBody {
  stream: ReadableStream<Uint8Array>;
  /** True once the body was read to its end (the connection can carry another request). */
  readonly complete: boolean;
}

// A chunk-size line with its extensions; longer is refused (httpd allows 8 KiB per line).
const MAX_LINE = 4096;
const MAX_TRAILERS = 16 * 1024;

/** See module doc. */
export function requestBody(
  reader: ConnReader,
  framing: Framing,
  options: BodyOptions,
): RequestBody {
  const pieceSize = options.pieceSize ?? 65536;
  let started = false;
  let complete = false;
  let ended = false;
  // Bytes left in the current chunk (or of the whole body, for Content-Length).
  let left = "length" in framing ? framing.length : 0;
  let chunkState: "size" | "data" | "crlf" | "trailers" = "size";

  const more = async (what: string) => {
    try {
      if (!await reader.fill(options.timeoutMs, 65536 + MAX_TRAILERS)) {
        throw new GatewayError("client_aborted", `client closed the connection during ${what}`);
      }
    } catch (err) {
      if (err instanceof ReadTimeout) {
        throw new GatewayError("request_timeout", `request body: ${err.message}`);
      }
      throw err;
    }
  };

  /** Reads a line (without its CRLF) from the buffer. */
  const readLine = async (what: string): Promise<string> => {
    for (;;) {
      const b = reader.buf;
      for (let i = reader.start; i < reader.end; i++) {
        if (b[i] !== 0x0a) continue;
        if (i === reader.start || b[i - 1] !== 0x0d) {
          throw new GatewayError("bad_request", `malformed chunked body: ${what} lacks CRLF`);
        }
        const line = String.fromCharCode(...b.subarray(reader.start, i - 1));
        reader.start = i + 1;
        return line;
      }
      if (reader.available > MAX_LINE) {
        throw new GatewayError("bad_request", `malformed chunked body: ${what} is too long`);
      }
      await more(what);
    }
  };

  const nextChunked = async (): Promise<Uint8Array | null> => {
    for (;;) {
      if (chunkState === "size") {
        const line = await readLine("chunk size line");
        const m = /^([0-9A-Fa-f]{1,16})[ \t]*(;.*)?$/.exec(line);
        if (!m || m[1].length > 13) {
          throw new GatewayError("bad_request", `malformed chunked body: bad chunk size`);
        }
        left = parseInt(m[1], 16);
        chunkState = left === 0 ? "trailers" : "data";
        continue;
      }
      if (chunkState === "data") {
        if (reader.available === 0) await more("the request body");
        const piece = reader.take(Math.min(left, pieceSize));
        left -= piece.length;
        if (left === 0) chunkState = "crlf";
        return piece;
      }
      if (chunkState === "crlf") {
        const line = await readLine("chunk data");
        if (line !== "") {
          throw new GatewayError("bad_request", "malformed chunked body: chunk data lacks CRLF");
        }
        chunkState = "size";
        continue;
      }
      // Trailer fields are read and dropped (AJP has no trailers), up to a cap.
      let seen = 0;
      for (;;) {
        const line = await readLine("trailer section");
        if (line === "") break;
        seen += line.length;
        if (seen > MAX_TRAILERS) {
          throw new GatewayError("header_too_large", "request trailers are too large");
        }
      }
      complete = true;
      return null;
    }
  };

  const nextLength = async (): Promise<Uint8Array | null> => {
    if (left === 0) {
      complete = true;
      return null;
    }
    if (reader.available === 0) await more("the request body");
    const piece = reader.take(Math.min(left, pieceSize));
    left -= piece.length;
    if (left === 0) complete = true;
    return piece;
  };

  const stream = new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (!started) {
        started = true;
        await options.beforeFirstRead?.();
      }
      const piece = "chunked" in framing ? await nextChunked() : await nextLength();
      if (complete && !ended) {
        ended = true;
        options.onEnd?.();
      }
      if (piece === null) controller.close();
      else controller.enqueue(piece);
    },
  }, { highWaterMark: 0 });
  return {
    stream,
    get complete() {
      return complete;
    },
  };
}
