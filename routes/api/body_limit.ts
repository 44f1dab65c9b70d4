/**
 * Middleware that caps request bodies (default 1 MiB) without buffering them: a declared
 * Content-Length over the limit is refused before reading; otherwise the body is replaced
 * by a counting stream, and whatever the handler answered becomes 413 if it overflowed.
 * @module
 */
import type { MiddlewareHandler } from "hono";
import { limitedBytes } from "./limited_bytes.ts";
import { ApiProblem } from "./problem.ts";

/** The management API's body limit: 1 MiB. */
export const API_BODY_LIMIT = 1024 * 1024;

/** See module doc. `limit` in bytes, default {@linkcode API_BODY_LIMIT}. */
export function bodyLimit(limit = API_BODY_LIMIT): MiddlewareHandler {
  const tooLarge = () =>
    new ApiProblem(413, `request body exceeds the limit of ${limit} bytes`, { limit });
  return async (c, next) => {
    const raw = c.req.raw;
    if (raw.body === null) return await next();
    const declared = Number(raw.headers.get("content-length") ?? NaN);
    if (declared > limit) throw tooLarge();
    let overflowed = false;
    const body = raw.body.pipeThrough(limitedBytes(limit, () => overflowed = true));
    // duplex "half" is required for a streamed body; Deno's RequestInit type lacks it
    c.req.raw = new Request(raw, { body, duplex: "half" } as RequestInit);
    await next();
    // the JSON validator reports any read failure as malformed JSON: say what it was
    if (overflowed) c.res = tooLarge().toResponse();
  };
}
