/**
 * A minimal HTTP/1.1 client over a raw TCP socket, for requests `fetch` refuses to send
 * (TRACE, CONNECT-like tokens, both Content-Length and Transfer-Encoding, Expect) and for
 * knowing the client's own port. Sends `Connection: close` semantics: reads to EOF.
 * @module
 */

/** A parsed response. */
export interface RawResponse {
  status: number;
  headers: [string, string][];
  body: Uint8Array;
  /** Everything received, as Latin-1 text. */
  raw: string;
  /** The client socket's local port (what the backend should see as the remote port). */
  localPort: number;
}

const latin1 = (b: Uint8Array) => {
  let s = "";
  for (let i = 0; i < b.length; i += 8192) {
    s += String.fromCharCode(...b.subarray(i, Math.min(i + 8192, b.length)));
  }
  return s;
};

/** Sends `head` (request line + headers, CRLF-separated, without the blank line) and `body`. */
export async function rawRequest(
  port: number,
  head: string,
  body?: Uint8Array,
): Promise<RawResponse> {
  const conn = await Deno.connect({ hostname: "127.0.0.1", port });
  const localPort = (conn.localAddr as Deno.NetAddr).port;
  try {
    const bytes = Uint8Array.from(head + "\r\n\r\n", (c) => c.charCodeAt(0));
    await writeAll(conn, bytes);
    if (body) await writeAll(conn, body);
    const chunks: Uint8Array[] = [];
    const buf = new Uint8Array(65536);
    for (;;) {
      const n = await conn.read(buf).catch(() => null);
      if (n === null) break;
      chunks.push(buf.slice(0, n));
    }
    const all = new Uint8Array(chunks.reduce((a, c) => a + c.length, 0));
    let off = 0;
    for (const c of chunks) {
      all.set(c, off);
      off += c.length;
    }
    return { ...parseResponse(all), localPort };
  } finally {
    try {
      conn.close();
    } catch {
      // closed by the peer
    }
  }
}

async function writeAll(conn: Deno.Conn, bytes: Uint8Array) {
  let off = 0;
  while (off < bytes.length) off += await conn.write(bytes.subarray(off));
}

/** Parses the last final (non-1xx) response in `all`; bodies may be chunked. */
export function parseResponse(all: Uint8Array): Omit<RawResponse, "localPort"> {
  const raw = latin1(all);
  let start = 0;
  for (;;) {
    const end = raw.indexOf("\r\n\r\n", start);
    if (end < 0) return { status: 0, headers: [], body: new Uint8Array(0), raw };
    const lines = raw.slice(start, end).split("\r\n");
    const status = Number(lines[0].split(" ")[1]);
    if (status >= 100 && status < 200) {
      start = end + 4;
      continue;
    }
    const headers = lines.slice(1).map((l): [string, string] => {
      const i = l.indexOf(":");
      return [l.slice(0, i).trim().toLowerCase(), l.slice(i + 1).trim()];
    });
    let body = all.subarray(end + 4);
    if (headers.some(([n, v]) => n === "transfer-encoding" && /chunked/i.test(v))) {
      body = dechunk(body);
    }
    return { status, headers, body, raw };
  }
}

function dechunk(b: Uint8Array): Uint8Array {
  const out: number[] = [];
  let i = 0;
  const text = latin1(b);
  for (;;) {
    const eol = text.indexOf("\r\n", i);
    if (eol < 0) break;
    const size = parseInt(text.slice(i, eol), 16);
    if (!(size > 0)) break;
    for (let k = 0; k < size; k++) out.push(b[eol + 2 + k]);
    i = eol + 2 + size + 2;
  }
  return Uint8Array.from(out);
}
