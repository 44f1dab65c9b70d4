/**
 * Reads a small request body whole before a backend socket is taken, so that a client
 * that dawdles over its body holds no backend socket meanwhile. Bodies up to `limit` bytes
 * (default 64 KiB) come back as a finished stream with their exact length; a larger one
 * comes back as the bytes read so far followed by the rest of the client stream. A client
 * that sends nothing for `timeoutMs` gets 408; with `timeoutMs` null the stream's own deadline
 * is relied on (the plain listener's body fails by itself), and no timer is armed per read.
 * @module
 */
import { GatewayError } from "./errors.ts";

/** Result of {@link preRead}. */
export interface PreRead {
  stream: ReadableStream<Uint8Array>;
  /** The whole body's length when it was read to its end, else null. */
  length: number | null;
}

/** Default largest body read before a backend socket is taken. */
export const PRE_READ_DEFAULT = 65536;

/** See module doc. */
export async function preRead(
  body: ReadableStream<Uint8Array>,
  limit: number,
  timeoutMs: number | null,
): Promise<PreRead> {
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  let ended = false;
  while (total <= limit) {
    let r: ReadableStreamReadResult<Uint8Array>;
    try {
      r = timeoutMs === null ? await reader.read() : await readWithin(reader, timeoutMs);
    } catch (err) {
      reader.cancel(err).catch(() => {});
      throw err;
    }
    if (r.done) {
      ended = true;
      break;
    }
    chunks.push(r.value);
    total += r.value.length;
  }
  let i = 0;
  const stream = new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (i < chunks.length) {
        controller.enqueue(chunks[i]);
        chunks[i++] = new Uint8Array(0);
        return;
      }
      if (ended) return controller.close();
      const r = await reader.read();
      if (r.done) controller.close();
      else controller.enqueue(r.value);
    },
    cancel(reason) {
      return reader.cancel(reason);
    },
  }, { highWaterMark: 0 });
  return { stream, length: ended ? total : null };
}

/** One read, failed with 408 when nothing comes for `timeoutMs`. */
async function readWithin(
  reader: ReadableStreamDefaultReader<Uint8Array>,
  timeoutMs: number,
): Promise<ReadableStreamReadResult<Uint8Array>> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new GatewayError(
            "request_timeout",
            `request body: no data from the client for ${timeoutMs} ms`,
          ),
        ),
      timeoutMs,
    );
  });
  try {
    return await Promise.race([reader.read(), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
