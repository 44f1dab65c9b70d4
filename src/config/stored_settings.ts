/**
 * Turns a stored connection (and its decrypted secret) into the settings of a running
 * backend, and tells whether a change needs a new socket pool.
 * @module
 */
import type { Connection } from "../../db/mod.ts";
import type { AjpSettings } from "../ajp/ajp_upstream.ts";
import type { HttpUpstreamSettings } from "../http/http_upstream.ts";
import type { ConnectionLimits } from "../proxy/upstream.ts";

/** The limits and timeouts of a stored connection, whatever its type. */
function limitsOf(c: Connection): ConnectionLimits {
  const { max, acquireTimeoutMs, connectTimeoutMs, replyTimeoutMs, idleTimeoutMs } = c.pool;
  return {
    max,
    acquireTimeoutMs,
    connectTimeoutMs,
    replyTimeoutMs,
    idleTimeoutMs,
    enabled: c.enabled,
  };
}

/** Backend settings of a stored direct (AJP) connection. */
export function toAjpSettings(c: Connection, secret: string | null): AjpSettings {
  return {
    name: c.name,
    host: c.host,
    port: c.port ?? 8009,
    secret,
    packetSize: c.packetSize,
    ...limitsOf(c),
    headTimeoutMs: c.pool.headTimeoutMs,
    bodyTimeoutMs: c.pool.bodyTimeoutMs,
    writeTimeoutMs: c.pool.writeTimeoutMs,
    initial: c.pool.initial,
    ping: { mode: c.ping.mode, timeoutMs: c.ping.timeoutMs, intervalMs: c.ping.intervalMs },
  };
}

/** Settings of a stored proxy (HTTP/HTTPS) connection. */
export function toHttpSettings(c: Connection, password: string | null): HttpUpstreamSettings {
  const raw = (c.path ?? "").replace(/\/+$/, "");
  return {
    name: c.name,
    protocol: c.protocol ?? "http",
    host: c.host,
    port: c.proxyPort ?? (c.protocol === "https" ? 443 : 80),
    path: raw === "" || raw.startsWith("/") ? raw : `/${raw}`,
    username: c.username,
    password,
    ...limitsOf(c),
  };
}

/** A key that changes whenever the pool must be rebuilt (everything but `enabled`). */
export function poolKey(s: AjpSettings | HttpUpstreamSettings): string {
  const { enabled: _enabled, ...rest } = s;
  return JSON.stringify(rest);
}
