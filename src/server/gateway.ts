/**
 * Starts the gateway: opens the configuration store, starts following it, and serves the
 * proxy listener (plain: src/http1; TLS: src/tls) and the management listener (`Deno.serve`); stops it gracefully (stop accepting, let
 * exchanges in flight finish up to a grace period, close pools and the store).
 * @module
 */
import { adminHostCheck } from "../auth/admin_host.ts";
import { bootstrapAdmin, bootstrapNotice } from "../auth/bootstrap.ts";
import { BackendPolicy, resolveHost } from "../proxy/backend_policy.ts";
import type { ClientInfo } from "../proxy/client_info.ts";
import type { Connector } from "../ajp/ajp_upstream.ts";
import type { StartOptions } from "../cli/start_options.ts";
import { openStore, type Store } from "../config/store.ts";
import { ConfigSync } from "../config/sync.ts";
import { ADMIN_TOKEN_ENV } from "../config/env_names.ts";
import { GatewayRuntime } from "../proxy/runtime.ts";
import { GatewayMetrics } from "../observe/gateway_metrics.ts";
import { bufferedSink, Logger } from "../observe/log.ts";
import { TimeSeries } from "../observe/time_series.ts";
import type { Route } from "../proxy/route_table.ts";
import {
  describeInstance,
  heartbeatMsFromEnv,
  startInstanceRegistry,
} from "./instance_registry.ts";
import { startTlsFront, type TlsFront } from "../tls/mod.ts";
import { describeBindError, type ListenerName } from "./listen_error.ts";
import type { CheckResult, GatewayApps } from "./apps.ts";
import { type Http1Server, serveHttp1 } from "../http1/mod.ts";
import type { AccessRecord } from "../observe/access_trace.ts";

/** A running gateway. */
export interface Gateway {
  runtime: GatewayRuntime;
  metrics: GatewayMetrics;
  log: Logger;
  store: Store;
  sync: ConfigSync;
  proxyAddr: Deno.NetAddr;
  adminAddr: Deno.NetAddr;
  /** Re-reads --tls-cert/--tls-key/--tls-client-ca for new connections (SIGHUP); no-op without TLS. */
  reloadTls(): Promise<void>;
  /** Stops accepting, waits for exchanges in flight (up to `graceMs`, default 10 s). */
  shutdown(graceMs?: number): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

/** Seams for tests and the CLI. */
export interface GatewayHooks {
  connect?: Connector;
  warn?: (message: string) => void;
  /** Reads environment variables. Default Deno.env.get. */
  env?: (name: string) => string | undefined;
  /** Prints a line for the operator (the admin token outcome). Default console.error. */
  notice?: (line: string) => void;
  /** Config poll interval in ms. Default 500. */
  pollMs?: number;
  /** The logger (default: JSON lines on stdout at the options' level). */
  log?: Logger;
  /** This process is one of N workers sharing the ports (SO_REUSEPORT) and pool maximums. */
  workerOf?: number;
}

/**
 * The backends API users who are not superusers may name: `--backend-allow`, the
 * command line's own backends (names resolved now), never the gateway's listeners (added
 * once bound) on this machine's addresses.
 */
async function backendPolicyOf(options: StartOptions): Promise<BackendPolicy> {
  const endpoints = await Promise.all(options.proxyPass.map(async ({ backend: b }) => {
    const local = b.host.toLowerCase() === "localhost" ? ["127.0.0.1", "::1"] : null;
    const hosts = local ?? (/^[0-9.]+$|:/.test(b.host) ? [b.host] : await resolveHost(b.host));
    return hosts.map((host) => ({ host, port: b.port }));
  }));
  let localAddresses: string[] = [];
  try {
    localAddresses = Deno.networkInterfaces().map((i) => i.address);
  } catch {
    // without --allow-sys the listeners are still matched on their own and loopback addresses
  }
  return new BackendPolicy({
    allow: options.backendAllow,
    endpoints: endpoints.flat(),
    localAddresses,
  });
}

/** See module doc. */
export async function startGateway(
  options: StartOptions,
  apps: GatewayApps,
  hooks: GatewayHooks = {},
): Promise<Gateway> {
  const env = hooks.env ?? ((name: string) => Deno.env.get(name));
  const heartbeatMs = heartbeatMsFromEnv(env);
  const instanceId = crypto.randomUUID();
  const log = hooks.log ?? new Logger(options.logLevel, bufferedSink(Deno.stdout));
  const warn = hooks.warn ?? ((message: string) => log.warn(message));
  const share = hooks.workerOf ?? 1;
  const runtime = new GatewayRuntime({ connect: hooks.connect, warn, workers: share });
  const metrics = new GatewayMetrics(runtime);
  const series = new TimeSeries();
  const accessLog = log.enabled("info");
  const cliRoutes: Route[] = options.proxyPass.map((p, i) => ({
    id: `cli-${i + 1}`,
    host: null,
    prefix: p.prefix,
    backendPath: p.backendPath,
    target: runtime.addCliUpstream(p.backend),
    preserveHost: p.preserveHost,
  }));
  for (const b of runtime.cliUpstreams.values()) b.warmUp();
  const policy = await backendPolicyOf(options);
  const store = await openStore(options.db, env);
  const sync = new ConfigSync(runtime, store.repos, cliRoutes, { pollMs: hooks.pollMs, policy });
  const proxyListener = { what: "proxy listener", flag: "--listen", ...options.listen };
  let proxy: Http1Server | undefined;
  let admin: Deno.HttpServer<Deno.NetAddr> | undefined;
  let tlsFront: TlsFront | undefined;
  try {
    await sync.start();
    let ready = false;
    const access = (rec: AccessRecord) => {
      metrics.record(rec);
      series.record(rec);
      if (accessLog) log.info("access", { ...rec });
    };
    if (options.tls) {
      // The same handler as the plain listener's, fed from the runtime's Request.
      const handle = apps.proxyHandler(runtime, access, options.limits);
      const serveProxy = (req: Request, client: ClientInfo) =>
        handle({
          method: req.method,
          target: req.url,
          headers: req.headers,
          body: req.body,
          bodyTimed: false,
          signal: () => req.signal,
          client,
          url: req.url,
        });
      // the runtime's HTTP server over TLS, or node:tls when clients must present a certificate
      tlsFront = await startTlsFront({
        hostname: options.listen.hostname,
        port: options.listen.port,
        ...options.tls,
        reusePort: share > 1,
        headerTimeoutMs: options.limits.headerTimeoutMs,
        idleTimeoutMs: options.limits.idleTimeoutMs,
        maxConnections: options.limits.maxConnections,
        warn,
      }, serveProxy).catch((err) => {
        throw describeBindError(proxyListener, err);
      });
    } else {
      // Our own HTTP/1.1 server: Deno.serve has no head/idle timeouts, no connection cap,
      // and its accept loop ends the process on EMFILE (src/http1/server.ts).
      const handle = apps.proxyHandler(runtime, access, options.limits);
      proxy = bind(proxyListener, () =>
        serveHttp1({
          hostname: options.listen.hostname,
          port: options.listen.port,
          reusePort: share > 1,
          warn,
          ...options.limits,
        }, (req) =>
          handle({
            method: req.method,
            target: req.target,
            headers: req.headers,
            body: req.body,
            // each read of it has the body timeout (src/http1/body.ts)
            bodyTimed: true,
            signal: req.signal,
            client: {
              remoteAddr: req.remoteAddr.hostname,
              remotePort: req.remoteAddr.port,
              localAddr: req.localAddr.hostname,
              localPort: req.localAddr.port,
              isSsl: false,
            },
            // the listener checked Host, the target's authority and the header count
            url: null,
          })));
    }
    const proxyAddr: Deno.NetAddr = tlsFront ? { transport: "tcp", ...tlsFront.addr } : proxy!.addr;
    policy.addListener(proxyAddr.hostname, proxyAddr.port);
    const adminApp = apps.management({
      hostAllowed: adminHostCheck(options.adminListen.hostname, options.adminHosts),
      ready: () => ready,
      metrics: () => metrics.render(),
      readiness: async () => {
        const checks: Record<string, CheckResult> = {};
        try {
          await store.repos.configVersion();
          checks.database = { ok: true };
        } catch (err) {
          checks.database = { ok: false, error: err instanceof Error ? err.message : String(err) };
        }
        checks.routes = runtime.routes.size > 0
          ? { ok: true }
          : { ok: false, error: "no route is configured" };
        return checks;
      },
      repos: store.repos,
      live: sync,
      instanceId,
      checkBackend: (host, port) => policy.check(host, port),
      series,
    });
    admin = bind(
      { what: "management listener", flag: "--admin-listen", ...options.adminListen },
      () =>
        Deno.serve({
          hostname: options.adminListen.hostname,
          port: options.adminListen.port,
          reusePort: share > 1,
          onListen: () => {},
        }, (req) => adminApp.fetch(req, undefined)),
    );
    policy.addListener(admin.addr.hostname, admin.addr.port);
    // Only now that both listeners are bound: a token printed "once" by a start that then
    // fails (port taken, bad TLS file) would be lost, and the retry would print none.
    const notice = bootstrapNotice(await bootstrapAdmin(store.repos, env(ADMIN_TOKEN_ENV)));
    if (notice !== null) (hooks.notice ?? console.error)(notice);
    const registry = await startInstanceRegistry(
      store.repos,
      describeInstance(instanceId, proxyAddr, admin.addr),
      { heartbeatMs, warn: runtime.warn },
    );
    ready = true;

    const servers: { shutdown(): Promise<void> }[] = proxy ? [proxy, admin] : [admin];
    let stopping: Promise<void> | null = null;
    const shutdown = (graceMs = 10_000) => {
      stopping ??= (async () => {
        ready = false;
        sync.stop();
        const unregistered = registry.stop();
        let timer: ReturnType<typeof setTimeout> | undefined;
        const grace = new Promise<void>((resolve) => timer = setTimeout(resolve, graceMs));
        await Promise.race([
          Promise.all([...servers.map((s) => s.shutdown()), tlsFront?.shutdown(graceMs)]),
          grace,
        ]);
        clearTimeout(timer);
        runtime.shutdown();
        await unregistered;
        store.close();
        await log.flush();
      })();
      return stopping;
    };
    return {
      runtime,
      metrics,
      log,
      store,
      sync,
      proxyAddr,
      reloadTls: () => tlsFront?.reload() ?? Promise.resolve(),
      adminAddr: admin.addr,
      shutdown,
      [Symbol.asyncDispose]: () => shutdown(),
    };
  } catch (err) {
    sync.stop();
    await Promise.all([proxy?.shutdown(), admin?.shutdown(), tlsFront?.shutdown(0)]);
    runtime.shutdown();
    store.close();
    throw err;
  }
}

/** Runs `open` (a `Deno.serve`), reporting a bind failure with the listener's name. */
function bind<T>(listener: ListenerName, open: () => T): T {
  try {
    return open();
  } catch (err) {
    throw describeBindError(listener, err);
  }
}
