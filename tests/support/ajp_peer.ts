/**
 * A scripted AJP13 container for faults Tomcat cannot produce on demand (malformed packets,
 * abrupt closes, silence). Listens on 127.0.0.1 on a free port; each accepted socket runs
 * the script. Never a stand-in for behaviour Tomcat can show.
 * @module
 */
import {
  decodeBodyPacket,
  decodeForwardRequest,
  encodeContainerMessage,
  FrameReader,
  MAGIC_TO_CONTAINER,
} from "../../codec/mod.ts";
import type { ContainerMessage, ForwardRequest } from "../../codec/types.ts";

/** One accepted backend socket, as the script sees it. */
export class PeerSocket {
  private readonly frames: FrameReader;
  private queue: Uint8Array[] = [];
  private readonly buf = new Uint8Array(65536);

  constructor(readonly conn: Deno.TcpConn, packetSize = 8192) {
    this.frames = new FrameReader(MAGIC_TO_CONTAINER, packetSize);
  }

  /** Next packet payload from the gateway, or null on EOF. */
  async readPayload(): Promise<Uint8Array | null> {
    while (this.queue.length === 0) {
      const n = await this.conn.read(this.buf).catch(() => null);
      if (n === null) return null;
      this.queue.push(...this.frames.push(this.buf.subarray(0, n)));
    }
    return this.queue.shift()!;
  }

  /** Reads a FORWARD_REQUEST (throws on EOF). */
  async readForward(): Promise<ForwardRequest> {
    const p = await this.readPayload();
    if (!p) throw new Error("peer: EOF instead of FORWARD_REQUEST");
    return decodeForwardRequest(p);
  }

  /** Reads one request-body packet's data (throws on EOF). */
  async readBody(): Promise<Uint8Array> {
    const p = await this.readPayload();
    if (!p) throw new Error("peer: EOF instead of a body packet");
    return decodeBodyPacket(p);
  }

  /**
   * Reads a known-length body as Tomcat does: the first packet unasked, then a GET_BODY_CHUNK
   * for each next one until the empty end packet. Returns the body's length.
   */
  async readKnownLengthBody(): Promise<number> {
    let total = (await this.readBody()).length;
    for (;;) {
      await this.send({ type: "GET_BODY_CHUNK", size: 8186 });
      const piece = await this.readBody();
      if (piece.length === 0) return total;
      total += piece.length;
    }
  }

  /** Sends container messages. */
  async send(...msgs: ContainerMessage[]): Promise<void> {
    for (const m of msgs) await this.writeRaw(encodeContainerMessage(m));
  }

  /** Sends raw bytes, e.g. a malformed packet. */
  async writeRaw(bytes: Uint8Array): Promise<void> {
    let off = 0;
    while (off < bytes.length) off += await this.conn.write(bytes.subarray(off));
  }

  /** Sends a whole 200 response with `body` and END_RESPONSE(reuse). */
  async respond(body: string, reuse = true, status = 200): Promise<void> {
    await this.send(
      { type: "SEND_HEADERS", status, reason: null, headers: [["Content-Type", "text/plain"]] },
      { type: "SEND_BODY_CHUNK", data: new TextEncoder().encode(body) },
      { type: "END_RESPONSE", reuse },
    );
  }

  close(): void {
    try {
      this.conn.close();
    } catch {
      // already closed
    }
  }
}

/** A running scripted peer. */
export interface AjpPeer {
  port: number;
  /** Sockets accepted so far. */
  accepted(): number;
  /** Sockets currently open (accepted and not yet closed by either side). */
  open(): number;
  close(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

/** Starts a peer running `script` on every accepted socket; the socket closes after it. */
export function startAjpPeer(script: (s: PeerSocket, index: number) => Promise<void>): AjpPeer {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  let accepted = 0;
  let open = 0;
  const sockets = new Set<PeerSocket>();
  const tasks = new Set<Promise<void>>();
  const loop = (async () => {
    for await (const conn of listener) {
      const s = new PeerSocket(conn);
      const index = accepted++;
      open++;
      sockets.add(s);
      const t = script(s, index).catch(() => {}).finally(() => {
        open--;
        sockets.delete(s);
        s.close();
      });
      tasks.add(t);
      t.finally(() => tasks.delete(t));
    }
  })().catch(() => {});
  const close = async () => {
    try {
      listener.close();
    } catch {
      // closed
    }
    for (const s of sockets) s.close();
    await loop;
    await Promise.allSettled([...tasks]);
  };
  return {
    port: (listener.addr as Deno.NetAddr).port,
    accepted: () => accepted,
    open: () => open,
    close,
    [Symbol.asyncDispose]: close,
  };
}
