/**
 * Parses a `--proxy-pass` value in mod_proxy_ajp's syntax:
 * `PREFIX ajp://HOST:PORT/PATH [key=value ...]`, e.g.
 * `/app ajp://127.0.0.1:8009/app secret=s3cret max=64 timeout=30 connectiontimeout=5`.
 * Keys (mod_proxy names where one exists): `secret` (`secret=env:NAME` reads it from
 * environment variable NAME; `secretfile=PATH` from the first line of a file, so that it
 * appears neither in the process list nor in logs), `max` (sockets, default 64),
 * `timeout` (reply timeout, s, default 60), `connectiontimeout` (s, default 5),
 * `acquire` (ms, default 10000), `ttl` (idle timeout, s, default 7200),
 * `packetsize` (8192-65536, multiple of 1024), `name` (connection name, default HOST-PORT),
 * `preservehost` (on|off, default on), `min` (sockets kept open, default 0),
 * `ping` (none|connect|prepost|interval, default none), `pingtimeout` (ms, default 5000),
 * `pinginterval` (ms, default 10000: the idle time before a prepost CPING, or the period),
 * `headtimeout` (ms, default 60000: from the last request byte sent to the complete response
 * head), `bodytimeout` (ms, default 60000: the longest wait for the client's next request-body
 * bytes while the backend asks for them; 408 before the head), `writetimeout` (ms, default
 * 60000: the longest time a client may read nothing of a streamed response before it is cut).
 * @module
 */
import { validatePacketSize } from "../../codec/packet_size.ts";
import { type AjpSettings, CONNECTION_DEFAULTS } from "../ajp/ajp_upstream.ts";
import { trimSlash } from "../proxy/route_table.ts";

/** A parsed `--proxy-pass`: one connection and one route to it. */
export interface ProxyPass {
  prefix: string;
  backendPath: string;
  preserveHost: boolean;
  backend: AjpSettings;
}

/** A configuration mistake; the CLI prints its message on one line and exits 2. */
export class ConfigError extends Error {
  override readonly name = "ConfigError";
}

const NAME = /^[A-Za-z0-9._-]{1,64}$/;

const pingOf = (b: AjpSettings) =>
  b.ping ?? { mode: "none" as const, timeoutMs: 5_000, intervalMs: 10_000 };

/** Where `secret=env:NAME` and `secretfile=PATH` are read from. */
export interface SecretSources {
  /** Default Deno.env.get. */
  env?: (name: string) => string | undefined;
  /** Default Deno.readTextFileSync. */
  readFile?: (path: string) => string;
}

/** See module doc. */
export function parseProxyPass(spec: string, sources: SecretSources = {}): ProxyPass {
  const words = spec.trim().split(/\s+/);
  if (words.length < 2 || words[0] === "") {
    throw new ConfigError(
      `--proxy-pass "${spec}": expected "PREFIX ajp://HOST:PORT/PATH [key=value ...]"`,
    );
  }
  const [prefix, target, ...options] = words;
  if (!prefix.startsWith("/")) {
    throw new ConfigError(`--proxy-pass "${spec}": prefix "${prefix}" must start with "/"`);
  }
  let url: URL;
  try {
    url = new URL(target);
  } catch {
    throw new ConfigError(`--proxy-pass "${spec}": "${target}" is not a URL`);
  }
  if (url.protocol !== "ajp:") {
    throw new ConfigError(
      `--proxy-pass "${spec}": only ajp:// URLs are supported, got "${url.protocol}"`,
    );
  }
  if (!url.hostname) throw new ConfigError(`--proxy-pass "${spec}": "${target}" has no host`);
  if (url.search || url.hash || url.username) {
    throw new ConfigError(
      `--proxy-pass "${spec}": "${target}" must have no query, fragment or credentials`,
    );
  }
  const host = url.hostname.startsWith("[") ? url.hostname.slice(1, -1) : url.hostname;
  const port = url.port ? Number(url.port) : 8009;
  const backend: AjpSettings = {
    ...CONNECTION_DEFAULTS,
    name: `${host.replaceAll(":", "_")}-${port}`,
    host,
    port,
  };
  let preserveHost = true;
  for (const option of options) {
    const eq = option.indexOf("=");
    if (eq <= 0) throw new ConfigError(`--proxy-pass "${spec}": "${option}" is not key=value`);
    const key = option.slice(0, eq).toLowerCase();
    const value = option.slice(eq + 1);
    const bad = (why: string) => new ConfigError(`--proxy-pass "${spec}": ${key}=${value}: ${why}`);
    const int = (min: number, max: number) => {
      if (!/^[0-9]+$/.test(value) || Number(value) < min || Number(value) > max) {
        throw bad(`expected a whole number from ${min} to ${max}`);
      }
      return Number(value);
    };
    switch (key) {
      case "secret": {
        if (value === "") throw bad("must not be empty");
        if (!value.startsWith("env:")) {
          backend.secret = value;
          break;
        }
        const name = value.slice(4);
        if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw bad("expected env:NAME");
        const got = (sources.env ?? ((n: string) => Deno.env.get(n)))(name);
        if (got === undefined || got === "") {
          throw bad(`environment variable ${name} is not set or empty`);
        }
        backend.secret = got;
        break;
      }
      case "secretfile": {
        let text: string;
        try {
          text = (sources.readFile ?? Deno.readTextFileSync)(value);
        } catch (err) {
          throw bad(`cannot read the file: ${err instanceof Error ? err.message : String(err)}`);
        }
        const secret = text.split(/\r?\n/)[0];
        if (secret === "") throw bad("the file's first line is empty");
        backend.secret = secret;
        break;
      }
      case "max":
        backend.max = int(1, 100_000);
        break;
      case "timeout":
        backend.replyTimeoutMs = int(1, 86_400) * 1000;
        break;
      case "connectiontimeout":
        backend.connectTimeoutMs = int(1, 3_600) * 1000;
        break;
      case "acquire":
        backend.acquireTimeoutMs = int(1, 3_600_000);
        break;
      case "ttl":
        backend.idleTimeoutMs = int(1, 604_800) * 1000;
        break;
      case "packetsize":
        try {
          backend.packetSize = validatePacketSize(int(0, 1 << 20));
        } catch (err) {
          throw bad(err instanceof Error ? err.message : String(err));
        }
        break;
      case "name":
        if (!NAME.test(value)) throw bad("expected 1-64 characters of A-Z a-z 0-9 . _ -");
        backend.name = value;
        break;
      case "min":
        backend.initial = int(0, 100_000);
        break;
      case "ping":
        if (!["none", "connect", "prepost", "interval"].includes(value)) {
          throw bad("expected none, connect, prepost or interval");
        }
        backend.ping = { ...pingOf(backend), mode: value as "none" };
        break;
      case "pingtimeout":
        backend.ping = { ...pingOf(backend), timeoutMs: int(1, 600_000) };
        break;
      case "pinginterval":
        backend.ping = { ...pingOf(backend), intervalMs: int(1, 86_400_000) };
        break;
      case "headtimeout":
        backend.headTimeoutMs = int(1, 86_400_000);
        break;
      case "bodytimeout":
        backend.bodyTimeoutMs = int(1, 86_400_000);
        break;
      case "writetimeout":
        backend.writeTimeoutMs = int(1, 86_400_000);
        break;
      case "preservehost":
        if (value !== "on" && value !== "off") throw bad("expected on or off");
        preserveHost = value === "on";
        break;
      default:
        throw bad("unknown key");
    }
  }
  if ((backend.initial ?? 0) > (backend.max ?? Infinity)) {
    throw new ConfigError(
      `--proxy-pass "${spec}": min=${backend.initial} exceeds max=${backend.max}`,
    );
  }
  return {
    prefix: trimSlash(prefix),
    backendPath: trimSlash(url.pathname === "/" ? "" : url.pathname),
    preserveHost,
    backend,
  };
}
