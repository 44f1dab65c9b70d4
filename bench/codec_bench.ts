/**
 * Microbenchmarks of the AJP13 codec on the gateway's hot paths: encoding a FORWARD_REQUEST,
 * decoding SEND_HEADERS, and framing a 1 MiB response body of SEND_BODY_CHUNKs (and the
 * request-body packets of an upload). Run with `deno task bench` or
 * `deno bench bench/codec_bench.ts`; no permissions are needed.
 * @module
 */

import {
  concatBytes,
  decodeContainerMessage,
  encodeBodyPacket,
  encodeContainerMessage,
  encodeForwardRequest,
  type ForwardRequest,
  FrameReader,
  MAGIC_FROM_CONTAINER,
  type SendHeaders,
} from "../codec/mod.ts";

const MIB = 1 << 20;

/** A browser-like GET with 20 headers, 8 of them with AJP codes, and the usual attributes. */
const FORWARD: ForwardRequest = {
  method: "GET",
  protocol: "HTTP/1.1",
  reqUri: "/app/catalog/items/12345/details",
  remoteAddr: "192.0.2.17",
  remoteHost: null,
  serverName: "shop.example.com",
  serverPort: 443,
  isSsl: true,
  headers: [
    ["host", "shop.example.com"],
    ["user-agent", "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"],
    ["accept", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"],
    ["accept-language", "en-US,en;q=0.5"],
    ["accept-encoding", "gzip, deflate, br, zstd"],
    ["referer", "https://shop.example.com/app/catalog?page=2&sort=price"],
    ["cookie", "JSESSIONID=8F2A4C1D9E7B6A5F4E3D2C1B0A998877.t1; theme=dark; consent=1"],
    ["connection", "keep-alive"],
    ["upgrade-insecure-requests", "1"],
    ["sec-fetch-dest", "document"],
    ["sec-fetch-mode", "navigate"],
    ["sec-fetch-site", "same-origin"],
    ["sec-fetch-user", "?1"],
    ["priority", "u=0, i"],
    ["cache-control", "max-age=0"],
    ["x-request-id", "5f0c6f5e-8a0b-4f3e-9d55-1c2b3a4d5e6f"],
    ["x-forwarded-for", "192.0.2.17"],
    ["x-forwarded-proto", "https"],
    ["x-forwarded-host", "shop.example.com"],
    ["dnt", "1"],
  ],
  attributes: {
    queryString: "variant=blue&size=m",
    secret: "0123456789abcdef0123456789abcdef",
    requestAttributes: [["AJP_REMOTE_PORT", "51234"], ["AJP_LOCAL_ADDR", "10.0.0.2"]],
  },
};

/** A typical Tomcat answer with 10 headers, as Tomcat would encode it. */
const SEND_HEADERS: SendHeaders = {
  type: "SEND_HEADERS",
  status: 200,
  reason: "OK",
  headers: [
    ["Content-Type", "text/html;charset=UTF-8"],
    ["Content-Length", "48213"],
    ["Set-Cookie", "JSESSIONID=8F2A4C1D9E7B6A5F4E3D2C1B0A998877.t1; Path=/app; HttpOnly"],
    ["Cache-Control", "no-cache, no-store, must-revalidate"],
    ["Date", "Sun, 22 Nov 2026 02:21:00 GMT"],
    ["Vary", "Accept-Encoding"],
    ["X-Frame-Options", "SAMEORIGIN"],
    ["X-Content-Type-Options", "nosniff"],
    ["Strict-Transport-Security", "max-age=31536000; includeSubDomains"],
    ["Content-Language", "en-US"],
  ],
};
const SEND_HEADERS_PAYLOAD = encodeContainerMessage(SEND_HEADERS).subarray(4);

/**
 * 1 MiB of response body as consecutive SEND_BODY_CHUNK packets of at most `packetSize`
 * bytes (a chunk carries packetSize - 8 data bytes: header 4, code 1, length 2, NUL 1).
 */
function bodyChunkStream(packetSize: number): Uint8Array {
  const perPacket = packetSize - 8;
  const data = new Uint8Array(MIB).map((_, i) => (i * 31 + 7) & 0xff);
  const packets: Uint8Array[] = [];
  for (let at = 0; at < data.length; at += perPacket) {
    const chunk = data.subarray(at, Math.min(at + perPacket, data.length));
    packets.push(encodeContainerMessage({ type: "SEND_BODY_CHUNK", data: chunk }, packetSize));
  }
  return concatBytes(packets);
}

const STREAM_8K = bodyChunkStream(8192);
const STREAM_64K = bodyChunkStream(65536);

/**
 * Frames and decodes `stream` with the reader the AJP link uses: each socket read of up to
 * 64 KiB lands in the reader's free space, then the whole packets are taken as views.
 */
function frameInPlace(stream: Uint8Array, packetSize: number): number {
  const reader = new FrameReader(MAGIC_FROM_CONTAINER, packetSize);
  let total = 0;
  for (let at = 0; at < stream.length;) {
    const room = reader.space();
    const n = Math.min(room.length, 65536, stream.length - at);
    room.set(stream.subarray(at, at + n));
    reader.filled(n);
    at += n;
    for (let p = reader.next(); p !== null; p = reader.next()) {
      const msg = decodeContainerMessage(p);
      if (msg.type === "SEND_BODY_CHUNK") total += msg.data.length;
    }
  }
  if (total !== MIB) throw new Error(`framed ${total} bytes, expected ${MIB}`);
  return total;
}

const out8k = new Uint8Array(8192);
const out64k = new Uint8Array(65536);
const upload = new Uint8Array(MIB);

Deno.bench({
  name: "encode FORWARD_REQUEST, 20 headers",
  group: "messages",
  fn() {
    encodeForwardRequest(FORWARD, out8k);
  },
});

Deno.bench({
  name: "decode SEND_HEADERS, 10 headers",
  group: "messages",
  fn() {
    decodeContainerMessage(SEND_HEADERS_PAYLOAD);
  },
});

Deno.bench({
  name: "frame 1 MiB of SEND_BODY_CHUNKs, 8 KiB packets, in place, 64 KiB reads",
  group: "body 1 MiB",
  baseline: true,
  fn() {
    frameInPlace(STREAM_8K, 8192);
  },
});

Deno.bench({
  name: "frame 1 MiB of SEND_BODY_CHUNKs, 64 KiB packets, in place, 64 KiB reads",
  group: "body 1 MiB",
  fn() {
    frameInPlace(STREAM_64K, 65536);
  },
});

Deno.bench({
  name: "encode 1 MiB of request body packets, 8 KiB packets",
  group: "body 1 MiB",
  fn() {
    for (let at = 0; at < MIB; at += 8186) {
      encodeBodyPacket(upload.subarray(at, Math.min(at + 8186, MIB)), out8k);
    }
  },
});

Deno.bench({
  name: "encode 1 MiB of request body packets, 64 KiB packets",
  group: "body 1 MiB",
  fn() {
    for (let at = 0; at < MIB; at += 65530) {
      encodeBodyPacket(upload.subarray(at, Math.min(at + 65530, MIB)), out64k);
    }
  },
});
