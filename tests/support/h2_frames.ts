/**
 * A hand-written HTTP/2 client over TLS for abuse tests: raw frames (RFC 9113) and HPACK
 * literals without Huffman or indexing (RFC 7541), so the test process sends exactly the
 * sequence under test and uses no nghttp2 of its own. Frames from the server are read and
 * counted in the background so the server never blocks on a full window.
 * @module
 */

const PREFACE = new TextEncoder().encode("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n");

/** Frame types (RFC 9113 6). */
export const FRAME = {
  DATA: 0x0,
  HEADERS: 0x1,
  RST_STREAM: 0x3,
  SETTINGS: 0x4,
  PING: 0x6,
  GOAWAY: 0x7,
  WINDOW_UPDATE: 0x8,
} as const;

/** One frame: 9-byte header then the payload. */
export function frame(type: number, flags: number, streamId: number, payload = new Uint8Array()) {
  const out = new Uint8Array(9 + payload.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, payload.length << 8);
  out[3] = type;
  out[4] = flags;
  view.setUint32(5, streamId & 0x7fffffff);
  out.set(payload, 9);
  return out;
}

/** HEADERS with END_HEADERS (and END_STREAM) for GET `path` at `authority`. */
export function getHeaders(streamId: number, authority: string, path: string): Uint8Array {
  const enc = new TextEncoder();
  const literal = (nameIndex: number, value: string) => {
    const bytes = enc.encode(value);
    if (bytes.length > 126) throw new Error("value too long for this encoder");
    // Literal Header Field without Indexing, indexed name (RFC 7541 6.2.2), 4-bit prefix.
    return [nameIndex, bytes.length, ...bytes];
  };
  // Static table: 2 = :method GET, 7 = :scheme https; names 1 = :authority, 4 = :path.
  const block = Uint8Array.from([0x82, 0x87, ...literal(1, authority), ...literal(4, path)]);
  return frame(FRAME.HEADERS, 0x1 | 0x4, streamId, block);
}

/** RST_STREAM with `code` (8 = CANCEL). */
export function rstStream(streamId: number, code = 8): Uint8Array {
  const p = new Uint8Array(4);
  new DataView(p.buffer).setUint32(0, code);
  return frame(FRAME.RST_STREAM, 0, streamId, p);
}

/** GOAWAY naming `lastStreamId`, with `code` (0 = NO_ERROR). */
export function goaway(lastStreamId: number, code = 0): Uint8Array {
  const p = new Uint8Array(8);
  const v = new DataView(p.buffer);
  v.setUint32(0, lastStreamId);
  v.setUint32(4, code);
  return frame(FRAME.GOAWAY, 0, 0, p);
}

/** A raw HTTP/2 connection: send frames, watch what the server sends. */
export interface RawH2 {
  send(bytes: Uint8Array): Promise<void>;
  /** DATA payload bytes received so far, per stream. */
  readonly dataBytes: Map<number, number>;
  /** Frame types received so far, in order. */
  readonly received: number[];
  /** Resolves when the server has closed the connection (or it failed). */
  readonly closed: Promise<void>;
  close(): void;
}

/**
 * Connects with ALPN "h2", sends the preface and an empty SETTINGS, acknowledges the server's
 * SETTINGS, and reads frames in the background.
 */
export async function connectRawH2(port: number, caCert: string): Promise<RawH2> {
  const conn = await Deno.connectTls({
    hostname: "127.0.0.1",
    port,
    caCerts: [caCert],
    alpnProtocols: ["h2"],
  });
  const info = await conn.handshake();
  if (info.alpnProtocol !== "h2") {
    conn.close();
    throw new Error(`server chose ALPN ${info.alpnProtocol}, not h2`);
  }
  const send = async (bytes: Uint8Array) => {
    for (let at = 0; at < bytes.length;) at += await conn.write(bytes.subarray(at));
  };
  const dataBytes = new Map<number, number>();
  const received: number[] = [];
  const closed = (async () => {
    let pending = new Uint8Array(0);
    const buf = new Uint8Array(64 * 1024);
    for (;;) {
      const n = await conn.read(buf);
      if (n === null) return;
      const joined = new Uint8Array(pending.length + n);
      joined.set(pending);
      joined.set(buf.subarray(0, n), pending.length);
      let at = 0;
      while (joined.length - at >= 9) {
        const len = (joined[at] << 16) | (joined[at + 1] << 8) | joined[at + 2];
        if (joined.length - at < 9 + len) break;
        const type = joined[at + 3];
        const flags = joined[at + 4];
        const stream = new DataView(joined.buffer, at + 5, 4).getUint32(0) & 0x7fffffff;
        received.push(type);
        if (type === FRAME.DATA) {
          dataBytes.set(stream, (dataBytes.get(stream) ?? 0) + len);
          // Keep the windows open so a large response keeps coming.
          if (len > 0) await send(windowUpdates(stream, len));
        }
        if (type === FRAME.SETTINGS && (flags & 0x1) === 0) {
          await send(frame(FRAME.SETTINGS, 0x1, 0));
        }
        at += 9 + len;
      }
      pending = joined.slice(at);
    }
  })().catch(() => {});
  await send(PREFACE);
  await send(frame(FRAME.SETTINGS, 0, 0));
  return {
    send,
    dataBytes,
    received,
    closed,
    close: () => {
      try {
        conn.close();
      } catch { /* closed already */ }
    },
  };
}

function windowUpdates(stream: number, len: number): Uint8Array {
  const inc = new Uint8Array(4);
  new DataView(inc.buffer).setUint32(0, len);
  const a = frame(FRAME.WINDOW_UPDATE, 0, 0, inc);
  const b = frame(FRAME.WINDOW_UPDATE, 0, stream, inc);
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}
