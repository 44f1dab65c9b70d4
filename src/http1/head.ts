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

// tchar (RFC 9110 5.6.2), by byte value.
const TCHAR = new Uint8Array(256);
for (const c of "!#$%&'*+-.^_`|~0123456789") TCHAR[c.charCodeAt(0)] = 1;
for (let c = 0x41; c <= 0x5a; c++) TCHAR[c] = TCHAR[c + 0x20] = 1;

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

/**
 * Parses the head in `bytes` (ending with its blank line). Throws HeadError. Scans the
 * text once with character codes (no split, no regular expression per line): this runs
 * for every request.
 */
export function parseHead(bytes: Uint8Array, maxHeaders: number): RequestHead {
  const text = latin1(bytes);
  const len = text.length;
  let pos = 0;
  // Lines end with CRLF or LF (RFC 9112 2.2); the end of the line at `pos`, without its CR.
  let next = 0;
  const lineEnd = () => {
    const nl = text.indexOf("\n", pos);
    const end = nl < 0 ? len : nl;
    next = end + 1;
    return end > pos && text.charCodeAt(end - 1) === 0x0d ? end - 1 : end;
  };
  let end = lineEnd();
  // Leading empty lines before the request line are allowed (RFC 9112 2.2).
  while (end === pos && next < len) {
    pos = next;
    end = lineEnd();
  }
  if (end === pos) throw new HeadError(400, "empty request");
  // request-line = method SP request-target SP HTTP-version (RFC 9112 3)
  const sp1 = text.indexOf(" ", pos);
  checkNoCr(text, pos, end);
  const sp2 = sp1 < 0 ? -1 : text.indexOf(" ", sp1 + 1);
  const sp3 = sp2 < 0 ? -1 : text.indexOf(" ", sp2 + 1);
  if (sp1 === pos || sp2 < 0 || sp2 >= end || (sp3 >= 0 && sp3 < end)) {
    throw new HeadError(400, "malformed request line");
  }
  for (let i = pos; i < sp1; i++) {
    if (TCHAR[text.charCodeAt(i)] !== 1) throw new HeadError(400, "malformed request method");
  }
  if (sp2 === sp1 + 1) throw new HeadError(400, "malformed request line");
  // Visible ASCII plus obs-text; no controls, no spaces (RFC 9112 3.2).
  for (let i = sp1 + 1; i < sp2; i++) {
    const c = text.charCodeAt(i);
    if (c <= 0x20 || c === 0x7f) throw new HeadError(400, "malformed request target");
  }
  const method = text.slice(pos, sp1);
  const target = text.slice(sp1 + 1, sp2);
  const version = text.slice(sp2 + 1, end);
  let minor: 0 | 1;
  if (version === "HTTP/1.1") minor = 1;
  else if (version === "HTTP/1.0") minor = 0;
  else if (/^HTTP\/[0-9]\.[0-9]$/.test(version)) {
    throw new HeadError(505, `${version} is not supported; use HTTP/1.1`);
  } else throw new HeadError(400, "malformed HTTP version");
  const headers: [string, string][] = [];
  for (;;) {
    pos = next;
    if (pos >= len) break;
    end = lineEnd();
    if (end === pos) break;
    checkNoCr(text, pos, end);
    const first = text.charCodeAt(pos);
    if (first === 0x20 || first === 0x09) {
      throw new HeadError(400, "obsolete line folding in request head");
    }
    let colon = pos;
    while (colon < end && TCHAR[text.charCodeAt(colon)] === 1) colon++;
    if (colon === pos || colon === end || text.charCodeAt(colon) !== 0x3a) {
      throw new HeadError(400, "malformed header field name");
    }
    // field-value: VCHAR, obs-text, SP and HTAB inside (RFC 9110 5.5), OWS around it.
    let from = colon + 1;
    let to = end;
    while (from < to && isOws(text.charCodeAt(from))) from++;
    while (to > from && isOws(text.charCodeAt(to - 1))) to--;
    for (let i = from; i < to; i++) {
      const c = text.charCodeAt(i);
      if ((c < 0x20 && c !== 0x09) || c === 0x7f) {
        throw new HeadError(400, `invalid value in header ${text.slice(pos, colon)}`);
      }
    }
    if (headers.length >= maxHeaders) {
      throw new HeadError(431, `more than ${maxHeaders} request header fields`);
    }
    headers.push([text.slice(pos, colon).toLowerCase(), text.slice(from, to)]);
  }
  return { method, target, minor, headers };
}

function isOws(c: number): boolean {
  return c === 0x20 || c === 0x09;
}

/** A CR is allowed only right before LF (RFC 9112 2.2). */
function checkNoCr(text: string, from: number, to: number) {
  const cr = text.indexOf("\r", from);
  if (cr >= 0 && cr < to) throw new HeadError(400, "bare CR in request head");
}

/** The bytes as a string, one character per byte. */
function latin1(bytes: Uint8Array): string {
  if (bytes.length <= 8192) return String.fromCharCode.apply(null, bytes as unknown as number[]);
  let text = "";
  for (let i = 0; i < bytes.length; i += 8192) {
    text += String.fromCharCode.apply(
      null,
      bytes.subarray(i, Math.min(i + 8192, bytes.length)) as unknown as number[],
    );
  }
  return text;
}
