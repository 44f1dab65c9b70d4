/**
 * Starts an in-process gateway on free loopback ports for a test, with the given
 * `--proxy-pass` values, an in-memory database (unless `db` is given) and a known admin
 * token; warnings are collected instead of printed.
 * @module
 */
import { parseStartOptions } from "../../src/cli/start_options.ts";
import { type Gateway, type GatewayHooks, startGateway } from "../../src/server/gateway.ts";
import { gatewayApps } from "../../routes/mod.ts";
import { Logger, type LogLevel, memorySink } from "../../src/observe/log.ts";

/** The superuser token every test gateway is bootstrapped with. */
export const TEST_ADMIN_TOKEN = "test-admin-token-0123456789abcdef";

/** A gateway under test. */
export interface TestGateway extends Gateway {
  /** `http://127.0.0.1:PORT` + path on the proxy listener. */
  url(path: string): string;
  /** `http://127.0.0.1:PORT` + path on the management listener. */
  adminUrl(path: string): string;
  /** Calls the management API as the bootstrap superuser (or with `token`). */
  api(method: string, path: string, body?: unknown, token?: string): Promise<Response>;
  warnings: string[];
  /** JSON log lines written so far (access log at info level). */
  logLines: string[];
}

/** Extra options of a test gateway. */
export interface TestGatewayOptions {
  /** Database URL; default ":memory:". */
  db?: string;
  /** Extra environment variables. */
  env?: Record<string, string>;
  hooks?: GatewayHooks;
  /** Log level of the in-memory log; default info. */
  logLevel?: LogLevel;
  /** Extra command-line arguments for `start` (e.g. --tls-cert FILE). */
  args?: string[];
}

/** See module doc. */
export async function startTestGateway(
  proxyPass: string[],
  options: TestGatewayOptions = {},
): Promise<TestGateway> {
  const args = ["--listen", "127.0.0.1:0", "--admin-listen", "127.0.0.1:0"];
  for (const p of proxyPass) args.push("--proxy-pass", p);
  args.push("--db", options.db ?? ":memory:", ...(options.args ?? []));
  const env: Record<string, string> = { AJPGATE_ADMIN_TOKEN: TEST_ADMIN_TOKEN, ...options.env };
  const warnings: string[] = [];
  const sink = memorySink();
  const gw = await startGateway(parseStartOptions(args, () => undefined), gatewayApps, {
    warn: (m) => warnings.push(m),
    log: new Logger(options.logLevel ?? "info", sink),
    env: (name) => env[name],
    notice: () => {},
    ...options.hooks,
  });
  const adminUrl = (path: string) => `http://127.0.0.1:${gw.adminAddr.port}${path}`;
  return {
    ...gw,
    warnings,
    logLines: sink.lines,
    url: (path) =>
      `${
        options.args?.includes("--tls-cert") ? "https" : "http"
      }://127.0.0.1:${gw.proxyAddr.port}${path}`,
    adminUrl,
    api: (method, path, body, token = TEST_ADMIN_TOKEN) =>
      fetch(adminUrl(path), {
        method,
        headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
        body: body === undefined ? undefined : JSON.stringify(body),
      }),
  };
}

/** One member of {@link addBalancedRoute}: a direct AJP connection on loopback. */
export interface BalancedMember {
  /** Connection name, also the member's session route. */
  name: string;
  port: number;
  secret?: string;
  loadFactor?: number;
}

/**
 * Stores a direct connection per member, a sticky (JSESSIONID) byrequests balancer "lb" over
 * them and a route `prefix` -> `backendPath` through it, then applies the change.
 */
export async function addBalancedRoute(
  gw: Gateway,
  members: BalancedMember[],
  prefix: string,
  backendPath: string,
): Promise<void> {
  const repos = gw.store.repos;
  for (const { name, port, secret } of members) {
    await repos.connections.create(
      { name, type: "direct", host: "127.0.0.1", port, ...(secret ? { secret } : {}) },
      "admin",
    );
  }
  await repos.balancers.create({
    name: "lb",
    method: "byrequests",
    stickySession: "JSESSIONID",
    members: members.map((m) => ({
      connection: m.name,
      loadFactor: m.loadFactor ?? 1,
      route: m.name,
    })),
  }, "admin");
  await repos.routes.create({ pathPrefix: prefix, balancer: "lb", backendPath }, "admin");
  await gw.sync.refresh();
}
