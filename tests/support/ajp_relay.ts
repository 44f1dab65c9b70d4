/**
 * A TCP relay between the gateway and an AJP backend that names every packet it passes, so a
 * test can assert the exact exchange on the wire (`> FORWARD_REQUEST`, `< GET_BODY_CHUNK`,
 * `> body 8186`, ...). Bytes are forwarded unchanged; only the labels are recorded.
 * @module
 */

/** One packet seen on the wire: `>` gateway to backend, `<` backend to gateway. */
export type WireEvent = string;

/** A running relay. Dispose it (`await using`) to close the listener and every pair. */
export interface AjpRelay extends AsyncDisposable {
  /** The port the gateway should connect to. */
  readonly port: number;
  /** Every packet since the last {@link clear}, in the order the relay saw them. */
  readonly events: WireEvent[];
  /** Connections the gateway has opened through the relay so far. */
  readonly opened: number;
  /** Forgets the events seen so far. */
  clear(): void;
}

const CONTAINER_CODES: Record<number, string> = {
  3: "SEND_BODY_CHUNK",
  4: "SEND_HEADERS",
  5: "END_RESPONSE",
  6: "GET_BODY_CHUNK",
  9: "CPONG",
};

/**
 * Splits a byte stream into AJP packets (4-byte header: magic, u16 length) and calls `onPacket`
 * with each payload; keeps a partial packet for the next chunk.
 */
function packetSplitter(onPacket: (payload: Uint8Array) => void): (chunk: Uint8Array) => void {
  let held = new Uint8Array(0);
  return (chunk) => {
    const all = new Uint8Array(held.length + chunk.length);
    all.set(held);
    all.set(chunk, held.length);
    let at = 0;
    while (all.length - at >= 4) {
      const len = (all[at + 2] << 8) | all[at + 3];
      if (all.length - at < 4 + len) break;
      onPacket(all.subarray(at + 4, at + 4 + len));
      at += 4 + len;
    }
    held = all.slice(at);
  };
}

/** Starts a relay on a free loopback port in front of `127.0.0.1:backendPort`. */
export function startAjpRelay(backendPort: number): AjpRelay {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const events: WireEvent[] = [];
  const conns = new Set<Deno.Conn>();
  let opened = 0;
  const pump = async (from: Deno.Conn, to: Deno.Conn, feed: (c: Uint8Array) => void) => {
    const buf = new Uint8Array(65536);
    try {
      for (;;) {
        const n = await from.read(buf);
        if (n === null) break;
        const chunk = buf.slice(0, n);
        feed(chunk);
        for (let off = 0; off < chunk.length;) off += await to.write(chunk.subarray(off));
      }
    } catch { /* either side closed */ }
    for (const c of [from, to]) {
      try {
        c.close();
      } catch { /* already closed */ }
      conns.delete(c);
    }
  };
  const accepting = (async () => {
    for await (const front of listener) {
      let back: Deno.Conn;
      try {
        back = await Deno.connect({ hostname: "127.0.0.1", port: backendPort });
      } catch {
        front.close();
        continue;
      }
      conns.add(front).add(back);
      opened++;
      // Gateway to backend: the first packet of an exchange carries a code; the packets after
      // FORWARD_REQUEST, until the backend's END_RESPONSE, are request-body packets.
      let inExchange = false;
      const up = packetSplitter((p) => {
        if (inExchange) {
          events.push(`> body ${p.length >= 2 ? (p[0] << 8) | p[1] : 0}`);
        } else if (p[0] === 2) {
          inExchange = true;
          events.push("> FORWARD_REQUEST");
        } else events.push(p[0] === 10 ? "> CPING" : `> code ${p[0]}`);
      });
      const down = packetSplitter((p) => {
        if (p[0] === 5) inExchange = false;
        events.push(`< ${CONTAINER_CODES[p[0]] ?? `code ${p[0]}`}`);
      });
      pump(front, back, up);
      pump(back, front, down);
    }
  })().catch(() => {});
  return {
    port: (listener.addr as Deno.NetAddr).port,
    events,
    get opened() {
      return opened;
    },
    clear: () => events.splice(0),
    async [Symbol.asyncDispose]() {
      listener.close();
      for (const c of conns) {
        try {
          c.close();
        } catch { /* already closed */ }
      }
      await accepting;
    },
  };
}
