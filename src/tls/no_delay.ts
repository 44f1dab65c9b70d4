/**
 * Turns Nagle's algorithm off for the connections a TLS listener accepts. `Deno.listenTls`
 * leaves it on and its connections have no `setNoDelay`, so a small write that follows
 * another (an HTTP/2 frame after a DATA frame) waits for the client's delayed ACK, about
 * 40 ms on Linux: a 1 MiB response over HTTP/2 took 20 ms on average instead of 2.
 *
 * Linux copies TCP_NODELAY from a listening socket to the sockets it accepts, so it is set
 * once on the listener, with libc's `setsockopt` through FFI. The runtime does not tell a
 * listener's descriptor (and reading `/proc/self/fd` needs --allow-all), so the descriptors
 * are probed from 0 with `getsockname`: a listener just opened has the lowest free one, which
 * the scan meets early. Elsewhere, or without FFI, it reports why and changes nothing.
 * @module
 */

const SOL_SOCKET = 1;
const SO_ACCEPTCONN = 30;
const IPPROTO_TCP = 6;
const TCP_NODELAY = 1;
const AF_INET = 2;
const AF_INET6 = 10;
/** Descriptors probed at most (a failed probe costs one system call). */
const SCAN_LIMIT = 1 << 16;
const LIBC_NAMES = ["libc.so.6", "libc.so"];

/** The libc calls used here. */
const SYMBOLS = {
  setsockopt: { parameters: ["i32", "i32", "i32", "buffer", "u32"], result: "i32" },
  getsockopt: { parameters: ["i32", "i32", "i32", "buffer", "buffer"], result: "i32" },
  getsockname: { parameters: ["i32", "buffer", "buffer"], result: "i32" },
} as const;

type Libc = Deno.DynamicLibrary<typeof SYMBOLS>["symbols"];

let libc: Libc | undefined;

/** libc, opened once; throws when FFI is not allowed or libc is not found. */
function openLibc(): Libc {
  if (libc) return libc;
  let last: unknown;
  for (const name of LIBC_NAMES) {
    try {
      libc = Deno.dlopen(name, SYMBOLS).symbols;
      return libc;
    } catch (err) {
      last = err;
    }
  }
  throw last;
}

/** An int socket option of `fd`, or undefined when `fd` is no socket (or not open). */
function intOption(c: Libc, fd: number, level: number, name: number): number | undefined {
  const value = new Int32Array(1);
  const size = new Uint32Array([4]);
  return c.getsockopt(fd, level, name, value, size) === 0 ? value[0] : undefined;
}

/**
 * The local port of an IPv4 or IPv6 socket from its `sockaddr` bytes (family in host order
 * at 0, port in network order at 2); undefined for other families.
 */
export function portOfSockaddr(addr: Uint8Array): number | undefined {
  const family = new DataView(addr.buffer, addr.byteOffset).getUint16(0, true);
  if (family !== AF_INET && family !== AF_INET6) return undefined;
  return (addr[2] << 8) | addr[3];
}

/** The local TCP port of `fd`, if it is an IPv4 or IPv6 socket. */
function localPort(c: Libc, fd: number): number | undefined {
  const addr = new Uint8Array(128);
  const size = new Uint32Array([addr.length]);
  return c.getsockname(fd, addr, size) === 0 ? portOfSockaddr(addr) : undefined;
}

/**
 * This process's IPv4 and IPv6 socket descriptors with local port `port`, listening or
 * connected, in ascending order.
 */
export function* socketsOnPort(port: number, listening: boolean): Generator<number> {
  const c = openLibc();
  for (let fd = 0; fd < SCAN_LIMIT; fd++) {
    const accepting = intOption(c, fd, SOL_SOCKET, SO_ACCEPTCONN);
    if (accepting === undefined || (accepting !== 0) !== listening) continue;
    if (localPort(c, fd) === port) yield fd;
  }
}

/** Whether TCP_NODELAY is on for a descriptor. */
export function hasNoDelay(fd: number): boolean {
  return (intOption(openLibc(), fd, IPPROTO_TCP, TCP_NODELAY) ?? 0) !== 0;
}

/**
 * Sets TCP_NODELAY on this process's listening socket on `port` that lacks it (the one just
 * opened; a listener sharing the port for a reload has it already), so the connections it
 * accepts have it. Returns `undefined` when done, else why not.
 */
export function setListenerNoDelay(port: number): string | undefined {
  if (Deno.build.os !== "linux") return "TCP_NODELAY is set this way on Linux only";
  try {
    for (const fd of socketsOnPort(port, true)) {
      if (hasNoDelay(fd)) continue;
      openLibc().setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, new Int32Array([1]), 4);
      return hasNoDelay(fd) ? undefined : `setsockopt(TCP_NODELAY) did not take on ${fd}`;
    }
    return `no listening socket of this process on port ${port} without TCP_NODELAY`;
  } catch (err) {
    return (err as Error).message;
  }
}
