/**
 * The live state the proxy reads on every request: the backend connections (from the
 * command line and from the database) and the route table. Configuration changes swap in a
 * new table; requests in flight keep the objects they already hold.
 * @module
 */
import { Backend, type BackendSettings, type Connector } from "./backend.ts";
import { type Route, RouteTable } from "./route_table.ts";
import type { Upstream } from "./upstream.ts";

/** Options of a runtime. */
export interface RuntimeOptions {
  /** Opens backend sockets; defaults to Deno.connect. */
  connect?: Connector;
  /** Receives operator warnings (default: console.warn). */
  warn?: (message: string) => void;
  /** This process is one of `share` workers: each pool gets 1/share of its maximum. */
  share?: number;
}

/** See module doc. */
export class GatewayRuntime {
  /** Command-line connections by lower-case name. */
  readonly cliBackends = new Map<string, Backend>();
  /** Stored connections by database id. */
  readonly storedBackends = new Map<number, Upstream>();
  routes: RouteTable = new RouteTable([]);
  readonly warn: (message: string) => void;

  constructor(private readonly options: RuntimeOptions = {}) {
    this.warn = options.warn ?? ((m) => console.warn(m));
  }

  /**
   * Creates a backend (not registered anywhere), with this worker's share of the pool;
   * `guard` wraps its connector (e.g. to check the address reached).
   */
  createBackend(
    settings: BackendSettings,
    guard?: (c: Connector | undefined) => Connector,
  ): Backend {
    const connect = guard ? guard(this.options.connect) : this.options.connect;
    return new Backend(this.shareOf(settings), connect);
  }

  /**
   * Settings with `max` and `initial` divided among the workers (rounded up), so that N
   * workers together stay within the configured maximum (plus rounding).
   */
  shareOf<T extends { max: number | null; initial?: number }>(settings: T): T {
    const n = this.options.share ?? 1;
    if (n <= 1) return settings;
    return {
      ...settings,
      max: settings.max === null ? null : Math.ceil(settings.max / n),
      initial: settings.initial === undefined ? undefined : Math.ceil(settings.initial / n),
    };
  }

  /** Creates (or returns the existing) command-line backend for `settings`. */
  addCliBackend(settings: BackendSettings): Backend {
    const key = settings.name.toLowerCase();
    const existing = this.cliBackends.get(key);
    if (existing) return existing;
    const backend = this.createBackend(settings);
    this.cliBackends.set(key, backend);
    return backend;
  }

  /** The backend named `name` (case-insensitive): a stored one first, else a command-line one. */
  backend(name: string): Upstream | undefined {
    return this.storedBackend(name) ?? this.cliBackends.get(name.toLowerCase());
  }

  /** The stored connection named `name` (case-insensitive). */
  storedBackend(name: string): Upstream | undefined {
    const key = name.toLowerCase();
    for (const b of this.storedBackends.values()) if (b.name.toLowerCase() === key) return b;
    return undefined;
  }

  /** Replaces the route table. */
  setRoutes(routes: Iterable<Route>): void {
    this.routes = new RouteTable(routes);
  }

  /** Closes every pool; busy sockets close when their exchange ends. */
  shutdown(): void {
    for (const b of this.cliBackends.values()) b.close();
    for (const b of this.storedBackends.values()) b.close();
  }
}
