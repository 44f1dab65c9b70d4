/**
 * Marks on a `Response` for the plain listener's writer. A response whose whole body is
 * known when it is made (a small answer that arrived in one read) is sent in one write
 * without asking the `Response` for a stream or iterating its `Headers` (which sorts and
 * copies them): making and reading that stream cost about a tenth of the JavaScript
 * allocation of a small proxied GET. A streamed response may carry the length its backend
 * declared, which the writer frames it by (and keeps to) instead of chunking it; the
 * declared length is not a header of the `Response`, so no other consumer relies on it.
 * @module
 */

const WHOLE: unique symbol = Symbol("whole body");
const DECLARED: unique symbol = Symbol("declared length");

interface Marked {
  [WHOLE]?: { body: Uint8Array; headers: readonly (readonly [string, string])[] };
  [DECLARED]?: number;
}

/**
 * `new Response(body, { status, headers })`, marked as whole. `headers` are lower-cased
 * pairs; the `Response` checks them (a TypeError on one the Fetch API refuses).
 */
export function wholeBodyResponse(
  body: Uint8Array<ArrayBuffer>,
  status: number,
  headers: readonly (readonly [string, string])[],
): Response {
  const res = new Response(body, { status, headers: headers as [string, string][] });
  (res as Marked)[WHOLE] = { body, headers };
  return res;
}

/** The body of a response made by {@link wholeBodyResponse}, else undefined. */
export function wholeBodyOf(res: Response): Uint8Array | undefined {
  return (res as Marked)[WHOLE]?.body;
}

/**
 * The header pairs a response made by {@link wholeBodyResponse} was made with, in their
 * order and with repeated names kept apart; else the response's `Headers`.
 */
export function headerPairsOf(res: Response): Iterable<readonly [string, string]> {
  return (res as Marked)[WHOLE]?.headers ?? res.headers;
}

/** Marks a streamed response with the body length its backend declared; returns it. */
export function declareLength(res: Response, length: number): Response {
  (res as Marked)[DECLARED] = length;
  return res;
}

/** The length given to {@link declareLength}, else undefined. */
export function declaredLengthOf(res: Response): number | undefined {
  return (res as Marked)[DECLARED];
}
