/**
 * Keeps the running proxy in step with the stored configuration: loads connections and
 * routes, swaps in backends whose settings changed (old pools finish their exchanges, then
 * close) and a new route table, and polls the configuration version so that changes made
 * by any instance sharing the database apply within a poll interval.
 * @module
 */
import type { Repositories } from "../../db/mod.ts";
import { Balancer } from "../proxy/balancer.ts";
import { effectiveSticky } from "../proxy/sticky_route.ts";
import type { Upstream } from "../proxy/upstream.ts";
import type { Route } from "../proxy/route_table.ts";
import { trimSlash } from "../proxy/route_table.ts";
import type { GatewayRuntime } from "../proxy/runtime.ts";
import type { ConnectionStatus, LiveView, ReadOnlyRoute } from "./live_view.ts";
import { HttpUpstream } from "../http/http_upstream.ts";
import { addressVerifier, BackendPolicy, guardConnector } from "../proxy/backend_policy.ts";
import type { Connector } from "../ajp/ajp_upstream.ts";
import { poolKey, toAjpSettings, toHttpSettings } from "./stored_settings.ts";

/** Options of {@link ConfigSync}. */
export interface ConfigSyncOptions {
  /** How often to poll the configuration version, in ms. Default 500. */
  pollMs?: number;
  /**
   * Checked on every connect of a `restricted` connection (one whose backend a user who
   * is not a superuser set). Default: a policy with an empty allow-list.
   */
  policy?: BackendPolicy;
}

/** See module doc. */
export class ConfigSync implements LiveView {
  private version = -1;
  private readonly keys = new Map<number, string>();
  private balancers = new Map<number, { key: string; balancer: Balancer }>();
  private timer: ReturnType<typeof setInterval> | undefined;
  private running: Promise<void> | null = null;
  private again = false;

  /** Wraps the connector of a restricted AJP connection. */
  private readonly guard: (c: Connector | undefined) => Connector;
  /** Checks the address of a restricted HTTP connection before each request. */
  private readonly verify: (host: string, port: number) => Promise<void>;

  constructor(
    private readonly runtime: GatewayRuntime,
    private readonly repos: Repositories,
    private readonly cliRoutes: Route[],
    private readonly options: ConfigSyncOptions = {},
  ) {
    const policy = options.policy ?? new BackendPolicy();
    this.guard = (c) => guardConnector(policy, c);
    this.verify = addressVerifier(policy);
  }

  /** Loads the configuration once and starts polling. */
  async start(): Promise<void> {
    await this.refresh();
    this.timer = setInterval(() => {
      this.poll().catch((err) => this.runtime.warn(`config: reload failed: ${message(err)}`));
    }, this.options.pollMs ?? 500);
  }

  /** Stops polling. */
  stop(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Reloads if the stored version moved. */
  async poll(): Promise<void> {
    const v = await this.repos.configVersion();
    if (v !== this.version) await this.refresh();
  }

  /** Reloads now; concurrent calls coalesce into one more reload after the current one. */
  refresh(): Promise<void> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = (async () => {
      try {
        do {
          this.again = false;
          await this.load();
        } while (this.again);
      } finally {
        this.running = null;
      }
    })();
    return this.running;
  }

  status(name: string): ConnectionStatus {
    const b = this.runtime.storedUpstream(name);
    if (!b) {
      return {
        state: "idle",
        error: null,
        stats: { idle: 0, busy: 0, requests: 0, failures: 0, bytesIn: 0, bytesOut: 0 },
      };
    }
    const sockets = b.sockets();
    return {
      state: b.state,
      error: b.state === "error" ? b.error : null,
      stats: { ...sockets, ...b.counters },
    };
  }

  readOnlyRoutes(): ReadOnlyRoute[] {
    return this.cliRoutes.map((r) => ({
      id: r.id,
      host: r.host,
      pathPrefix: r.prefix || "/",
      connection: r.target.name,
      backendPath: r.backendPath || "/",
      preserveHost: r.preserveHost,
      enabled: true,
      readOnly: true,
    }));
  }

  async reset(name: string): Promise<void> {
    await this.runtime.storedUpstream(name)?.reset();
  }

  private async load(): Promise<void> {
    const version = await this.repos.configVersion();
    const [connections, routes, balancers] = await Promise.all([
      this.repos.connections.list(),
      this.repos.routes.list(),
      this.repos.balancers.list(),
    ]);
    const { runtime } = this;
    const live = new Map<number, Upstream>();
    for (const c of connections) {
      const { secret, password } = await this.repos.connections.getSecrets(c.name);
      const settings = c.type === "direct" ? toAjpSettings(c, secret) : toHttpSettings(c, password);
      const key = c.type + (c.restricted ? "!" : "") + poolKey(settings);
      const current = runtime.storedUpstreams.get(c.id);
      if (current && this.keys.get(c.id) === key) {
        current.setEnabled(settings.enabled);
        live.set(c.id, current);
        continue;
      }
      const backend = "secret" in settings
        ? runtime.createAjpUpstream(settings, c.restricted ? this.guard : undefined)
        : new HttpUpstream(runtime.perWorker(settings), c.restricted ? this.verify : undefined);
      backend.warmUp();
      live.set(c.id, backend);
      this.keys.set(c.id, key);
    }
    const byName = new Map([...live.values()].map((b) => [b.name.toLowerCase(), b]));
    const balancerByName = new Map<string, Balancer>();
    const nextBalancers = new Map<number, { key: string; balancer: Balancer }>();
    for (const b of balancers) {
      const members = b.members.flatMap((m) => {
        const upstream = byName.get(m.connection.toLowerCase());
        return upstream
          ? [{ upstream, loadFactor: m.loadFactor, route: m.route, status: m.status }]
          : [];
      });
      const key = JSON.stringify([
        b,
        members.map((m) => [...live].find(([, x]) => x === m.upstream)?.[0]),
      ]);
      const previous = this.balancers.get(b.id);
      const balancer = previous?.key === key ? previous.balancer : new Balancer(
        {
          name: b.name,
          method: b.method,
          sticky: effectiveSticky(b.stickySession, b.members),
          stickyForce: b.stickyForce,
          enabled: b.enabled,
        },
        members,
      );
      nextBalancers.set(b.id, { key, balancer });
      balancerByName.set(b.name.toLowerCase(), balancer);
    }
    this.balancers = nextBalancers;
    const table: Route[] = [...this.cliRoutes];
    for (const r of routes) {
      if (!r.enabled) continue;
      const backend = r.connection !== null
        ? byName.get(r.connection.toLowerCase())
        : r.balancer !== null
        ? balancerByName.get(r.balancer.toLowerCase())
        : undefined;
      if (!backend) continue;
      const prefix = trimSlash(r.pathPrefix);
      table.push({
        id: r.id,
        host: r.host?.toLowerCase() ?? null,
        prefix,
        backendPath: r.backendPath === null ? prefix : trimSlash(r.backendPath),
        target: backend,
        preserveHost: r.preserveHost,
      });
    }
    const retired = [...runtime.storedUpstreams].filter(([id, b]) => live.get(id) !== b);
    runtime.storedUpstreams.clear();
    for (const [id, b] of live) runtime.storedUpstreams.set(id, b);
    runtime.setRoutes(table);
    for (const [id, b] of retired) {
      if (!live.has(id)) this.keys.delete(id);
      b.close();
    }
    this.version = version;
  }
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
