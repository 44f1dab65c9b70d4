/**
 * Joining byte arrays: one new array holding the parts in order (always a copy, also of a
 * single part, so the result never aliases a buffer that is reused later).
 * @module
 */

/** The parts, in order, in one new array. */
export function concatBytes(parts: readonly Uint8Array[]): Uint8Array<ArrayBuffer> {
  let size = 0;
  for (const p of parts) size += p.length;
  const out = new Uint8Array(size);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
