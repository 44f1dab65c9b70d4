/**
 * A backend connection at run time: its settings, its socket pool, its state (connected,
 * error with the error text, disabled) and its counters.
 * @module
 */
import { AjpLink } from "./ajp_link.ts";
import { GatewayError } from "./errors.ts";
import { Pool, type PoolStats } from "./pool.ts";

/** Settings of an AJP (direct) connection. Defaults follow mod_proxy_ajp and the issues. */
export interface BackendSettings {
  name: string;
  host: string;
  port: number;
  /** AJP secret sent as attribute 0x0C on every request; null sends none. */
  secret: string | null;
  /** Packet size shared with the connector, 8192-65536. Default 8192. */
  packetSize: number;
  /** Max sockets; null = unlimited. Default 64. */
  max: number | null;
  /** Default 10,000 ms. */
  acquireTimeoutMs: number;
  /** Default 5,000 ms. */
  connectTimeoutMs: number;
  /** Longest wait for each backend packet; default 60,000 ms. */
  replyTimeoutMs: number;
  /** Default 7,200,000 ms (2 h). */
  idleTimeoutMs: number;
  /** Whether requests may use it. Default true. */
  enabled: boolean;
}

/** Defaults for optional settings. */
export const BACKEND_DEFAULTS = {
  packetSize: 8192,
  max: 64,
  acquireTimeoutMs: 10_000,
  connectTimeoutMs: 5_000,
  replyTimeoutMs: 60_000,
  idleTimeoutMs: 7_200_000,
  secret: null,
  enabled: true,
} as const;

/** Live state of a connection. */
export type BackendState = "connected" | "error" | "disabled" | "idle";

/** Traffic counters of a connection. */
export interface BackendCounters {
  requests: number;
  failures: number;
  bytesIn: number;
  bytesOut: number;
}

/** Opens a TCP socket; injectable for tests. */
export type Connector = (
  opts: { hostname: string; port: number; signal: AbortSignal },
) => Promise<Deno.TcpConn>;

const denoConnect: Connector = (opts) => Deno.connect({ ...opts, transport: "tcp" });

/** See module doc. */
export class Backend {
  readonly pool: Pool;
  readonly counters: BackendCounters = { requests: 0, failures: 0, bytesIn: 0, bytesOut: 0 };
  private lastError: { message: string; since: string } | null = null;
  private everConnected = false;

  constructor(readonly settings: BackendSettings, private readonly connect = denoConnect) {
    this.pool = new Pool(
      {
        name: settings.name,
        max: settings.max,
        acquireTimeoutMs: settings.acquireTimeoutMs,
        idleTimeoutMs: settings.idleTimeoutMs,
      },
      () => this.openLink(),
    );
  }

  get name(): string {
    return this.settings.name;
  }

  /** connected / error / disabled / idle (never connected yet). */
  get state(): BackendState {
    if (!this.settings.enabled) return "disabled";
    if (this.lastError) return "error";
    return this.everConnected ? "connected" : "idle";
  }

  /** The last connect error while in state "error". */
  get error(): { message: string; since: string } | null {
    return this.lastError;
  }

  /** Pool counters. */
  poolStats(): PoolStats {
    return this.pool.stats();
  }

  /** Records a backend failure that puts the connection in error. */
  markError(message: string): void {
    if (!this.lastError) this.lastError = { message, since: new Date().toISOString() };
    else this.lastError.message = message;
  }

  private async openLink(): Promise<AjpLink> {
    const { host, port, connectTimeoutMs, name, packetSize } = this.settings;
    let conn: Deno.TcpConn;
    try {
      conn = await this.connect({
        hostname: host,
        port,
        signal: AbortSignal.timeout(connectTimeoutMs),
      });
    } catch (err) {
      const timedOut = err instanceof DOMException && err.name === "TimeoutError";
      const what = timedOut
        ? `timed out after ${connectTimeoutMs} ms`
        : (err instanceof Error ? err.message : String(err));
      const message = `connection "${name}": cannot connect to ${host}:${port}: ${what}`;
      this.markError(message);
      throw new GatewayError("unavailable", message, { cause: err, retryAfter: 1 });
    }
    conn.setNoDelay(true);
    this.everConnected = true;
    this.lastError = null;
    return new AjpLink(conn, name, packetSize);
  }
}
