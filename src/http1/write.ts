/**
 * Writes bytes to a client connection with a deadline per write call: a client that takes
 * none of them for `timeoutMs` has its connection closed, so it cannot hold the answer (and
 * the backend socket behind it) for as long as it likes.
 * @module
 */

/** See module doc. Rejects when the connection fails or was closed by the deadline. */
export async function writeWithTimeout(conn: Deno.Conn, bytes: Uint8Array, timeoutMs: number) {
  let off = 0;
  while (off < bytes.length) {
    const timer = setTimeout(() => {
      try {
        conn.close();
      } catch {
        // closed
      }
    }, timeoutMs);
    try {
      off += await conn.write(bytes.subarray(off));
    } finally {
      clearTimeout(timer);
    }
  }
}
