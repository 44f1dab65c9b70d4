/**
 * Middleware that keeps JSON parsing of API bodies cheap and bounded: the body (already
 * capped by `bodyLimit`) is read, its nesting depth counted on the bytes before any parse
 * (deeper than `maxDepth`, default 32, is a 400), and at most `concurrency` (default 4)
 * requests are parsed and handled at once; up to `queue` (default 64) more wait, the rest
 * get 503. A body of `[` x 500,000 would otherwise cost gigabytes in the parser.
 * @module
 */
import type { MiddlewareHandler } from "hono";
import { ApiProblem } from "./problem.ts";

/** Options of {@link jsonGuard}. */
export interface JsonGuardOptions {
  maxDepth?: number;
  concurrency?: number;
  queue?: number;
}

/**
 * True when the JSON text in `bytes` nests arrays or objects deeper than `max`. Brackets
 * inside strings do not count; the text need not be valid (the parser judges that later).
 */
export function nestsDeeperThan(bytes: Uint8Array, max: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i];
    if (inString) {
      if (b === 0x5c) i++; // backslash: skip the escaped byte
      else if (b === 0x22) inString = false;
    } else if (b === 0x22) inString = true;
    else if (b === 0x5b || b === 0x7b) {
      if (++depth > max) return true;
    } else if (b === 0x5d || b === 0x7d) depth--;
  }
  return false;
}

/** See module doc. */
export function jsonGuard(options: JsonGuardOptions = {}): MiddlewareHandler {
  const maxDepth = options.maxDepth ?? 32;
  const concurrency = options.concurrency ?? 4;
  const queueCap = options.queue ?? 64;
  let running = 0;
  const waiting: (() => void)[] = [];
  const acquire = async () => {
    if (running < concurrency) {
      running++;
      return;
    }
    if (waiting.length >= queueCap) {
      throw new ApiProblem(503, "too many API requests with bodies at once; retry shortly");
    }
    await new Promise<void>((resolve) => waiting.push(resolve));
  };
  const release = () => {
    const next = waiting.shift();
    if (next) next();
    else running--;
  };
  return async (c, next) => {
    const raw = c.req.raw;
    if (raw.body === null) return await next();
    let bytes: Uint8Array<ArrayBuffer>;
    try {
      bytes = new Uint8Array(await raw.arrayBuffer());
    } catch {
      // bodyLimit answers an overflow with 413 after the handler has run
      c.req.raw = new Request(raw, { body: "" });
      return await next();
    }
    if (nestsDeeperThan(bytes, maxDepth)) {
      throw new ApiProblem(400, `JSON nests deeper than ${maxDepth} levels`, { maxDepth });
    }
    await acquire();
    try {
      c.req.raw = new Request(raw, { body: bytes });
      await next();
    } finally {
      release();
    }
  };
}
