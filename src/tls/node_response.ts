/**
 * Writes a web `Response` to a node:http(s) server response (HTTP/1.x): status, headers
 * (each Set-Cookie as its own field), then the body pulled one chunk at a time, waiting for
 * 'drain' whenever `write()` returns false. A body that fails after the headers went out
 * aborts the response (the connection is destroyed, so the client sees a truncated body);
 * no error text is ever written into a started body.
 * When the client goes away first, the body stream is cancelled so its producer (the AJP
 * exchange) lets go of the backend socket.
 * @module
 */
import type { ServerResponse } from "node:http";

/** A response from node:http(s) (HTTP/1.x; the client-certificate front offers no HTTP/2). */
export type NodeServerResponse = ServerResponse;

/** How a response ended. */
export type ResponseOutcome = "finished" | "client_gone" | "aborted";

// Connection-specific fields: node frames HTTP/1.1 itself.
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
  try {
    writeHead(res, response, options.close);
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
      if (!res.write(chunk.value)) await drainedOrEnded(res);
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

function writeHead(res: NodeServerResponse, response: Response, close: boolean): void {
  const fields: Record<string, string | string[]> = {};
  for (const [name, value] of response.headers) {
    if (name === "set-cookie" || CONNECTION_FIELDS.has(name)) continue;
    fields[name] = value;
  }
  const cookies = response.headers.getSetCookie();
  if (cookies.length > 0) fields["set-cookie"] = cookies;
  if (close) fields["connection"] = "close";
  if (response.statusText) res.writeHead(response.status, response.statusText, fields);
  else res.writeHead(response.status, fields);
}

function flushHeaders(res: NodeServerResponse): void {
  res.flushHeaders();
}

/** Ends the response abnormally so the client cannot take a truncated body as complete. */
function abort(res: NodeServerResponse): void {
  res.destroy();
}

/** Watches how a response ends. */
export interface EndWatch {
  /** Settles when the response finished or its connection closed. */
  ended: Promise<ResponseOutcome>;
  /** The connection closed before the response finished. */
  gone(): boolean;
}

/**
 * Starts watching `res`: 'close' before 'finish' means the client went away.
 */
export function watchEnd(res: NodeServerResponse): EndWatch {
  let finished = false;
  let closed = false;
  const ended = new Promise<ResponseOutcome>((resolve) => {
    res.once("finish", () => {
      finished = true;
      resolve("finished");
    });
    res.once("close", () => {
      closed = true;
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
