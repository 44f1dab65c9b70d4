/**
 * Turns a failed bind into a message that names the listener, its option and its address,
 * with the likely fix, instead of the bare "Address already in use (os error 98)".
 * @module
 */

/** A listener the gateway opens. */
export interface ListenerName {
  /** What it serves, e.g. "proxy listener". */
  what: string;
  /** The option that sets its address, e.g. "--listen". */
  flag: string;
  hostname: string;
  port: number;
}

/**
 * The error to report when `listener` could not be opened because of `err`.
 *
 * @example
 * describeBindError({ what: "proxy listener", flag: "--listen", hostname: "0.0.0.0", port: 8080 }, e)
 * // proxy listener (--listen) cannot bind 0.0.0.0:8080: the address is already in use (...)
 */
export function describeBindError(listener: ListenerName, err: unknown): Error {
  const host = listener.hostname.includes(":") ? `[${listener.hostname}]` : listener.hostname;
  const address = `${host}:${listener.port}`;
  const where = `${listener.what} (${listener.flag}) cannot bind ${address}`;
  const code = (err as { code?: unknown } | null)?.code;
  const message = err instanceof Error ? err.message : String(err);
  let why: string;
  if (err instanceof Deno.errors.AddrInUse || code === "EADDRINUSE") {
    why = "the address is already in use (another ajpgate or server holds the port; " +
      `stop it or choose another port with ${listener.flag})`;
  } else if (
    err instanceof Deno.errors.PermissionDenied || err instanceof Deno.errors.NotCapable ||
    code === "EACCES"
  ) {
    why = "permission denied (ports below 1024 need root or CAP_NET_BIND_SERVICE)";
  } else if (err instanceof Deno.errors.AddrNotAvailable || code === "EADDRNOTAVAIL") {
    why = "no network interface of this machine has that address";
  } else {
    // not a bind failure (e.g. an unreadable TLS file): name the listener, keep the reason
    return new Error(`${listener.what} (${listener.flag}) on ${address}: ${message}`, {
      cause: err,
    });
  }
  return new Error(`${where}: ${why}`, { cause: err });
}
