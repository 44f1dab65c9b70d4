/**
 * An AJP connection at run time: its settings, its socket pool, its state (connected,
 * error with the error text, disabled) and its counters. `send` builds the FORWARD_REQUEST
 * and runs the exchange on a pooled socket.
 * @module
 */
import { CPING_PACKET, CPONG_PACKET } from "../../codec/cping.ts";
import { AjpLink } from "./link.ts";
import { buildForwardRequest } from "./forward.ts";
import { GatewayError, messageOf } from "../proxy/errors.ts";
import { Health } from "../proxy/health.ts";
import { EXCHANGE_TIMEOUTS, type ExchangeLimits, runExchange } from "./exchange.ts";
import {
  admit,
  type ConnectionLimits,
  type Upstream,
  type UpstreamCounters,
  type UpstreamRequest,
  type UpstreamState,
} from "../proxy/upstream.ts";
import { type PingPolicy, Pool, type PoolStats } from "./pool.ts";

/** Settings of an AJP (direct) connection. Defaults follow mod_proxy_ajp and the issues. */
export interface AjpSettings extends ConnectionLimits, ExchangeLimits {
  name: string;
  host: string;
  port: number;
  /** AJP secret sent as attribute 0x0C on every request; null sends none. */
  secret: string | null;
  /** Packet size shared with the connector, 8192-65536. Default 8192. */
  packetSize: number;
  /** Sockets opened at start, enable and reset, and kept open. Default 0. */
  initial?: number;
  /** CPING policy. Default none. */
  ping?: PingPolicy;
}

/** Defaults for optional settings. */
export const CONNECTION_DEFAULTS = {
  packetSize: 8192,
  max: 64,
  acquireTimeoutMs: 10_000,
  connectTimeoutMs: 5_000,
  replyTimeoutMs: 60_000,
  idleTimeoutMs: 7_200_000,
  ...EXCHANGE_TIMEOUTS,
  secret: null,
  enabled: true,
} as const;

/** Opens a TCP socket; injectable for tests. */
export type Connector = (
  opts: { hostname: string; port: number; signal: AbortSignal },
) => Promise<Deno.TcpConn>;

const denoConnect: Connector = (opts) => Deno.connect({ ...opts, transport: "tcp" });

/** See module doc. */
export class AjpUpstream implements Upstream {
  readonly pool: Pool;
  readonly counters: UpstreamCounters = { requests: 0, failures: 0, bytesIn: 0, bytesOut: 0 };
  private readonly health = new Health(
    () => this.probe(),
    () => this.warmUp(),
    () => this.settings.enabled,
  );

  constructor(readonly settings: AjpSettings, private readonly connect = denoConnect) {
    this.pool = new Pool(
      {
        name: settings.name,
        max: settings.max,
        acquireTimeoutMs: settings.acquireTimeoutMs,
        idleTimeoutMs: settings.idleTimeoutMs,
        initial: settings.initial ?? 0,
        ping: settings.ping,
      },
      () => this.openLink(),
    );
  }

  get name(): string {
    return this.settings.name;
  }

  get enabled(): boolean {
    return this.settings.enabled;
  }

  get inFlight(): number {
    return this.pool.stats().busy;
  }

  sockets(): { idle: number; busy: number } {
    const { idle, busy } = this.pool.stats();
    return { idle, busy };
  }

  /** Forwards the request over AJP13 (FORWARD_REQUEST with the secret, then the exchange). */
  send(req: UpstreamRequest): Promise<Response> {
    admit(this, req);
    return runExchange(this, req, buildForwardRequest(req, this.settings));
  }

  /** connected / error / disabled / idle (never connected yet). */
  get state(): UpstreamState {
    return this.health.state(this.settings.enabled);
  }

  /** The last connect error while in state "error". */
  get error(): { message: string; since: string } | null {
    return this.health.error;
  }

  /** Pool counters. */
  poolStats(): PoolStats {
    return this.pool.stats();
  }

  /**
   * Records a backend failure that puts the connection in error; a background probe
   * (connect + CPING) brings it back to "connected" by itself.
   */
  markError(message: string): void {
    this.health.fail(message);
  }

  /** Opens the `initial` sockets in the background; a failure puts the connection in error. */
  warmUp(): void {
    if (this.settings.enabled) this.pool.fill().catch(() => {});
  }

  /** Turns the connection off or on without losing its pool settings. */
  setEnabled(enabled: boolean): void {
    if (this.settings.enabled === enabled) return;
    this.settings.enabled = enabled;
    if (!enabled) {
      this.pool.closeIdle("reset");
      this.health.cancel();
    } else {
      this.warmUp();
    }
  }

  /** Closes every socket (busy ones after their exchange) and opens `initial` anew. */
  reset(): Promise<void> {
    return this.pool.reset().catch(() => {});
  }

  /** Stops the probe and the pool; busy sockets close when their exchange ends. */
  close(): void {
    this.health.stop();
    this.pool.shutdown();
  }

  /** Connects and exchanges CPING/CPONG on a throwaway socket; throws when that fails. */
  private async probe(): Promise<void> {
    const { host, port, connectTimeoutMs, name } = this.settings;
    let conn: Deno.TcpConn | undefined;
    try {
      const signal = AbortSignal.timeout(connectTimeoutMs);
      conn = await this.connect({ hostname: host, port, signal });
      await conn.write(CPING_PACKET);
      const buf = new Uint8Array(CPONG_PACKET.length);
      let got = 0;
      const deadline = AbortSignal.timeout(connectTimeoutMs);
      while (got < buf.length) {
        const n = await Promise.race([
          conn.read(buf.subarray(got)),
          new Promise<null>((r) => deadline.addEventListener("abort", () => r(null))),
        ]);
        if (n === null) throw new Error("no CPONG");
        got += n;
      }
      if (!buf.every((b, i) => b === CPONG_PACKET[i])) throw new Error("unexpected CPONG bytes");
    } catch (err) {
      const what = messageOf(err);
      throw new Error(`connection "${name}": probe of ${host}:${port} failed: ${what}`);
    } finally {
      try {
        conn?.close();
      } catch {
        // closed
      }
    }
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
      const what = timedOut ? `timed out after ${connectTimeoutMs} ms` : messageOf(err);
      const message = `connection "${name}": cannot connect to ${host}:${port}: ${what}`;
      this.markError(message);
      throw new GatewayError("unavailable", message, { cause: err, retryAfter: 1 });
    }
    conn.setNoDelay(true);
    this.health.ok();
    return new AjpLink(conn, name, packetSize);
  }
}
