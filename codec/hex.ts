/**
 * Hex formatting of codes for error messages, e.g. `0x11` or `0x4142`.
 * @module
 */

/** Formats a byte as `0x0a`. */
export function hex8(n: number): string {
  return "0x" + n.toString(16).padStart(2, "0");
}

/** Formats a u16 as `0x4142`. */
export function hex16(n: number): string {
  return "0x" + n.toString(16).padStart(4, "0");
}
