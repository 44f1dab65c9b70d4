/**
 * HTTP methods on the wire: 27 methods have a one-byte code, any other token is sent as
 * 0xFF plus the stored-method attribute 0x0D (H ajp_header.c; T Constants.methodTransArray).
 * @module
 */

import { METHODS, STORED_METHOD_CODE } from "./constants.ts";

const METHOD_CODES: ReadonlyMap<string, number> = new Map(METHODS.map((m, i) => [m, i + 1]));

/** tchar of RFC 9110 §5.6.2: ALPHA, DIGIT and ``!#$%&'*+-.^_`|~``; indexed by char code. */
const TCHAR = new Uint8Array(128);
for (const c of "!#$%&'*+-.^_`|~0123456789") TCHAR[c.charCodeAt(0)] = 1;
for (let c = 0x41; c <= 0x5a; c++) TCHAR[c] = TCHAR[c + 0x20] = 1;

/**
 * True if `s` is an HTTP token (RFC 9110 `method = token`): one or more tchars. Tomcat does not
 * validate stored method names, so the gateway must (design §1, method codes).
 */
export function isValidMethodToken(s: string): boolean {
  const len = s.length;
  if (len === 0) return false;
  for (let i = 0; i < len; i++) {
    const c = s.charCodeAt(i);
    if (c >= 128 || TCHAR[c] === 0) return false;
  }
  return true;
}

/**
 * The method byte for `method`: 1-27 for the coded methods (case-sensitive, as HTTP methods
 * are), else {@link STORED_METHOD_CODE} 0xFF. It does not check that `method` is a token.
 *
 * @example
 * ```ts
 * methodCode("GET"); // 2
 * methodCode("PATCH"); // 0xff
 * ```
 */
export function methodCode(method: string): number {
  return METHOD_CODES.get(method) ?? STORED_METHOD_CODE;
}
