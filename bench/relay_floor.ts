/**
 * The `deno-relay` front: the least an AJP front on the Deno runtime can do per request, as a
 * floor to read the gateway's figures against. `Deno.serve` (the runtime's own HTTP engine,
 * cheaper than any JavaScript server) takes the request; a FORWARD_REQUEST with only the
 * fields Tomcat needs, the whole request body and its end packet go out in one write on a
 * pooled socket (the body is read whole first: benchmark bodies are small); the response's
 * packets are read until END_RESPONSE, and what each read brought of the body is handed on as
 * one copy. It checks nothing, forwards no client headers but the body's length, has no
 * timeouts and no limits: it is not a proxy anyone could run, only a measure of what the
 * runtime and the wire cost. If this relay cannot reach a rate on this machine, no
 * gateway built on the same runtime can.
 * @module
 */

import {
  concatBytes,
  decodeContainerMessage,
  encodeBodyPacket,
  encodeForwardRequest,
  FrameReader,
  MAGIC_FROM_CONTAINER,
  maxBodyChunk,
} from "../codec/mod.ts";
import { optionValue, serveBench } from "./reference_server.ts";

/** Where the relay sends its requests. */
export interface RelayTarget {
  hostname: string;
  port: number;
  /** Tomcat's AJP packet size. */
  packetSize: number;
  secret: string;
}

/** A socket to Tomcat and the packets read from it. */
interface Link {
  readonly conn: Deno.TcpConn;
  readonly frames: FrameReader;
}

/** Every socket is reused; a response that fails takes its socket with it. */
export function createRelayHandler(target: RelayTarget): (req: Request) => Promise<Response> {
  const idle: Link[] = [];
  const out = new Uint8Array(target.packetSize);
  const chunk = maxBodyChunk(target.packetSize);

  const open = async (): Promise<Link> => {
    const conn = await Deno.connect({ hostname: target.hostname, port: target.port });
    conn.setNoDelay(true);
    return { conn, frames: new FrameReader(MAGIC_FROM_CONTAINER, target.packetSize) };
  };

  /**
   * Takes the buffered messages up to END_RESPONSE: body chunks go to `pieces` as views of the
   * read buffer (valid until the next read); returns END_RESPONSE's reuse flag, or null when
   * the response has not ended yet.
   */
  const drain = (link: Link, pieces: Uint8Array[]): boolean | null => {
    for (let p = link.frames.next(); p !== null; p = link.frames.next()) {
      const m = decodeContainerMessage(p);
      if (m.type === "END_RESPONSE") return m.reuse;
      if (m.type === "SEND_BODY_CHUNK" && m.data.length > 0) pieces.push(m.data);
    }
    return null;
  };

  /** The next message, reading the socket as needed. */
  const next = async (link: Link) => {
    for (;;) {
      const payload = link.frames.next();
      if (payload !== null) return decodeContainerMessage(payload);
      const n = await link.conn.read(link.frames.space());
      if (n === null) throw new Error("backend closed the connection");
      link.frames.filled(n);
    }
  };

  return async (req) => {
    const url = new URL(req.url);
    const body = req.body === null ? new Uint8Array(0) : new Uint8Array(await req.arrayBuffer());
    const headers: [string, string][] = [["host", url.host]];
    if (body.length > 0) headers.push(["content-length", String(body.length)]);
    const packets: Uint8Array[] = [];
    let n = encodeForwardRequest({
      method: req.method,
      protocol: "HTTP/1.1",
      reqUri: url.pathname,
      remoteAddr: "127.0.0.1",
      remoteHost: null,
      serverName: url.hostname,
      serverPort: Number(url.port),
      isSsl: url.protocol === "https:",
      headers,
      attributes: { queryString: url.search.slice(1) || undefined, secret: target.secret },
    }, out);
    packets.push(out.slice(0, n));
    for (let off = 0; off < body.length; off += chunk) {
      n = encodeBodyPacket(body.subarray(off, off + chunk), out);
      packets.push(out.slice(0, n));
    }
    if (body.length > 0) packets.push(out.slice(0, encodeBodyPacket(new Uint8Array(0), out)));

    const link = idle.pop() ?? await open();
    const all = packets.length === 1 ? packets[0] : concatBytes(packets);
    for (let off = 0; off < all.length;) off += await link.conn.write(all.subarray(off));

    // Tomcat's GET_BODY_CHUNKs are answered already: every body packet went out above.
    let msg = await next(link);
    while (msg.type === "GET_BODY_CHUNK") msg = await next(link);
    if (msg.type !== "SEND_HEADERS") throw new Error(`unexpected ${msg.type}`);
    const status = msg.status;
    const done = (reuse: boolean) => {
      if (reuse) idle.push(link);
      else link.conn.close();
    };
    // the common small answer: everything is buffered already
    const pieces: Uint8Array[] = [];
    const ended = drain(link, pieces);
    if (ended !== null) {
      const whole = concatBytes(pieces);
      done(ended);
      return new Response(whole, { status });
    }
    // Larger answers: each pull hands on what one read brought, as one copy.
    const stream = new ReadableStream<Uint8Array>({
      async pull(controller) {
        try {
          for (;;) {
            const ended = drain(link, pieces);
            if (pieces.length > 0) controller.enqueue(concatBytes(pieces.splice(0)));
            if (ended !== null) {
              done(ended);
              controller.close();
              return;
            }
            if (controller.desiredSize !== null && controller.desiredSize <= 0) return;
            const k = await link.conn.read(link.frames.space());
            if (k === null) throw new Error("backend closed the connection");
            link.frames.filled(k);
          }
        } catch (err) {
          link.conn.close();
          controller.error(err);
        }
      },
    });
    return new Response(stream, { status });
  };
}

if (import.meta.main) {
  const arg = (name: string) => optionValue(Deno.args, name);
  const [targetHost, targetPort] = (arg("--ajp") ?? "").split(":");
  const handler = createRelayHandler({
    hostname: targetHost,
    port: Number(targetPort),
    packetSize: Number(arg("--packet-size") ?? 8192),
    secret: arg("--secret") ?? "",
  });
  serveBench("relay", Deno.args, handler);
}
