/**
 * The live state the proxy reads on every request: the backend connections and the route
 * table. Configuration changes swap in a new table; requests in flight keep the objects they
 * already hold.
 * @module
 */
import { Backend, type BackendSettings, type Connector } from "./backend.ts";
import { type Route, RouteTable } from "./route_table.ts";

/** Options of a runtime. */
export interface RuntimeOptions {
  /** Opens backend sockets; defaults to Deno.connect. */
  connect?: Connector;
  /** Receives operator warnings (default: console.warn). */
  warn?: (message: string) => void;
}

/** See module doc. */
export class GatewayRuntime {
  readonly backends = new Map<string, Backend>();
  routes: RouteTable = new RouteTable([]);
  readonly warn: (message: string) => void;

  constructor(private readonly options: RuntimeOptions = {}) {
    this.warn = options.warn ?? ((m) => console.warn(m));
  }

  /** Creates (or returns the existing) backend for `settings`, keyed by lower-case name. */
  addBackend(settings: BackendSettings): Backend {
    const key = settings.name.toLowerCase();
    const existing = this.backends.get(key);
    if (existing) return existing;
    const backend = new Backend(settings, this.options.connect);
    this.backends.set(key, backend);
    return backend;
  }

  /** Replaces the route table. */
  setRoutes(routes: Iterable<Route>): void {
    this.routes = new RouteTable(routes);
  }

  /** Closes every pool; busy sockets close when their exchange ends. */
  shutdown(): void {
    for (const backend of this.backends.values()) backend.pool.shutdown();
  }
}
