/**
 * Which backend addresses a connection set up by an ordinary API user may reach. A
 * superuser may name any backend; everyone else may not turn the gateway into a way into
 * the machine or the network behind it. For such a connection an address is refused when
 * it is:
 * - one of the gateway's own listeners (proxy or management port), always;
 * - loopback, link-local, unspecified, multicast or broadcast, unless the allow-list names it;
 * - outside the operator's allow-list (`--backend-allow CIDR,...`, default empty), unless it
 *   is exactly a backend (address and port) the command line already proxies to.
 *
 * The API checks the host as given (and what it resolves to now); the runtime checks the
 * address it actually connected to (see {@linkcode guardConnector}), so a name that later
 * resolves elsewhere (DNS rebinding) is caught too.
 * @module
 */
import type { Connector } from "../ajp/ajp_upstream.ts";

/** A parsed IP address: 4 or 16 bytes. IPv4-mapped IPv6 addresses are kept as IPv4. */
export type IpBytes = Uint8Array;

/** A CIDR block. */
interface Cidr {
  bytes: IpBytes;
  bits: number;
  text: string;
}

/** What the policy is built from; every list defaults to empty. */
export interface BackendPolicyOptions {
  /** CIDR blocks (or single addresses) ordinary users may name: `--backend-allow`. */
  allow?: readonly string[];
  /** Backends the command line proxies to, by IP address and port. */
  endpoints?: readonly { host: string; port: number }[];
  /** The gateway's own listeners. */
  listeners?: readonly { hostname: string; port: number }[];
  /** This machine's interface addresses, for listeners on 0.0.0.0 or `::`. */
  localAddresses?: readonly string[];
}

/**
 * Parses an IP address: dotted IPv4 (also the short and numeric forms a URL host
 * normalises, e.g. `127.1`), or IPv6 with or without brackets. Null for host names.
 */
export function parseIp(text: string): IpBytes | null {
  const host = text.startsWith("[") && text.endsWith("]") ? text.slice(1, -1) : text;
  if (host.includes(":")) return parseIpv6(host);
  let normal: string;
  try {
    normal = new URL(`http://${host}/`).hostname;
  } catch {
    return null;
  }
  const m = /^(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(normal);
  return m ? new Uint8Array(m.slice(1).map(Number)) : null;
}

function parseIpv6(host: string): IpBytes | null {
  const zone = host.indexOf("%");
  const text = zone >= 0 ? host.slice(0, zone) : host;
  const halves = text.split("::");
  if (halves.length > 2) return null;
  const groups = (part: string): number[] | null => {
    if (part === "") return [];
    const out: number[] = [];
    const items = part.split(":");
    for (const [i, item] of items.entries()) {
      if (i === items.length - 1 && item.includes(".")) {
        const v4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(item);
        if (!v4 || v4.slice(1).some((x) => Number(x) > 255)) return null;
        const [a, b, c, d] = v4.slice(1).map(Number);
        out.push((a << 8) | b, (c << 8) | d);
      } else {
        if (!/^[0-9a-fA-F]{1,4}$/.test(item)) return null;
        out.push(parseInt(item, 16));
      }
    }
    return out;
  };
  const head = groups(halves[0]);
  const tail = halves.length === 2 ? groups(halves[1]) : [];
  if (head === null || tail === null) return null;
  const missing = 8 - head.length - tail.length;
  if (halves.length === 2 ? missing < 1 : missing !== 0) return null;
  const all = [...head, ...new Array(missing).fill(0), ...tail];
  const bytes = new Uint8Array(16);
  all.forEach((g, i) => {
    bytes[2 * i] = g >> 8;
    bytes[2 * i + 1] = g & 0xff;
  });
  // ::ffff:a.b.c.d reaches the IPv4 address a.b.c.d
  const mapped = bytes.subarray(0, 10).every((b) => b === 0) && bytes[10] === 0xff &&
    bytes[11] === 0xff;
  return mapped ? bytes.slice(12) : bytes;
}

/** Parses `10.0.0.0/8`, `fd00::/8` or a single address; throws a message naming the value. */
export function parseCidr(text: string): Cidr {
  const slash = text.indexOf("/");
  const bytes = parseIp(slash >= 0 ? text.slice(0, slash) : text);
  const max = bytes?.length === 4 ? 32 : 128;
  const bits = slash >= 0 ? Number(text.slice(slash + 1)) : max;
  if (bytes === null || !/^\d{1,3}$/.test(String(bits)) || bits > max) {
    throw new Error(`"${text}" is not an IP address or CIDR block (e.g. 10.0.0.0/8)`);
  }
  return { bytes, bits, text };
}

function inCidr(ip: IpBytes, c: Cidr): boolean {
  if (ip.length !== c.bytes.length) return false;
  for (let bit = 0; bit < c.bits; bit += 8) {
    const take = Math.min(8, c.bits - bit);
    const mask = (0xff << (8 - take)) & 0xff;
    if ((ip[bit / 8] & mask) !== (c.bytes[bit / 8] & mask)) return false;
  }
  return true;
}

const SPECIAL: [Cidr, string][] = [
  ["0.0.0.0/8", "an unspecified address"],
  ["127.0.0.0/8", "a loopback address"],
  ["169.254.0.0/16", "a link-local address"],
  ["224.0.0.0/4", "a multicast address"],
  ["255.255.255.255/32", "the broadcast address"],
  ["::/128", "an unspecified address"],
  ["::1/128", "a loopback address"],
  ["fe80::/10", "a link-local address"],
  ["ff00::/8", "a multicast address"],
].map(([c, why]) => [parseCidr(c), why]);

/** Why `ip` is special (loopback, link-local, ...), or null. */
function specialKind(ip: IpBytes): string | null {
  return SPECIAL.find(([c]) => inCidr(ip, c))?.[1] ?? null;
}

const same = (a: IpBytes, b: IpBytes) => a.length === b.length && a.every((x, i) => x === b[i]);

/** See module doc. */
export class BackendPolicy {
  private readonly allow: Cidr[];
  private readonly endpoints: { ip: IpBytes; port: number }[];
  private readonly listeners: { ip: IpBytes; port: number }[];
  private readonly local: IpBytes[];

  /** Throws an Error naming the bad entry when an allow-list entry is not a CIDR block. */
  constructor(options: BackendPolicyOptions = {}) {
    this.allow = (options.allow ?? []).map(parseCidr);
    const ips = <T extends { port: number }>(list: readonly T[], host: (t: T) => string) =>
      list.flatMap((t) => {
        const ip = parseIp(host(t));
        return ip ? [{ ip, port: t.port }] : [];
      });
    this.endpoints = ips(options.endpoints ?? [], (e) => e.host);
    this.listeners = ips(options.listeners ?? [], (l) => l.hostname);
    this.local = (options.localAddresses ?? []).flatMap((a) => parseIp(a) ?? []);
  }

  /** Adds a listener of the gateway once it is bound (its port may have been 0 before). */
  addListener(hostname: string, port: number): void {
    const ip = parseIp(hostname);
    if (ip !== null) this.listeners.push({ ip, port });
  }

  /**
   * Why a connection of an ordinary user may not reach IP address `address` on `port`, or
   * null when it may. A host name (not an address) is not judged here: null.
   *
   * @example
   * new BackendPolicy().refusal("127.0.0.1", 8009); // "127.0.0.1 is a loopback address"
   */
  refusal(address: string, port: number): string | null {
    const ip = parseIp(address);
    if (ip === null) return null;
    const shown = address.includes(":") && !address.startsWith("[") ? `[${address}]` : address;
    for (const l of this.listeners) {
      if (l.port !== port) continue;
      const any = specialKind(l.ip) === "an unspecified address";
      const local = specialKind(ip) === "a loopback address" ||
        specialKind(ip) === "an unspecified address" || this.local.some((a) => same(a, ip));
      if (same(l.ip, ip) || (any && local)) return `${shown}:${port} is the gateway's own listener`;
    }
    if (this.allow.some((c) => inCidr(ip, c))) return null;
    if (this.endpoints.some((e) => e.port === port && same(e.ip, ip))) return null;
    const kind = specialKind(ip);
    if (kind !== null) return `${shown} is ${kind}`;
    return `${shown} is outside the backend allow-list (--backend-allow)`;
  }

  /**
   * Why an ordinary user may not name backend `host`:`port`, judged on the host as given
   * and on the addresses it resolves to now (names that do not resolve now are judged when
   * connecting). Null when allowed.
   */
  async check(
    host: string,
    port: number,
    resolve: (host: string) => Promise<string[]> = resolveHost,
  ): Promise<string | null> {
    if (parseIp(host) !== null) return this.refusal(host, port);
    const name = host.toLowerCase().replace(/\.$/, "");
    // RFC 6761: localhost and its subdomains are loopback, whatever a resolver says
    const local = name === "localhost" || name.endsWith(".localhost");
    for (const address of local ? ["127.0.0.1", "::1"] : await resolve(host)) {
      const why = this.refusal(address, port);
      if (why !== null) return `${host} resolves to ${why}`;
    }
    return null;
  }
}

/** The A and AAAA addresses of `host` by DNS; empty when it does not resolve (in 2 s). */
export async function resolveHost(host: string): Promise<string[]> {
  const lookups = (["A", "AAAA"] as const).map((type) =>
    Deno.resolveDns(host, type, { signal: AbortSignal.timeout(2_000) }).catch(() => [])
  );
  return (await Promise.all(lookups)).flat();
}

/** The error a guarded connect fails with when the connected address is refused. */
export class BackendRefusedError extends Error {
  override readonly name = "BackendRefusedError";
}

/**
 * `connect` (default Deno.connect) that, once connected, checks the address the socket
 * actually reached against `policy` and closes it unsent when refused: the check cannot be
 * outrun by a name that resolved differently when the connection was stored.
 */
export function guardConnector(policy: BackendPolicy, connect?: Connector): Connector {
  const open: Connector = connect ?? ((o) => Deno.connect({ ...o, transport: "tcp" }));
  return async (opts) => {
    const conn = await open(opts);
    const remote = conn.remoteAddr as Deno.NetAddr;
    const why = policy.refusal(remote.hostname, remote.port);
    if (why === null) return conn;
    conn.close();
    throw new BackendRefusedError(
      `${opts.hostname}:${opts.port} reached ${why}; only a superuser may set this backend`,
    );
  };
}

/**
 * For HTTP connections (sent through `fetch`, whose socket is out of reach): connects once
 * to `host`:`port` and checks the address reached, then trusts it for `cacheMs` (default
 * 5000). Throws {@linkcode BackendRefusedError} when refused.
 */
export function addressVerifier(
  policy: BackendPolicy,
  connect?: Connector,
  cacheMs = 5_000,
): (host: string, port: number) => Promise<void> {
  const guarded = guardConnector(policy, connect);
  const verified = new Map<string, number>();
  return async (host, port) => {
    const key = `${host}:${port}`;
    if ((verified.get(key) ?? 0) > Date.now()) return;
    if (parseIp(host) !== null) {
      const why = policy.refusal(host, port);
      if (why !== null) {
        throw new BackendRefusedError(`${why}; only a superuser may set this backend`);
      }
    } else {
      const conn = await guarded({ hostname: host, port, signal: AbortSignal.timeout(5_000) });
      conn.close();
    }
    if (verified.size > 1000) verified.clear();
    verified.set(key, Date.now() + cacheMs);
  };
}
