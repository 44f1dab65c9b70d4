/**
 * Reusable buffers for streamed response-body pieces. A piece handed to a client writer is
 * garbage once written, and V8 frees its memory only at the next young-generation
 * collection, which comes after an amount of JavaScript allocation, not of buffer bytes: the
 * larger the young generation, the more dead piece bytes a long download keeps (1 GiB
 * through a 32 MiB semi-space peaked at 198 MiB RSS once). A writer that is done with a
 * piece gives it back here and the next piece reuses its memory, so a download's footprint
 * no longer depends on when the collector runs.
 *
 * Only buffers made here are taken back, each once per loan: a buffer given back twice, or
 * one this pool never lent, is ignored, so no two pieces can ever share memory. Pieces
 * smaller than {@link POOLED_MIN} are plain arrays (a small event-stream message should not
 * hold 16 KiB), and at most {@link KEPT_PER_SIZE} free buffers of each size are kept.
 * @module
 */

/** Pieces of at least this many bytes come from the pool. */
export const POOLED_MIN = 4096;
/** The two buffer sizes lent (pieces are at most 64 KiB, see body_pieces.ts). */
const SIZES = [16384, 65536] as const;
/** Free buffers kept per size: 64 x (16 + 64) KiB = 5 MiB at most. */
export const KEPT_PER_SIZE = 64;

const free: ArrayBuffer[][] = SIZES.map(() => []);
/** Buffers out on loan; giving one back removes it, so a second give is ignored. */
const lent = new WeakSet<ArrayBuffer>();

/** An array of `n` bytes for a piece; a reused one holds old bytes, so fill all `n`. */
export function takePiece(n: number): Uint8Array<ArrayBuffer> {
  if (n < POOLED_MIN || n > SIZES[SIZES.length - 1]) return new Uint8Array(n);
  const k = n <= SIZES[0] ? 0 : 1;
  const buf = free[k].pop() ?? new ArrayBuffer(SIZES[k]);
  lent.add(buf);
  return new Uint8Array(buf, 0, n);
}

/**
 * Gives a written piece's memory back for reuse. The caller must not read or write `piece`
 * afterwards; anything not lent by {@link takePiece} is left alone.
 */
export function givePiece(piece: Uint8Array): void {
  const buf = piece.buffer;
  if (!(buf instanceof ArrayBuffer) || !lent.has(buf)) return;
  lent.delete(buf);
  const k = SIZES.indexOf(buf.byteLength as typeof SIZES[number]);
  if (k >= 0 && free[k].length < KEPT_PER_SIZE) free[k].push(buf);
}

/** Free buffers held, per size (for tests). */
export function freePieces(): number[] {
  return free.map((f) => f.length);
}
