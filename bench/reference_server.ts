/**
 * The benchmark's `deno-serve` front: the `Deno.serve` HTTP server the gateway is built on,
 * answering the scenarios itself with no AJP and no backend, to show what any Deno.serve-based
 * proxy could reach on this machine at best. It answers as the test webapp does
 * (tests/webapp, `BodyServlet`) under a prefix (default `/app`):
 *
 * - `/stream?bytes=N[&cl=1]`: N bytes where byte i is `(i * 31 + 7) & 0xFF`, Content-Length
 *   only with cl=1. Up to 64 KiB as one Uint8Array, larger as a pull-based stream of fresh
 *   16 KiB pieces, as the gateway delivers bodies (src/ajp/exchange.ts).
 * - `/sha` (any method): the body read as a stream and hashed, answered as the webapp's JSON
 *   `{"bodyLength":N,"bodySha256":"HEX","contentLength":N,"transferEncoding":null}`.
 *
 * Run as `deno run --allow-net=127.0.0.1 bench/reference_server.ts [--listen 127.0.0.1:0]`
 * (over TLS add `--cert FILE --key FILE`, `--allow-read` for them and `--allow-ffi`, see
 * {@link serveBench}); it prints "reference server listening on HOST:PORT" once it accepts
 * connections.
 * @module
 */

import { createHash } from "node:crypto";
import { setListenerNoDelay } from "../src/tls/no_delay.ts";

/** Largest body sent as one Uint8Array; the gateway's fast path is one buffered body. */
export const WHOLE_BODY_MAX = 64 * 1024;
/** Size of each piece of a larger body, as the gateway's `DELIVERY_MAX` (src/ajp/exchange.ts). */
export const PIECE_SIZE = 16 * 1024;

/** The /stream pattern's byte at position `i`, as `BodyServlet.stream` writes it. */
export function patternByte(i: number): number {
  return (i * 31 + 7) & 0xff;
}

/**
 * A request handler answering `${prefix}/stream` and `${prefix}/sha`, 404 elsewhere. The
 * pattern is computed once here, so a request only copies a slice of it: no per-byte work.
 *
 * @example
 * ```ts
 * Deno.serve({ hostname: "127.0.0.1", port: 0 }, createReferenceHandler("/app"));
 * ```
 */
export function createReferenceHandler(prefix = "/app"): (req: Request) => Promise<Response> {
  // The pattern repeats every 256 bytes: a piece starting at i is pattern[i % 256 ...].
  const pattern = new Uint8Array(256 + WHOLE_BODY_MAX);
  for (let i = 0; i < pattern.length; i++) pattern[i] = patternByte(i);
  const slice = (from: number, length: number): Uint8Array<ArrayBuffer> => {
    const start = from % 256;
    return pattern.slice(start, start + length);
  };
  return async (req) => {
    const url = new URL(req.url);
    if (url.pathname === `${prefix}/stream`) return stream(url.searchParams, slice);
    if (url.pathname === `${prefix}/sha`) return await sha(req);
    return new Response("not found\n", { status: 404 });
  };
}

function stream(
  query: URLSearchParams,
  slice: (from: number, length: number) => Uint8Array<ArrayBuffer>,
): Response {
  const total = Number(query.get("bytes") ?? "0");
  if (!Number.isSafeInteger(total) || total < 0) {
    return new Response(`bytes "${query.get("bytes")}" is not a byte count\n`, { status: 400 });
  }
  const headers = new Headers({ "content-type": "application/octet-stream" });
  if (query.get("cl") === "1") headers.set("content-length", String(total));
  if (total <= WHOLE_BODY_MAX) return new Response(slice(0, total), { headers });
  let sent = 0;
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      const n = Math.min(PIECE_SIZE, total - sent);
      controller.enqueue(slice(sent, n));
      sent += n;
      if (sent === total) controller.close();
    },
  }, { highWaterMark: 1 });
  return new Response(body, { headers });
}

/** Hashes the body piece by piece as it arrives; answers the webapp's JSON for /sha. */
async function sha(req: Request): Promise<Response> {
  const hash = createHash("sha256");
  let length = 0;
  if (req.body) {
    for await (const piece of req.body) {
      hash.update(piece);
      length += piece.length;
    }
  }
  const declared = req.headers.get("content-length");
  return Response.json({
    bodyLength: length,
    bodySha256: hash.digest("hex"),
    // Tomcat's getContentLengthLong(): -1 without the header.
    contentLength: declared === null ? -1 : Number(declared),
    transferEncoding: req.headers.get("transfer-encoding"),
  });
}

/** `--listen HOST:PORT` of `args`; default 127.0.0.1:0 (a free port). */
export function parseListen(args: readonly string[]): { hostname: string; port: number } {
  const value = args.includes("--listen") ? optionValue(args, "--listen") ?? "" : "127.0.0.1:0";
  const m = /^(.+):(\d+)$/.exec(value);
  if (!m || Number(m[2]) > 65535) throw new Error(`--listen "${value}" is not HOST:PORT`);
  return { hostname: m[1], port: Number(m[2]) };
}

/** The value after `name` in `args`, if any. */
export function optionValue(args: readonly string[], name: string): string | undefined {
  const i = args.indexOf(name);
  return i < 0 ? undefined : args[i + 1];
}

/**
 * Serves `handler` on `--listen HOST:PORT` of `args`, over TLS with `--cert FILE --key FILE`,
 * and prints "NAME listening on HOST:PORT" once listening. Over TLS it first turns Nagle's
 * algorithm off on the listening socket, as the gateway's TLS listener does
 * (src/tls/no_delay.ts; `Deno.serve` leaves it on, and HTTP/2 frames would wait for delayed
 * ACKs).
 */
export function serveBench(
  name: string,
  args: readonly string[],
  handler: (req: Request) => Response | Promise<Response>,
): void {
  const { hostname, port } = parseListen(args);
  const certFile = optionValue(args, "--cert");
  const keyFile = optionValue(args, "--key");
  const tls = certFile && keyFile
    ? { cert: Deno.readTextFileSync(certFile), key: Deno.readTextFileSync(keyFile) }
    : {};
  Deno.serve({
    hostname,
    port,
    ...tls,
    onListen: (addr) => {
      const failed = certFile ? setListenerNoDelay(addr.port) : undefined;
      if (failed) console.error(`${name}: TCP_NODELAY not set (${failed})`);
      console.log(`${name} listening on ${addr.hostname}:${addr.port}`);
    },
  }, handler);
}

if (import.meta.main) serveBench("reference server", Deno.args, createReferenceHandler("/app"));
