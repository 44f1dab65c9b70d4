/**
 * An AJP13 CPING probe, used to tell when a Tomcat AJP connector is serving.
 * @module
 */

// CPING is `12 34 00 01 0A`; CPONG is `41 42 00 01 09` (T AjpProcessor, H ajp_header.c).
const CPING = new Uint8Array([0x12, 0x34, 0x00, 0x01, 0x0a]);
const CPONG = [0x41, 0x42, 0x00, 0x01, 0x09];

/** Options of {@link cping}. */
export interface CpingOptions {
  /** Host to connect to. Default "127.0.0.1". */
  hostname?: string;
  /** Give up (and answer false) after this many ms. Default 2000. */
  timeoutMs?: number;
}

/**
 * Sends one CPING on a fresh connection and answers whether exactly a CPONG came back.
 * Never throws: a refused connection, a timeout or any other reply gives `false`.
 *
 * @example
 * ```ts
 * if (!(await cping(8009))) throw new Error("AJP connector on 8009 is not serving");
 * ```
 */
export async function cping(port: number, options: CpingOptions = {}): Promise<boolean> {
  const { hostname = "127.0.0.1", timeoutMs = 2000 } = options;
  let conn: Deno.TcpConn | undefined;
  let timedOut = false;
  const close = () => {
    try {
      conn?.close();
    } catch { /* already closed */ }
    conn = undefined;
  };
  // Closing the connection is what ends a pending read when the peer stays silent.
  const timer = setTimeout(() => {
    timedOut = true;
    close();
  }, timeoutMs);
  try {
    conn = await Deno.connect({ hostname, port });
    if (timedOut) return false;
    await conn.write(CPING);
    const reply = new Uint8Array(CPONG.length);
    let got = 0;
    while (got < reply.length) {
      const n = await conn.read(reply.subarray(got));
      if (n === null) return false;
      got += n;
    }
    return reply.every((b, i) => b === CPONG[i]);
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
    close();
  }
}
