/**
 * The gateway's Prometheus metrics: per route and connection request counts by status
 * class, latency and first-byte histograms, bytes both ways (recorded once per request),
 * and, read at scrape time from the runtime, pool gauges, sockets opened and closed by
 * reason, connection states, balancer member states and process memory.
 * @module
 */
import { Balancer } from "../proxy/balancer.ts";
import type { GatewayRuntime } from "../proxy/runtime.ts";
import { routeLabel, type RouteTable } from "../proxy/route_table.ts";
import { type Upstream, UPSTREAM_STATES } from "../proxy/upstream.ts";
import type { AccessRecord } from "./access_trace.ts";
import { Collected, Counter, Histogram, Registry } from "./metrics.ts";

const SECONDS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

/** See module doc. */
export class GatewayMetrics {
  readonly registry = new Registry();
  private readonly requests = this.registry.add(
    new Counter(
      "ajpgate_requests_total",
      "Proxied requests by route, connection and status class.",
      [
        "route",
        "connection",
        "class",
      ],
    ),
  );
  private readonly duration = this.registry.add(
    new Histogram(
      "ajpgate_request_duration_seconds",
      "Time until the response ended.",
      ["route"],
      SECONDS,
    ),
  );
  private readonly ttfb = this.registry.add(
    new Histogram(
      "ajpgate_response_first_byte_seconds",
      "Time until the response head.",
      ["route"],
      SECONDS,
    ),
  );
  private readonly bytes = this.registry.add(
    new Counter("ajpgate_route_bytes_total", "Body bytes by route and direction.", [
      "route",
      "direction",
    ]),
  );

  private labels = new Map<string, string>();
  private labelledTable: RouteTable | null = null;

  constructor(private readonly runtime: GatewayRuntime) {
    const upstreams = () => {
      const all = new Map<string, Upstream>();
      for (const u of runtime.cliUpstreams.values()) all.set(u.name, u);
      for (const u of runtime.storedUpstreams.values()) all.set(u.name, u);
      return [...all.values()];
    };
    const r = this.registry;
    r.add(
      new Collected(
        "ajpgate_connection_sockets",
        "Backend sockets by state.",
        "gauge",
        function* () {
          for (const u of upstreams()) {
            const s = u.poolStats();
            yield [{ connection: u.name, state: "idle" }, s.idle];
            yield [{ connection: u.name, state: "busy" }, s.busy];
            yield [{ connection: u.name, state: "waiting" }, s.waiting];
          }
        },
      ),
    );
    r.add(
      new Collected(
        "ajpgate_connection_sockets_opened_total",
        "Backend sockets opened.",
        "counter",
        function* () {
          for (const u of upstreams()) {
            const opened = u.poolStats().opened;
            if (opened !== undefined) yield [{ connection: u.name }, opened];
          }
        },
      ),
    );
    r.add(
      new Collected(
        "ajpgate_connection_sockets_closed_total",
        "Backend sockets closed, by reason.",
        "counter",
        function* () {
          for (const u of upstreams()) {
            for (const [reason, n] of Object.entries(u.poolStats().closed ?? {})) {
              yield [{
                connection: u.name,
                reason,
              }, n];
            }
          }
        },
      ),
    );
    r.add(
      new Collected(
        "ajpgate_connection_requests_total",
        "Requests sent to a connection.",
        "counter",
        function* () {
          for (const u of upstreams()) yield [{ connection: u.name }, u.counters.requests];
        },
      ),
    );
    r.add(
      new Collected(
        "ajpgate_connection_failures_total",
        "Failed exchanges of a connection.",
        "counter",
        function* () {
          for (const u of upstreams()) yield [{ connection: u.name }, u.counters.failures];
        },
      ),
    );
    r.add(
      new Collected(
        "ajpgate_connection_bytes_total",
        "Bytes on the backend sockets, by direction.",
        "counter",
        function* () {
          for (const u of upstreams()) {
            yield [{ connection: u.name, direction: "in" }, u.counters.bytesIn];
            yield [{ connection: u.name, direction: "out" }, u.counters.bytesOut];
          }
        },
      ),
    );
    r.add(
      new Collected(
        "ajpgate_connection_state",
        "1 for the connection's current state.",
        "gauge",
        function* () {
          for (const u of upstreams()) {
            for (const state of UPSTREAM_STATES) {
              yield [{ connection: u.name, state }, u.state === state ? 1 : 0];
            }
          }
        },
      ),
    );
    r.add(
      new Collected(
        "ajpgate_balancer_member_up",
        "1 when a balancer member is usable.",
        "gauge",
        function* () {
          const seen = new Set<Balancer>();
          for (const route of runtime.routes.list()) {
            const b = route.target;
            if (!(b instanceof Balancer) || seen.has(b)) continue;
            seen.add(b);
            for (const m of b.members) {
              const up = m.status !== "disabled" && m.upstream.enabled &&
                m.upstream.state !== "error";
              yield [{ balancer: b.name, member: m.upstream.name, status: m.status }, up ? 1 : 0];
            }
          }
        },
      ),
    );
    r.add(
      new Collected(
        "ajpgate_process_memory_bytes",
        "Process memory (Deno.memoryUsage).",
        "gauge",
        function* () {
          const m = Deno.memoryUsage();
          yield [{ kind: "rss" }, m.rss];
          yield [{ kind: "heap_used" }, m.heapUsed];
          yield [{ kind: "heap_total" }, m.heapTotal];
          yield [{ kind: "external" }, m.external];
        },
      ),
    );
  }

  /** Records one finished request; the route is labelled as people name it (host + prefix). */
  record(rec: AccessRecord): void {
    const cls = `${Math.floor(rec.status / 100)}xx`;
    const route = this.routeLabel(rec.route);
    this.requests.inc([route, rec.connection ?? "", cls]);
    this.duration.observe([route], rec.totalMs / 1000);
    this.ttfb.observe([route], rec.ttfbMs / 1000);
    if (rec.bytesIn) this.bytes.inc([route, "in"], rec.bytesIn);
    if (rec.bytesOut) this.bytes.inc([route, "out"], rec.bytesOut);
  }

  /** `host/prefix` of route `id`, from a map rebuilt only when the route table is replaced. */
  private routeLabel(id: string): string {
    if (id === "") return "";
    const table = this.runtime.routes;
    if (table !== this.labelledTable) {
      this.labels = new Map(table.list().map((r) => [r.id, routeLabel(r)]));
      this.labelledTable = table;
    }
    return this.labels.get(id) ?? id;
  }

  /** The text exposition. */
  render(): string {
    return this.registry.render();
  }
}
