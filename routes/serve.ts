/**
 * Starts the gateway: the proxy and management listeners on `Deno.serve`, over a runtime
 * built from the start options, and stops it gracefully (stop accepting, let exchanges in
 * flight finish up to a grace period, close pools).
 * @module
 */
import type { ClientInfo } from "../src/build_forward.ts";
import type { Connector } from "../src/backend.ts";
import type { StartOptions } from "../src/config/cli.ts";
import { GatewayRuntime } from "../src/runtime.ts";
import type { Route } from "../src/route_table.ts";
import { createAdminApp } from "./admin.ts";
import { createProxyApp } from "./proxy.ts";

/** A running gateway. */
export interface Gateway {
  runtime: GatewayRuntime;
  proxyAddr: Deno.NetAddr;
  adminAddr: Deno.NetAddr;
  /** Stops accepting, waits for exchanges in flight (up to `graceMs`, default 10 s). */
  shutdown(graceMs?: number): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

/** Extra seams for tests. */
export interface GatewayHooks {
  connect?: Connector;
  warn?: (message: string) => void;
}

/** See module doc. */
export async function startGateway(
  options: StartOptions,
  hooks: GatewayHooks = {},
): Promise<Gateway> {
  const runtime = new GatewayRuntime(hooks);
  const routes: Route[] = options.proxyPass.map((p, i) => ({
    id: `cli-${i + 1}`,
    host: null,
    prefix: p.prefix,
    backendPath: p.backendPath,
    backend: runtime.addBackend(p.backend),
    preserveHost: p.preserveHost,
  }));
  runtime.setRoutes(routes);
  let ready = false;

  const proxyApp = createProxyApp(runtime);
  const proxy = Deno.serve({
    hostname: options.listen.hostname,
    port: options.listen.port,
    onListen: () => {},
  }, (req, info) => {
    const local = proxy.addr;
    const client: ClientInfo = {
      remoteAddr: info.remoteAddr.hostname,
      remotePort: info.remoteAddr.port,
      localAddr: local.hostname,
      localPort: local.port,
      isSsl: false,
    };
    return proxyApp.fetch(req, { client });
  });
  const admin = Deno.serve({
    hostname: options.adminListen.hostname,
    port: options.adminListen.port,
    onListen: () => {},
  }, createAdminApp({ ready: () => ready }).fetch);
  ready = true;

  let stopping: Promise<void> | null = null;
  const shutdown = (graceMs = 10_000) => {
    stopping ??= (async () => {
      ready = false;
      let timer: ReturnType<typeof setTimeout> | undefined;
      const grace = new Promise<void>((resolve) => timer = setTimeout(resolve, graceMs));
      await Promise.race([Promise.all([proxy.shutdown(), admin.shutdown()]), grace]);
      clearTimeout(timer);
      runtime.shutdown();
    })();
    return stopping;
  };
  return {
    runtime,
    proxyAddr: proxy.addr,
    adminAddr: admin.addr,
    shutdown,
    [Symbol.asyncDispose]: () => shutdown(),
  };
}
