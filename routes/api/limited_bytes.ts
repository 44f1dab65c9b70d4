/**
 * A byte-counting limit for streamed bodies: passes chunks through while the total stays
 * within the limit and errors the stream as soon as it goes past, so nothing beyond the
 * limit is ever held.
 * @module
 */

/** The error a {@linkcode limitedBytes} stream fails with. */
export class BodyTooLargeError extends Error {
  override name = "BodyTooLargeError";

  constructor(readonly limit: number) {
    super(`request body exceeds ${limit} bytes`);
  }
}

/**
 * A TransformStream that errors with {@linkcode BodyTooLargeError} once more than `limit`
 * bytes went through, after calling `onOverflow` (which lets a caller learn why a reader
 * of the stream failed even when that reader swallows the error).
 *
 * @example
 * const limited = request.body!.pipeThrough(limitedBytes(1024 * 1024));
 */
export function limitedBytes(
  limit: number,
  onOverflow: () => void = () => {},
): TransformStream<Uint8Array, Uint8Array> {
  let seen = 0;
  return new TransformStream({
    transform(chunk, controller) {
      seen += chunk.byteLength;
      if (seen > limit) {
        onOverflow();
        controller.error(new BodyTooLargeError(limit));
        return;
      }
      controller.enqueue(chunk);
    },
  });
}
