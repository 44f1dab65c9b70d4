/**
 * Turns a node:http(s) server request (HTTP/1.x) into a web `Request` the way `Deno.serve`
 * presents one: `url` is `https://` + the authority + the request target exactly as the
 * client sent it (not re-encoded, dot segments kept, as `Deno.serve` keeps them), headers in
 * order, and the body as a pull-based stream over the paused node stream.
 * @module
 */
import { isUrlSafeAuthority } from "./authority.ts";
import type { IncomingMessage } from "node:http";
import type { Readable } from "node:stream";
import { GatewayError } from "../proxy/errors.ts";

/** A request from node:http(s) (HTTP/1.x; the client-certificate front offers no HTTP/2). */
export type NodeServerRequest = IncomingMessage;

/** Bytes the web side may hold before the node stream is paused. */
const BODY_HIGH_WATER_MARK = 64 * 1024;

// origin-form (RFC 9112 3.2.1): "/" then visible characters; node has checked the bytes.
const ORIGIN_FORM = /^\/[^\s#]*$/;

/** A web request and the way to let go of its body. */
export interface WebRequest {
  request: Request;
  /**
   * Call once the response is done: the unread rest of the body is discarded (a reader
   * still waiting gets an error) and the connection reads again, so an ignored upload
   * cannot stall an HTTP/1.1 keep-alive connection.
   */
  release(): void;
}

/**
 * The web `Request` for `req`. `fallbackAuthority` stands in for a missing Host (HTTP/1.0).
 * `signal` becomes the request's signal (abort it when the client goes away). GET and HEAD
 * have no body, as with `Deno.serve`; every other method gets one, possibly empty.
 * Throws a `bad_request` GatewayError for an authority or target it cannot place in a URL.
 */
export function toWebRequest(
  req: NodeServerRequest,
  fallbackAuthority: string,
  signal: AbortSignal,
): WebRequest {
  const method = req.method ?? "GET";
  const target = req.url ?? "";
  const authority = req.headers.host || fallbackAuthority;
  if (!isUrlSafeAuthority(authority)) {
    throw new GatewayError("bad_request", "invalid Host header");
  }
  if (!ORIGIN_FORM.test(target)) {
    throw new GatewayError("bad_request", "request target is not in origin form");
  }
  const url = `https://${authority}${target}`;
  const headers = webHeaders(req.rawHeaders);
  const body = method === "GET" || method === "HEAD"
    ? null
    : nodeReadableToWeb(req, transportOf(req));
  let request: Request;
  try {
    request = new Request(url, {
      method,
      headers,
      body: body?.stream ?? null,
      signal,
      duplex: "half",
    } as RequestInit);
  } catch (err) {
    body?.release();
    throw new GatewayError("bad_request", `request cannot be represented: ${messageOf(err)}`);
  }
  // The URL parser resolves dot segments and percent-encodes; keep the target as sent.
  if (request.url !== url) Object.defineProperty(request, "url", { value: url });
  return { request, release: body?.release ?? (() => {}) };
}

/**
 * Headers from node's `rawHeaders` list, pseudo-headers left out. Cookie fields are joined
 * with "; " (RFC 9110 allows one field only; a client that sends several is joined).
 */
export function webHeaders(raw: string[]): Headers {
  const headers = new Headers();
  let cookie: string | null = null;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i];
    if (name.charCodeAt(0) === 0x3a) continue; // ":method" and friends
    if (name.length === 6 && name.toLowerCase() === "cookie") {
      cookie = cookie === null ? raw[i + 1] : `${cookie}; ${raw[i + 1]}`;
    } else {
      headers.append(name, raw[i + 1]);
    }
  }
  if (cookie !== null) headers.set("cookie", cookie);
  return headers;
}

/** Something whose reading can be stopped and restarted. */
export interface Pausable {
  pause(): unknown;
  resume(): unknown;
}

/**
 * The TCP handle under an HTTP/1.x request's TLS socket, as something to pause. Deno 2.9.6's
 * node:tls keeps reading and decrypting while the request and its TLS socket are paused
 * (TLSWrap's `readStop()` does not reach TCP): a 300 MB upload to a paused handler grew the
 * process by ~515 MB. Stopping the TCP handle itself (`_handle._nativeTcpHandle`, where
 * Deno's TLSWrap keeps it) holds the client back (growth 0.4 MB). Pausing the wrapped
 * `_parent` socket instead also stops it but sometimes never restarts. Null when the
 * handle is not there (another runtime), leaving node's own flow control.
 */
export function transportOf(req: IncomingMessage): Pausable | null {
  const handle = (req.socket as { _handle?: { _nativeTcpHandle?: NativeHandle } } | null)
    ?._handle?._nativeTcpHandle;
  if (typeof handle?.readStop !== "function" || typeof handle.readStart !== "function") {
    return null;
  }
  return { pause: () => handle.readStop(), resume: () => handle.readStart() };
}

interface NativeHandle {
  readStop(): number;
  readStart(): number;
}

/** A web stream over a node readable, and the way to let go of it (see {@link WebRequest}). */
export interface WebBody {
  stream: ReadableStream<Uint8Array>;
  release(): void;
}

/**
 * A pull-based web stream over a node readable: the node stream (and `transport`, when
 * given) stays paused until the reader pulls, and pauses again once
 * `BODY_HIGH_WATER_MARK` bytes wait unread, so a slow backend slows the client down (TCP or
 * HTTP/2 flow control) instead of filling memory. It errors when the node stream closes
 * before its end (the client went away). Cancelling or releasing it discards the rest of
 * the body without closing the connection, so a response can still be sent.
 */
export function nodeReadableToWeb(src: Readable, transport: Pausable | null = null): WebBody {
  let settled = false;
  let fail: (err?: unknown) => void = () => {};
  const pause = () => {
    src.pause();
    transport?.pause();
  };
  const resume = () => {
    transport?.resume();
    src.resume();
  };
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      pause();
      src.on("data", (chunk: Uint8Array) => {
        if (settled) return;
        controller.enqueue(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
        if ((controller.desiredSize ?? 0) <= 0) pause();
      });
      src.once("end", () => {
        if (settled) return;
        settled = true;
        transport?.resume(); // the next request on the connection
        controller.close();
      });
      fail = (err?: unknown) => {
        if (settled) return;
        settled = true;
        controller.error(
          err instanceof Error ? err : new Error("client closed the request body before its end"),
        );
      };
      src.once("error", fail);
      src.once("close", () => fail());
    },
    pull() {
      resume();
    },
    cancel() {
      settled = true;
      resume();
    },
  }, new ByteLengthQueuingStrategy({ highWaterMark: BODY_HIGH_WATER_MARK }));
  return {
    stream,
    release() {
      fail(new Error("the response ended before the request body was read"));
      resume();
    },
  };
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
