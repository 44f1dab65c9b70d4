/**
 * Which Host headers the management listener answers. A page on an attacker's domain that
 * rebinds its name to this machine's address (DNS rebinding) sends its own domain as Host,
 * so only the listener's own address, IP literals when it listens on every address,
 * `localhost` when it listens on loopback or every address, and names the operator lists
 * (`--admin-host`) are accepted; everything else gets 421 Misdirected Request.
 * @module
 */
import { parseIp } from "../proxy/backend_policy.ts";

/**
 * A predicate over the request's host name (lower-case, without port, IPv6 in brackets as
 * a URL gives it) for a listener on `hostname`, with extra accepted `names`.
 *
 * @example
 * const ok = adminHostCheck("127.0.0.1", []);
 * ok("127.0.0.1"); // true
 * ok("evil.example"); // false
 */
export function adminHostCheck(
  hostname: string,
  names: readonly string[],
): (host: string) => boolean {
  const listener = parseIp(hostname);
  const key = (ip: Uint8Array) => ip.join(".");
  const everywhere = listener !== null && listener.every((b) => b === 0);
  const loopback = listener !== null &&
    (listener.length === 4 ? listener[0] === 127 : key(listener) === key(parseIp("::1")!));
  const accepted = new Set(names.map((n) => n.toLowerCase()));
  if (listener === null) accepted.add(hostname.toLowerCase());
  return (host) => {
    const h = host.toLowerCase().replace(/\.$/, "");
    if (accepted.has(h)) return true;
    if ((everywhere || loopback) && (h === "localhost" || h.endsWith(".localhost"))) return true;
    const ip = parseIp(h);
    // only a literal address: "127.1" or "2130706433" as a Host are names to a browser's origin
    if (ip === null || !/^[0-9.]+$|^\[[0-9a-f:.]+\]$/.test(h)) return false;
    return everywhere || (listener !== null && key(ip) === key(listener));
  };
}
