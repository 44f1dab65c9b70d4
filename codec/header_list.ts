/**
 * Header lists as both message directions encode them: a u16 count, then for each header a
 * name (a u16 code 0xA0xx from the direction's table, or a string) and a string value.
 * Shared by FORWARD_REQUEST and SEND_HEADERS (H ajp_header.c; T AjpMessage).
 * @module
 */
import type { ByteReader } from "./byte_reader.ts";
import type { ByteWriter } from "./byte_writer.ts";
import { AjpEncodeError, AjpProtocolError } from "./errors.ts";
import {
  HEADER_CODE_BASE,
  HEADER_CODE_MARK,
  MAX_HEADER_NAME_LENGTH,
  MIN_HEADER_BYTES,
} from "./constants.ts";
import { hex16 } from "./hex.ts";
import type { HeaderPair } from "./types.ts";

/** Names (exactly as in `table`) to their codes. */
export function headerCodeMap(table: readonly string[]): ReadonlyMap<string, number> {
  return new Map(table.map((name, i) => [name, HEADER_CODE_BASE + i]));
}

/**
 * Writes a header list: the count, then each name as its code (`codeOf` gives 0 when it has
 * none) or as a string, and each value.
 */
export function writeHeaderList(
  w: ByteWriter,
  headers: readonly (readonly [string, string])[],
  codeOf: (name: string) => number,
): void {
  w.u16(headers.length, "header count");
  for (let i = 0; i < headers.length; i++) {
    const header = headers[i];
    const name = header[0];
    const code = codeOf(name);
    if (code !== 0) {
      w.u16(code, "header code");
    } else {
      if (name.length > MAX_HEADER_NAME_LENGTH) {
        throw new AjpEncodeError(
          "invalid",
          `header name of ${name.length} bytes cannot be sent; AJP reads 0xA0xx as a header code`,
        );
      }
      w.string(name, "header name");
    }
    w.string(header[1], "header value");
  }
}

/**
 * Reads a header list, decoding codes with `table` (REQUEST_HEADERS or RESPONSE_HEADERS).
 * The count is checked against the bytes left before anything is allocated.
 */
export function readHeaderList(
  r: ByteReader,
  table: readonly string[],
  direction: "request" | "response",
): HeaderPair[] {
  const countAt = r.offset;
  const count = r.u16("header count");
  if (count * MIN_HEADER_BYTES > r.remaining) {
    throw new AjpProtocolError(
      `header count ${count} at offset ${countAt} cannot fit in the ${r.remaining} bytes left`,
    );
  }
  const headers: HeaderPair[] = [];
  for (let i = 0; i < count; i++) {
    const at = r.offset;
    const n = r.u16("header name");
    let name: string;
    if (n >>> 8 === HEADER_CODE_MARK) {
      const known = table[n - HEADER_CODE_BASE];
      if (known === undefined) {
        throw new AjpProtocolError(`unknown ${direction} header code ${hex16(n)} at offset ${at}`);
      }
      name = known;
    } else {
      const s = r.stringOfLength(n, at, "header name");
      if (s === null) throw new AjpProtocolError(`header name at offset ${at} is null`);
      name = s;
    }
    headers.push([name, r.requiredString("header value")]);
  }
  return headers;
}
