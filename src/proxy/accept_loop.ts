/**
 * The proxy listeners' accept loop (plain and TLS): takes connections until the listener is
 * closed, hands each to `serve`, or to `refuse` when `maxConnections` are open, and survives
 * failed accepts (EMFILE/ENFILE and friends): it backs off (20 ms doubling to 1 s) while
 * descriptors are freed, warning at most every 10 s, instead of ending the process as
 * `Deno.serve`'s loop does.
 * @module
 */
import { messageOf } from "./errors.ts";

/** What the loop needs of its listener. */
export interface AcceptLoopOptions<C extends Deno.Conn> {
  /** Named in the warning, e.g. "proxy listener". */
  name: string;
  /** True once the listener is being closed: the loop ends. */
  closing: () => boolean;
  /** Connections open now, against `maxConnections`. */
  open: () => number;
  maxConnections: number;
  serve: (conn: C) => void;
  refuse: (conn: C) => void;
  warn: (message: string) => void;
}

/** See module doc. Resolves when the listener is closed. */
export async function acceptLoop<C extends Deno.Conn>(
  listener: Deno.Listener<C>,
  o: AcceptLoopOptions<C>,
): Promise<void> {
  let backoff = 0;
  let lastWarn = 0;
  while (!o.closing()) {
    let conn: C;
    try {
      conn = await listener.accept();
      backoff = 0;
    } catch (err) {
      if (o.closing() || err instanceof Deno.errors.BadResource) break;
      backoff = Math.min(1000, backoff === 0 ? 20 : backoff * 2);
      if (Date.now() - lastWarn > 10_000) {
        lastWarn = Date.now();
        o.warn(`${o.name}: accept failed (${messageOf(err)}); retrying`);
      }
      await new Promise((r) => setTimeout(r, backoff));
      continue;
    }
    if (o.open() >= o.maxConnections) o.refuse(conn);
    else o.serve(conn);
  }
}
