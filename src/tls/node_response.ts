/**
 * Writes a web `Response` to a node:http / node:http2 server response: status, headers
 * (each Set-Cookie as its own field), then the body pulled one chunk at a time, waiting for
 * 'drain' whenever `write()` returns false. A body that fails after the headers went out
 * aborts the response (HTTP/1.1: the connection is destroyed, so the client sees a truncated
 * body; HTTP/2: the stream is reset); no error text is ever written into a started body.
 * When the client goes away first, the body stream is cancelled so its producer (the AJP
 * exchange) lets go of the backend socket.
 * @module
 */
import type { ServerResponse } from "node:http";
import { constants as h2constants, type Http2ServerResponse } from "node:http2";

/** A response from node:http (HTTP/1.x) or node:http2's compatibility API. */
export type NodeServerResponse = ServerResponse | Http2ServerResponse;

// write() of both response kinds; their overloads do not unite.
interface BodySink {
  write(chunk: Uint8Array): boolean;
}

/** How a response ended. */
export type ResponseOutcome = "finished" | "client_gone" | "aborted";

// Connection-specific fields: HTTP/2 forbids them (RFC 9113 8.2.2) and node frames HTTP/1.1
// itself.
const CONNECTION_FIELDS = new Set([
  "connection",
  "keep-alive",
  "proxy-connection",
  "transfer-encoding",
  "upgrade",
]);

/** Options of {@link writeWebResponse}. */
export interface WriteOptions {
  /** The request was HEAD: send the headers only. */
  head: boolean;
  /** Add `Connection: close` (HTTP/1.x only), e.g. while the listener drains. */
  close: boolean;
}

/**
 * Writes `response` to `res` and resolves once the response ended one way or the other;
 * it never rejects. Headers are flushed at once when the first body chunk is not ready yet,
 * so a slow stream (server-sent events) shows its headers promptly.
 */
export async function writeWebResponse(
  res: NodeServerResponse,
  response: Response,
  options: WriteOptions,
  watch: EndWatch = watchEnd(res),
): Promise<ResponseOutcome> {
  const h2 = "stream" in res;
  try {
    writeHead(res, response, h2, options.close);
  } catch (err) {
    await response.body?.cancel(err).catch(() => {});
    abort(res);
    return "aborted";
  }
  const body = response.body;
  const bodyless = options.head || response.status === 204 || response.status === 304;
  if (body === null || bodyless) {
    if (body !== null) await body.cancel().catch(() => {});
    res.end();
    return await watch.ended;
  }
  const reader = body.getReader();
  void watch.ended.then((outcome) => {
    if (outcome === "client_gone") reader.cancel(new Error("client went away")).catch(() => {});
  });
  try {
    const first = reader.read();
    let chunk = await soon(first);
    if (chunk === undefined) {
      flushHeaders(res);
      chunk = await first;
    }
    while (!chunk.done) {
      if (watch.gone()) return "client_gone";
      if (!(res as BodySink).write(chunk.value)) await drainedOrEnded(res);
      chunk = await reader.read();
    }
  } catch {
    if (watch.gone()) return "client_gone";
    abort(res);
    return "aborted";
  }
  if (watch.gone()) return "client_gone";
  res.end();
  return await watch.ended;
}

function writeHead(
  res: NodeServerResponse,
  response: Response,
  h2: boolean,
  close: boolean,
): void {
  const fields: Record<string, string | string[]> = {};
  for (const [name, value] of response.headers) {
    if (name === "set-cookie" || CONNECTION_FIELDS.has(name)) continue;
    fields[name] = value;
  }
  const cookies = response.headers.getSetCookie();
  if (cookies.length > 0) fields["set-cookie"] = cookies;
  if (h2) {
    (res as Http2ServerResponse).writeHead(response.status, fields);
    return;
  }
  if (close) fields["connection"] = "close";
  const r = res as ServerResponse;
  if (response.statusText) r.writeHead(response.status, response.statusText, fields);
  else r.writeHead(response.status, fields);
}

function flushHeaders(res: NodeServerResponse): void {
  if ("stream" in res) {
    // node:http2 sends HEADERS on the first write; an empty write sends them alone.
    res.write(new Uint8Array(0));
  } else {
    res.flushHeaders();
  }
}

/** Ends the response abnormally so the client cannot take a truncated body as complete. */
function abort(res: NodeServerResponse): void {
  if ("stream" in res) {
    if (!res.stream.destroyed) res.stream.close(h2constants.NGHTTP2_INTERNAL_ERROR);
  } else {
    res.destroy();
  }
}

/** Watches how a response ends. */
export interface EndWatch {
  /** Settles when the response finished or its connection/stream closed. */
  ended: Promise<ResponseOutcome>;
  /** The stream or connection closed before the response finished. */
  gone(): boolean;
}

/**
 * Starts watching `res`. HTTP/1.x: 'close' before 'finish' means the client went away.
 * HTTP/2: node's compatibility API (Node and Deno alike) emits 'finish' then 'close' even
 * for a stream the client reset, so a non-zero `rstCode` marks it as gone.
 */
export function watchEnd(res: NodeServerResponse): EndWatch {
  const stream = "stream" in res ? res.stream : null;
  const reset = () => stream !== null && (stream.rstCode ?? 0) !== 0;
  let finished = false;
  let closed = false;
  const ended = new Promise<ResponseOutcome>((resolve) => {
    res.once("finish", () => {
      if (reset()) return;
      finished = true;
      resolve("finished");
    });
    res.once("close", () => {
      closed = true;
      if (reset()) finished = false;
      resolve(finished ? "finished" : "client_gone");
    });
  });
  return { ended, gone: () => closed && !finished };
}

function drainedOrEnded(res: NodeServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off("drain", done);
      res.off("close", done);
      resolve();
    };
    res.on("drain", done);
    res.on("close", done);
  });
}

/**
 * `p`'s outcome if it settles within a few microtask turns, else undefined. A buffered body
 * answers its first read in 2-3 turns; one waiting for I/O takes a macrotask at least. A
 * timer here cost ~9 % of requests per second.
 */
async function soon<T>(p: Promise<T>): Promise<T | undefined> {
  let settled = false;
  p.then(() => settled = true, () => settled = true);
  for (let turn = 0; turn < 16 && !settled; turn++) await null;
  return settled ? await p : undefined;
}
