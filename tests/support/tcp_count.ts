/**
 * Counts established TCP connections to a local port from /proc/net/tcp (and tcp6): the
 * number of sockets a backend on that port has open to its clients.
 * @module
 */

/** Established connections whose remote end is 127.0.0.1/::1 `port` (client side). */
export async function establishedTo(port: number): Promise<number> {
  let n = 0;
  for (const file of ["/proc/net/tcp", "/proc/net/tcp6"]) {
    let text = "";
    try {
      text = await Deno.readTextFile(file);
    } catch {
      continue;
    }
    for (const line of text.split("\n").slice(1)) {
      const cols = line.trim().split(/\s+/);
      if (cols.length < 4) continue;
      const remotePort = parseInt(cols[2].split(":")[1], 16);
      if (remotePort === port && cols[3] === "01") n++;
    }
  }
  return n;
}
