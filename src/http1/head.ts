/**
 * Parses an HTTP/1.x request head (request line and header fields, RFC 9112 3 and 5) from
 * bytes, strictly and with caps: a token method, a target without controls or spaces,
 * HTTP/1.0 or HTTP/1.1, header names that are tokens, no obs-fold, no bare CR, at most
 * `maxHeaders` fields. Pure: no I/O.
 * @module
 */

/** A parsed request head. */
export interface RequestHead {
  method: string;
  target: string;
  /** 0 for HTTP/1.0, 1 for HTTP/1.1. */
  minor: 0 | 1;
  headers: [string, string][];
}

/** Why a head was refused: the status to answer and a message safe for the client. */
export class HeadError extends Error {
  override readonly name = "HeadError";
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
// Visible ASCII plus obs-text; no controls, no spaces (RFC 9112 3.2).
const TARGET = /^[\x21-\x7e\x80-\xff]+$/;
// field-value: VCHAR, obs-text, SP and HTAB inside (RFC 9110 5.5); NUL, CR, LF refused.
const FIELD_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/;

/**
 * Index just past the blank line that ends a head in `buf[0..len)`, or -1 when it is not
 * complete yet. Leading empty lines before the request line are allowed (RFC 9112 2.2).
 */
export function headEnd(buf: Uint8Array, len: number, from = 0): number {
  for (let i = Math.max(from, 1); i < len; i++) {
    if (buf[i] !== 0x0a) continue;
    // "\n\n" or "\n\r\n"
    if (buf[i - 1] === 0x0a) return i + 1;
    if (buf[i - 1] === 0x0d && i >= 2 && buf[i - 2] === 0x0a) return i + 1;
  }
  return -1;
}

/** Parses the head in `bytes` (ending with its blank line). Throws HeadError. */
export function parseHead(bytes: Uint8Array, maxHeaders: number): RequestHead {
  let text = "";
  for (let i = 0; i < bytes.length; i += 8192) {
    text += String.fromCharCode(...bytes.subarray(i, Math.min(i + 8192, bytes.length)));
  }
  const lines = text.split("\n");
  let i = 0;
  // Lines end with CRLF or LF; a CR anywhere else is refused (RFC 9112 2.2).
  const line = (k: number) => {
    const l = lines[k];
    const bare = l.endsWith("\r") ? l.slice(0, -1) : l;
    if (bare.includes("\r")) throw new HeadError(400, "bare CR in request head");
    return bare;
  };
  while (i < lines.length && line(i) === "") i++;
  if (i >= lines.length) throw new HeadError(400, "empty request");
  const requestLine = line(i++);
  const parts = requestLine.split(" ");
  if (parts.length !== 3) throw new HeadError(400, "malformed request line");
  const [method, target, version] = parts;
  if (!TOKEN.test(method)) throw new HeadError(400, "malformed request method");
  if (!TARGET.test(target)) throw new HeadError(400, "malformed request target");
  let minor: 0 | 1;
  if (version === "HTTP/1.1") minor = 1;
  else if (version === "HTTP/1.0") minor = 0;
  else if (/^HTTP\/[0-9]\.[0-9]$/.test(version)) {
    throw new HeadError(505, `${version} is not supported; use HTTP/1.1`);
  } else throw new HeadError(400, "malformed HTTP version");
  const headers: [string, string][] = [];
  for (; i < lines.length; i++) {
    const l = line(i);
    if (l === "") break;
    if (l[0] === " " || l[0] === "\t") {
      throw new HeadError(400, "obsolete line folding in request head");
    }
    const colon = l.indexOf(":");
    const name = colon > 0 ? l.slice(0, colon) : "";
    if (!TOKEN.test(name)) throw new HeadError(400, "malformed header field name");
    const value = l.slice(colon + 1).trim();
    if (!FIELD_VALUE.test(value)) throw new HeadError(400, `invalid value in header ${name}`);
    if (headers.length >= maxHeaders) {
      throw new HeadError(431, `more than ${maxHeaders} request header fields`);
    }
    headers.push([name.toLowerCase(), value]);
  }
  return { method, target, minor, headers };
}
