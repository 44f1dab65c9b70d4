/**
 * The codec's two error types. Decoding errors blame the peer that sent the bytes; encoding
 * errors blame the value being sent, and say whether it was too big for the packet (which the
 * gateway answers with 431) or could never be encoded at all.
 * @module
 */

/** Malformed input from a peer: bad magic, a length past the packet, a missing NUL, an unknown code. */
export class AjpProtocolError extends Error {
  override readonly name = "AjpProtocolError";
}

/**
 * Why a value could not be encoded: `overflow` when the message does not fit in the packet,
 * `invalid` when no packet could carry it (a character above 0xFF, a string longer than 0xFFFE
 * bytes, a method that is not a token, a header name of 0xA000 bytes or more).
 */
export type AjpEncodeErrorReason = "overflow" | "invalid";

/** A message or value that cannot be encoded; see {@link AjpEncodeErrorReason}. */
export class AjpEncodeError extends Error {
  override readonly name = "AjpEncodeError";
  readonly reason: AjpEncodeErrorReason;

  constructor(reason: AjpEncodeErrorReason, message: string) {
    super(message);
    this.reason = reason;
  }
}
