/**
 * The console's and API's "Test" action for one connection: open a fresh socket to the
 * backend, send CPING and wait for CPONG, timing each step. Never touches the pool and
 * never throws: the answer says how long it took or exactly what went wrong.
 * @module
 */
import { CPING_PACKET, CPONG_PACKET } from "../../codec/cping.ts";

/** The outcome of one probe. */
export type CpingResult =
  | { ok: true; connectMs: number; cpongMs: number }
  | { ok: false; step: "connect" | "cping"; error: string; elapsedMs: number };

/** Opens a TCP connection; a seam for tests. Default Deno.connect. */
export type ProbeConnector = (
  opts: { hostname: string; port: number; signal: AbortSignal },
) => Promise<Deno.Conn>;

/**
 * Probes `host:port`: connect within `timeoutMs`, then CPONG within `timeoutMs` more.
 *
 * @example
 * const r = await cpingProbe("127.0.0.1", 8009, 2000);
 * if (r.ok) console.log(`CPONG after ${r.cpongMs} ms`);
 */
export async function cpingProbe(
  host: string,
  port: number,
  timeoutMs: number,
  connect: ProbeConnector = (o) => Deno.connect({ ...o, transport: "tcp" }),
): Promise<CpingResult> {
  const started = performance.now();
  const ms = (from: number) => Math.round((performance.now() - from) * 100) / 100;
  let conn: Deno.Conn;
  try {
    conn = await connect({ hostname: host, port, signal: AbortSignal.timeout(timeoutMs) });
  } catch (err) {
    const timedOut = err instanceof DOMException && err.name === "TimeoutError";
    const error = timedOut
      ? `cannot connect to ${host}:${port}: timed out after ${timeoutMs} ms`
      : `cannot connect to ${host}:${port}: ${err instanceof Error ? err.message : String(err)}`;
    return { ok: false, step: "connect", error, elapsedMs: ms(started) };
  }
  const connectMs = ms(started);
  const sent = performance.now();
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    const timeout = new Promise<"timeout">((r) =>
      timer = setTimeout(() => r("timeout"), timeoutMs)
    );
    await conn.write(CPING_PACKET);
    const buf = new Uint8Array(CPONG_PACKET.length);
    let got = 0;
    while (got < buf.length) {
      const n = await Promise.race([conn.read(buf.subarray(got)), timeout]);
      if (n === "timeout") throw new Error(`no CPONG within ${timeoutMs} ms`);
      if (n === null) throw new Error(`the backend closed the socket after ${got} bytes of CPONG`);
      got += n;
    }
    if (!buf.every((b, i) => b === CPONG_PACKET[i])) {
      const hex = [...buf].map((b) => b.toString(16).padStart(2, "0")).join(" ");
      throw new Error(`expected CPONG (41 42 00 01 09), got ${hex}`);
    }
    return { ok: true, connectMs, cpongMs: ms(sent) };
  } catch (err) {
    const error = `${host}:${port}: ${err instanceof Error ? err.message : String(err)}`;
    return { ok: false, step: "cping", error, elapsedMs: ms(started) };
  } finally {
    clearTimeout(timer);
    try {
      conn.close();
    } catch {
      // already closed
    }
  }
}
