/**
 * Command-line and environment options of `ajpgate start`. Each option `--name value` may
 * also come from `AJPGATE_NAME` (upper case, dashes as underscores); the command line wins.
 * `--proxy-pass` repeats; in the environment, several are separated by newlines.
 * @module
 */
import { LOG_LEVELS, type LogLevel } from "../observe/log.ts";
import { parseCidr } from "../proxy/backend_policy.ts";
import { ConfigError, parseProxyPass, type ProxyPass } from "../config/proxy_pass.ts";
import { type FlagSpec, parseFlags } from "./parse_flags.ts";

/** `:memory:` databases are private to one process; anything else may be shared. */
function parseDbUrlKind(url: string): "memory" | "shared" {
  return url === ":memory:" || url === "file::memory:" ? "memory" : "shared";
}

/** A listener address. */
export interface ListenAddress {
  hostname: string;
  port: number;
}

/** Everything `start` needs. */
export interface StartOptions {
  /** Proxy listener, default 0.0.0.0:8080. */
  listen: ListenAddress;
  /** Management listener, default 127.0.0.1:9090. */
  adminListen: ListenAddress;
  proxyPass: ProxyPass[];
  /** Database URL, default file:./data/ajpgate.db. */
  db: string;
  /** Least severe log level written, default info (access logs are info). */
  logLevel: LogLevel;
  /** Gateway processes sharing the proxy listener, default 1. */
  workers: number;
  /** TLS on the proxy listener: PEM certificate chain and key files (both or neither). */
  tls: { certFile: string; keyFile: string; clientCaFile: string | null } | null;
  /**
   * CIDR blocks that API users who are not superusers may point connections at, beside the
   * backends `--proxy-pass` names; default none.
   */
  backendAllow: string[];
  /** Host names the management listener answers to beside its own address; default none. */
  adminHosts: string[];
  /** Client-facing limits of the proxy listener. */
  limits: ClientLimits;
}

/** Client-facing limits (all times in ms). */
export interface ClientLimits {
  /** The whole request head must arrive within this, default 20 s. */
  headerTimeoutMs: number;
  /** A kept-alive connection with no new request is closed after this, default 5 s. */
  idleTimeoutMs: number;
  /** A request body with no progress for this long gets 408, default 60 s. */
  bodyTimeoutMs: number;
  /** Open client connections per proxy listener, default 1000; more are refused. */
  maxConnections: number;
  /** Request header fields, default 100; more get 431. */
  maxHeaders: number;
  /** Bodies up to this many bytes are read before a backend socket is taken, default 65536. */
  preReadBytes: number;
}

const DEFAULTS = {
  listen: "0.0.0.0:8080",
  "admin-listen": "127.0.0.1:9090",
  db: "file:./data/ajpgate.db",
  "log-level": "info",
  workers: "1",
  "tls-cert": "",
  "tls-key": "",
  "tls-client-ca": "",
  "backend-allow": "",
  "admin-host": "",
  "header-timeout": "20",
  "keepalive-timeout": "5",
  "body-timeout": "60",
  "max-connections": "1000",
  "max-headers": "100",
  "pre-read": "65536",
} as const;

const SINGLE = [
  "listen",
  "admin-listen",
  "db",
  "log-level",
  "workers",
  "tls-cert",
  "tls-key",
  "tls-client-ca",
  "backend-allow",
  "admin-host",
  "header-timeout",
  "keepalive-timeout",
  "body-timeout",
  "max-connections",
  "max-headers",
  "pre-read",
] as const;
const REPEATED = ["proxy-pass"] as const;

/** Every option name `start` accepts (without the dashes). */
export const START_OPTION_NAMES: readonly string[] = [...SINGLE, ...REPEATED];

const FLAGS: FlagSpec = Object.fromEntries([
  ...SINGLE.map((name) => [name, { type: "string" }]),
  ...REPEATED.map((name) => [name, { type: "string", multiple: true }]),
]);

/** Parses `HOST:PORT` (IPv6 in brackets). Port 0 picks a free port. */
export function parseListen(flag: string, value: string): ListenAddress {
  const m = /^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]*):([0-9]{1,5})$/.exec(value);
  if (!m || Number(m[2]) > 65535) {
    throw new ConfigError(`--${flag} "${value}": expected HOST:PORT, e.g. 127.0.0.1:8080`);
  }
  const host = m[1].startsWith("[") ? m[1].slice(1, -1) : m[1];
  return { hostname: host || "0.0.0.0", port: Number(m[2]) };
}

/** Splits a comma-separated list, dropping blanks. */
function list(value: string): string[] {
  return value.split(",").map((s) => s.trim()).filter((s) => s !== "");
}

/**
 * See module doc. Throws ConfigError for unknown options or malformed values. `readFile`
 * reads `secretfile=` files of `--proxy-pass` (default Deno.readTextFileSync).
 */
export function parseStartOptions(
  args: readonly string[],
  env: (name: string) => string | undefined,
  readFile?: (path: string) => string,
): StartOptions {
  const { values } = parseFlags(args, FLAGS, false);
  const get = (name: (typeof SINGLE)[number]) =>
    (values[name] as string | undefined) ?? env(envName(name)) ?? DEFAULTS[name];
  const proxyPassSpecs = (values["proxy-pass"] as string[] | undefined) ??
    (env(envName("proxy-pass")) ?? "").split("\n").filter((s) => s.trim() !== "");
  const proxyPass = proxyPassSpecs.map((spec) => parseProxyPass(spec, { env, readFile }));
  const seen = new Map<string, string>();
  for (const p of proxyPass) {
    const key = p.backend.name.toLowerCase();
    const settings = JSON.stringify(p.backend);
    if (seen.has(key) && seen.get(key) !== settings) {
      throw new ConfigError(
        `--proxy-pass: connection "${p.backend.name}" is defined twice with different settings; ` +
          `give each a distinct name=`,
      );
    }
    seen.set(key, settings);
  }
  const logLevel = get("log-level");
  if (!(LOG_LEVELS as readonly string[]).includes(logLevel)) {
    throw new ConfigError(`--log-level "${logLevel}": expected one of ${LOG_LEVELS.join(", ")}`);
  }
  const workers = get("workers");
  if (!/^[0-9]{1,2}$/.test(workers) || Number(workers) < 1 || Number(workers) > 64) {
    throw new ConfigError(`--workers "${workers}": expected a whole number from 1 to 64`);
  }
  const db = get("db");
  if (Number(workers) > 1 && parseDbUrlKind(db) === "memory") {
    throw new ConfigError(
      `--workers ${workers} with --db "${db}": each worker would get its own empty database ` +
        "(its own users, tokens and routes); use a file (e.g. --db file:./data/ajpgate.db) " +
        "or a libSQL server, or --workers 1",
    );
  }
  const [cert, key, ca] = [get("tls-cert"), get("tls-key"), get("tls-client-ca")];
  if ((cert === "") !== (key === "")) {
    throw new ConfigError("--tls-cert and --tls-key go together: give both or neither");
  }
  if (ca !== "" && cert === "") {
    throw new ConfigError("--tls-client-ca needs --tls-cert and --tls-key");
  }
  const backendAllow = list(get("backend-allow"));
  for (const entry of backendAllow) {
    try {
      parseCidr(entry);
    } catch (err) {
      throw new ConfigError(`--backend-allow: ${(err as Error).message}`);
    }
  }
  const adminHosts = list(get("admin-host")).map((h) => h.toLowerCase());
  for (const h of adminHosts) {
    if (!/^[a-z0-9.-]{1,253}$/.test(h) && !/^\[[0-9a-f:.]+\]$/.test(h)) {
      throw new ConfigError(`--admin-host "${h}": expected a host name without port`);
    }
  }
  const number = (name: (typeof SINGLE)[number], min: number, max: number, what: string) => {
    const v = get(name);
    const n = Number(v);
    if (!/^[0-9]+(\.[0-9]+)?$/.test(v) || n < min || n > max) {
      throw new ConfigError(`--${name} "${v}": expected ${what} from ${min} to ${max}`);
    }
    return n;
  };
  const seconds = (name: (typeof SINGLE)[number]) =>
    Math.round(number(name, 0.01, 86400, "seconds") * 1000);
  const limits: ClientLimits = {
    headerTimeoutMs: seconds("header-timeout"),
    idleTimeoutMs: seconds("keepalive-timeout"),
    bodyTimeoutMs: seconds("body-timeout"),
    maxConnections: Math.floor(number("max-connections", 1, 1_000_000, "a count")),
    maxHeaders: Math.floor(number("max-headers", 1, 10_000, "a count")),
    preReadBytes: Math.floor(number("pre-read", 0, 16 * 1024 * 1024, "bytes")),
  };
  return {
    limits,
    listen: parseListen("listen", get("listen")),
    adminListen: parseListen("admin-listen", get("admin-listen")),
    proxyPass,
    db,
    logLevel: logLevel as LogLevel,
    workers: Number(workers),
    tls: cert === "" ? null : { certFile: cert, keyFile: key, clientCaFile: ca === "" ? null : ca },
    backendAllow,
    adminHosts,
  };
}

/** `admin-listen` -> `AJPGATE_ADMIN_LISTEN`. */
export function envName(option: string): string {
  return "AJPGATE_" + option.toUpperCase().replaceAll("-", "_");
}
