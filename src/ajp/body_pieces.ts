/**
 * How a streamed response body is cut into the pieces handed to the client: body chunks
 * received from the backend are views into the socket buffer, coalesced and copied into one
 * array per piece, which the plain writer gives back for reuse (piece_pool.ts).
 * @module
 */
import { takePiece } from "../proxy/piece_pool.ts";

/**
 * The largest piece of response body handed to the client at once: up to 64 KiB within the
 * first MiB of a response, 16 KiB after that. Each piece is one write op in the runtime, so
 * large pieces serve the common response sizes with fewer of them (1 MiB GETs: ~10% more per
 * second than with 16 KiB pieces). But each piece is also a new buffer that V8 frees only at
 * its next young-generation collection, which comes after a fixed amount of JavaScript
 * allocation rather than of buffer bytes, so a long download keeps more dead bytes waiting
 * the larger its pieces: a 1 GiB download peaks at 103-105 MiB RSS with 16 KiB pieces
 * against 115-135 MiB with 64 KiB ones.
 */
export const PIECE_MAX = { first: 65536, later: 16384, firstBytes: 1 << 20 } as const;

/**
 * Removes the first `max` bytes (or all, if fewer) from `views` and returns them as one
 * array of their own (from the piece pool: a writer done with it may give it back); a view
 * split in two leaves its tail in place.
 */
export function takeBytes(views: Uint8Array[], max: number): Uint8Array<ArrayBuffer> {
  let size = 0;
  for (const v of views) size += v.length;
  const out = takePiece(Math.min(size, max));
  let off = 0;
  while (off < out.length) {
    const v = views[0];
    const n = Math.min(v.length, out.length - off);
    out.set(n === v.length ? v : v.subarray(0, n), off);
    off += n;
    if (n === v.length) views.shift();
    else views[0] = v.subarray(n);
  }
  return out;
}
