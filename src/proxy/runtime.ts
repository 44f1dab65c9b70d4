/**
 * The live state the proxy reads on every request: the backend connections (from the
 * command line and from the database) and the route table. Configuration changes swap in a
 * new table; requests in flight keep the objects they already hold.
 * @module
 */
import { type AjpSettings, AjpUpstream, type Connector } from "../ajp/ajp_upstream.ts";
import { type Route, RouteTable } from "./route_table.ts";
import type { Upstream } from "./upstream.ts";

/** Options of a runtime. */
export interface RuntimeOptions {
  /** Opens backend sockets; defaults to Deno.connect. */
  connect?: Connector;
  /** Receives operator warnings (default: console.warn). */
  warn?: (message: string) => void;
  /** Worker processes serving the same configuration: each pool gets 1/workers of its
   * maximum. Default 1. */
  workers?: number;
}

/** See module doc. */
export class GatewayRuntime {
  /** Command-line connections by lower-case name. */
  readonly cliUpstreams = new Map<string, AjpUpstream>();
  /** Stored connections by database id. */
  readonly storedUpstreams = new Map<number, Upstream>();
  routes: RouteTable = new RouteTable([]);
  readonly warn: (message: string) => void;

  constructor(private readonly options: RuntimeOptions = {}) {
    this.warn = options.warn ?? ((m) => console.warn(m));
  }

  /**
   * Creates an AJP upstream (not registered anywhere), with this worker's part of the pool;
   * `guard` wraps its connector (e.g. to check the address reached).
   */
  createAjpUpstream(
    settings: AjpSettings,
    guard?: (c: Connector | undefined) => Connector,
  ): AjpUpstream {
    const connect = guard ? guard(this.options.connect) : this.options.connect;
    return new AjpUpstream(this.perWorker(settings), connect);
  }

  /**
   * Settings with `max` and `initial` divided among the workers (rounded up), so that N
   * workers together stay within the configured maximum (plus rounding).
   */
  perWorker<T extends { max: number | null; initial?: number }>(settings: T): T {
    const n = this.options.workers ?? 1;
    if (n <= 1) return settings;
    return {
      ...settings,
      max: settings.max === null ? null : Math.ceil(settings.max / n),
      initial: settings.initial === undefined ? undefined : Math.ceil(settings.initial / n),
    };
  }

  /** Creates (or returns the existing) command-line backend for `settings`. */
  addCliUpstream(settings: AjpSettings): AjpUpstream {
    const key = settings.name.toLowerCase();
    const existing = this.cliUpstreams.get(key);
    if (existing) return existing;
    const backend = this.createAjpUpstream(settings);
    this.cliUpstreams.set(key, backend);
    return backend;
  }

  /** The stored connection named `name` (case-insensitive). */
  storedUpstream(name: string): Upstream | undefined {
    const key = name.toLowerCase();
    for (const b of this.storedUpstreams.values()) if (b.name.toLowerCase() === key) return b;
    return undefined;
  }

  /** Replaces the route table. */
  setRoutes(routes: Iterable<Route>): void {
    this.routes = new RouteTable(routes);
  }

  /** Closes every pool; busy sockets close when their exchange ends. */
  shutdown(): void {
    for (const b of this.cliUpstreams.values()) b.close();
    for (const b of this.storedUpstreams.values()) b.close();
  }
}
