/**
 * Writes a `Response` to an HTTP/1.x client: the status line, its headers (hop-by-hop ones
 * left out), a Date, and the body framed by the writer itself: Content-Length when the
 * whole body is known at once or the response is marked with its backend's declared length
 * (whole_body.ts), else
 * chunked (HTTP/1.1) or close-delimited (HTTP/1.0). A declared length is kept to: bytes
 * beyond it are not sent, and a body that ends short closes the connection, so the client
 * sees the truncation. The next body piece is read while the previous one is written, and
 * each written piece is given back to the piece pool. A body that fails midway aborts the
 * response (the connection closes without the last chunk, never an error page inside a
 * started body); a client that fails to take bytes cancels the body stream.
 * @module
 */
import type { ConnReader } from "./conn_reader.ts";
import { givePiece } from "../proxy/piece_pool.ts";
import { declaredLengthOf, headerPairsOf, wholeBodyOf } from "../proxy/whole_body.ts";

/** How to frame and end one response. */
export interface WriteOptions {
  isHead: boolean;
  minor: 0 | 1;
  /** Asked once the body is known: whether the connection stays open afterwards. */
  keepAlive: () => boolean;
  /** A client that takes no bytes for this long is cut. */
  writeTimeoutMs: number;
}

const enc = new TextEncoder();
const SKIP = new Set(["connection", "keep-alive", "transfer-encoding", "content-length"]);
const PENDING = Symbol("pending");
/** Raced against a read to learn whether it has settled already (one shared promise). */
const SETTLED_CHECK: Promise<typeof PENDING> = Promise.resolve(PENDING);

let dateSecond = 0;
let dateText = "";
function httpDate(): string {
  const now = Date.now();
  const s = Math.floor(now / 1000);
  if (s !== dateSecond) {
    dateSecond = s;
    dateText = new Date(now).toUTCString();
  }
  return dateText;
}

const REASONS: Record<number, string> = {
  200: "OK",
  201: "Created",
  204: "No Content",
  206: "Partial Content",
  301: "Moved Permanently",
  302: "Found",
  304: "Not Modified",
  400: "Bad Request",
  401: "Unauthorized",
  403: "Forbidden",
  404: "Not Found",
  405: "Method Not Allowed",
  408: "Request Timeout",
  413: "Content Too Large",
  417: "Expectation Failed",
  431: "Request Header Fields Too Large",
  500: "Internal Server Error",
  501: "Not Implemented",
  502: "Bad Gateway",
  503: "Service Unavailable",
  504: "Gateway Timeout",
};

/** A reason phrase for the status line (RFC 9112 4 allows any, or none). */
export function reasonOf(status: number): string {
  return REASONS[status] ?? "";
}

function headText(res: Response, opts: WriteOptions, framing: string, keepAlive: boolean) {
  let head = `HTTP/1.${opts.minor} ${res.status} ${res.statusText || reasonOf(res.status)}\r\n`;
  let hasDate = false;
  for (const [name, value] of headerPairsOf(res)) {
    if (SKIP.has(name)) {
      // A HEAD answer's Content-Length describes the body that is not sent.
      if (!(opts.isHead && name === "content-length")) continue;
    }
    if (name === "date") hasDate = true;
    head += `${name}: ${value}\r\n`;
  }
  if (!hasDate) head += `date: ${httpDate()}\r\n`;
  head += framing;
  if (!keepAlive) head += "connection: close\r\n";
  else if (opts.minor === 0) head += "connection: keep-alive\r\n";
  return head + "\r\n";
}

/** The head's bytes followed by `body`'s, in one buffer for one write. */
function join(head: string, body: Uint8Array): Uint8Array {
  // UTF-8 takes at most 3 bytes per UTF-16 unit; encoding in place saves a copy.
  const out = new Uint8Array(head.length * 3 + body.length);
  const n = enc.encodeInto(head, out).written;
  out.set(body, n);
  return out.subarray(0, n + body.length);
}

function chunk(data: Uint8Array, last: boolean): Uint8Array {
  const size = enc.encode(data.length.toString(16) + "\r\n");
  const out = new Uint8Array(size.length + data.length + (last ? 7 : 2));
  out.set(size);
  out.set(data, size.length);
  out.set(last ? END_CHUNKED_AFTER_DATA : CRLF, size.length + data.length);
  return out;
}

const CRLF = enc.encode("\r\n");
const END_CHUNKED_AFTER_DATA = enc.encode("\r\n0\r\n\r\n");
const END_CHUNKED = enc.encode("0\r\n\r\n");

/** How a response ended: written and the connection reusable, written but the
 * connection must close (its end delimits the body), or not written whole. */
export type WriteOutcome = "keep" | "close" | "failed";

/** See module doc. */
export async function writeResponse(
  conn: ConnReader,
  res: Response,
  opts: WriteOptions,
): Promise<WriteOutcome> {
  const write = (bytes: Uint8Array) => conn.write(bytes, opts.writeTimeoutMs);
  const status = res.status;
  const bodiless = opts.isHead || status === 204 || status === 304 || status < 200;
  // Fixed-length answers: a whole body known at once, no body, or a bodiless status.
  const whole = bodiless ? undefined : wholeBodyOf(res);
  if (whole !== undefined || res.body === null || bodiless) {
    if (whole === undefined && res.body) await res.body.cancel().catch(() => {});
    const framing = bodiless ? "" : `content-length: ${whole?.length ?? 0}\r\n`;
    return await writeFixed(res, opts, write, framing, whole).catch(() => "failed" as const);
  }
  const reader = res.body.getReader();
  let keep = false;
  try {
    // Wait a moment for the first piece so that a small answer goes out in one write, but
    // never hold the head back behind a slow first piece (event streams).
    let next = reader.read();
    const first = await within(next, FIRST_PIECE_WAIT_MS);
    const declared = declaredLengthOf(res) ?? null;
    let out: Uint8Array | null;
    if (first === PENDING) {
      if (declared !== null) return await lengthDelimited(res, opts, write, reader, next, declared);
      if (opts.minor === 0) return await closeDelimited(res, opts, write, reader, next, null);
      keep = opts.keepAlive();
      out = enc.encode(headText(res, opts, "transfer-encoding: chunked\r\n", keep));
    } else if (first.done) {
      return await writeFixed(res, opts, write, "content-length: 0\r\n");
    } else {
      // A body that is complete at once (a fixed answer) goes out with a Content-Length.
      next = reader.read();
      const quick = await Promise.race([next, SETTLED_CHECK]);
      if (quick !== PENDING && quick.done) {
        const framing = `content-length: ${first.value.length}\r\n`;
        const outcome = await writeFixed(res, opts, write, framing, first.value);
        givePiece(first.value);
        return outcome;
      }
      if (declared !== null) {
        return await lengthDelimited(res, opts, write, reader, next, declared, first.value);
      }
      if (opts.minor === 0) {
        return await closeDelimited(res, opts, write, reader, next, first.value);
      }
      keep = opts.keepAlive();
      out = join(
        headText(res, opts, "transfer-encoding: chunked\r\n", keep),
        chunk(first.value, false),
      );
      givePiece(first.value);
    }
    for (;;) {
      // The next piece is read while this one is written.
      const writing = write(out);
      // Awaited below, after the next read: until then a failed write (client gone) must not
      // count as an unhandled rejection, which would end the process.
      writing.catch(() => {});
      let n: ReadableStreamReadResult<Uint8Array>;
      try {
        n = await next;
      } finally {
        await writing;
      }
      if (n.done) {
        await write(END_CHUNKED);
        return keep ? "keep" : "close";
      }
      next = reader.read();
      // The end right behind this piece goes out in the same write.
      const end = await Promise.race([next, SETTLED_CHECK]);
      if (end !== PENDING && end.done) {
        await write(chunk(n.value, true));
        givePiece(n.value);
        return keep ? "keep" : "close";
      }
      out = chunk(n.value, false);
      givePiece(n.value);
    }
  } catch {
    await reader.cancel().catch(() => {});
    return "failed";
  }
}

/**
 * A streamed body framed by its declared length, each piece written as it is (no chunk
 * copy) and then given back. Bytes beyond the length are not sent (the body is cancelled
 * and the connection closed); a body that ends short closes the connection.
 */
async function lengthDelimited(
  res: Response,
  opts: WriteOptions,
  write: (b: Uint8Array) => Promise<void>,
  reader: ReadableStreamDefaultReader<Uint8Array>,
  next: Promise<Read>,
  length: number,
  first?: Uint8Array,
): Promise<WriteOutcome> {
  const keep = opts.keepAlive();
  const head = headText(res, opts, `content-length: ${length}\r\n`, keep);
  let left = length;
  let out: Uint8Array;
  if (first !== undefined) {
    const part = first.length <= left ? first : first.subarray(0, left);
    out = join(head, part);
    left -= part.length;
    givePiece(first);
    if (part !== first) return await overLength(write, out, reader);
  } else out = enc.encode(head);
  let piece: Uint8Array | null = null;
  for (;;) {
    const writing = write(out);
    writing.catch(() => {});
    let n: Read;
    try {
      n = await next;
    } finally {
      await writing;
      if (piece !== null) givePiece(piece);
    }
    if (n.done) return left === 0 && keep ? "keep" : "close";
    if (n.value.length > left) {
      out = n.value.subarray(0, left);
      const outcome = await overLength(write, out, reader);
      givePiece(n.value);
      return outcome;
    }
    next = reader.read();
    piece = out = n.value;
    left -= n.value.length;
  }
}

/** Writes the last `out` bytes a declared length allows and drops the rest of the body. */
async function overLength(
  write: (b: Uint8Array) => Promise<void>,
  out: Uint8Array,
  reader: ReadableStreamDefaultReader<Uint8Array>,
): Promise<WriteOutcome> {
  await reader.cancel().catch(() => {});
  await write(out);
  return "close";
}

/** The head with `framing` and, when given, the whole body, in one write. */
async function writeFixed(
  res: Response,
  opts: WriteOptions,
  write: (b: Uint8Array) => Promise<void>,
  framing: string,
  body?: Uint8Array,
): Promise<WriteOutcome> {
  const keep = opts.keepAlive();
  const head = headText(res, opts, framing, keep);
  await write(body ? join(head, body) : enc.encode(head));
  return keep ? "keep" : "close";
}

/** How long the head waits for the first body piece to share its write. */
const FIRST_PIECE_WAIT_MS = 5;

type Read = ReadableStreamReadResult<Uint8Array>;

/** `p`'s result if it settles within `ms`, else PENDING. */
async function within(p: Promise<Read>, ms: number): Promise<Read | typeof PENDING> {
  const quick = await Promise.race([p, SETTLED_CHECK]);
  if (quick !== PENDING) return quick;
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    return await Promise.race([
      p,
      new Promise<typeof PENDING>((r) => timer = setTimeout(() => r(PENDING), ms)),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/** HTTP/1.0 has no chunked coding: the body ends where the connection does. */
async function closeDelimited(
  res: Response,
  opts: WriteOptions,
  write: (b: Uint8Array) => Promise<void>,
  reader: ReadableStreamDefaultReader<Uint8Array>,
  next: Promise<Read>,
  first: Uint8Array | null,
): Promise<WriteOutcome> {
  const head = headText(res, opts, "", false);
  await write(first ? join(head, first) : enc.encode(head));
  if (first) givePiece(first);
  for (let n = await next; !n.done; n = await reader.read()) {
    await write(n.value);
    givePiece(n.value);
  }
  return "close";
}
