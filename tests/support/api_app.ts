/**
 * Test helpers for the management API: a fake LiveView, and the API app over an
 * in-memory store with a superuser token.
 * @module
 */
import {
  createRepositories,
  createSecretBox,
  importSecretKey,
  openDatabase,
} from "../../db/mod.ts";
import type { ConnectionStatus, LiveView, ReadOnlyRoute } from "../../src/config/live_view.ts";
import { BackendPolicy } from "../../src/proxy/backend_policy.ts";
import { createApiApp } from "../../routes/api/mod.ts";

/** A LiveView that records what the API asked of it. */
export interface FakeLive extends LiveView {
  refreshes: number;
  resets: string[];
}

/** One read-only command-line route, `cli-1`: `/legacy` to `ajp://legacy:8009`. */
export const CLI_ROUTE: ReadOnlyRoute = {
  id: "cli-1",
  host: null,
  pathPrefix: "/legacy",
  connection: "ajp://legacy:8009",
  backendPath: "/legacy",
  preserveHost: true,
  enabled: true,
  readOnly: true,
};

/**
 * Names the test API resolves, without DNS: documentation addresses (192.0.2.0/24, the
 * allow-list of {@linkcode openApi}) for "tomcat", "a", "b"; loopback for "rebind.example".
 */
export const TEST_HOSTS: Record<string, string[]> = {
  tomcat: ["192.0.2.10"],
  a: ["192.0.2.1"],
  b: ["192.0.2.2"],
  "rebind.example": ["192.0.2.3", "127.0.0.1"],
};

/** A fake LiveView: every connection idle (or "disabled" once named in `disabled`). */
export function fakeLive(): FakeLive {
  const live: FakeLive = {
    refreshes: 0,
    resets: [],
    status: (): ConnectionStatus => ({
      state: "idle",
      error: null,
      stats: { idle: 0, busy: 0, requests: 0, failures: 0, bytesIn: 0, bytesOut: 0 },
    }),
    readOnlyRoutes: () => [CLI_ROUTE],
    refresh: () => {
      live.refreshes++;
      return Promise.resolve();
    },
    reset: (name) => {
      live.resets.push(name);
      return Promise.resolve();
    },
  };
  return live;
}

/** Request options for {@linkcode ApiHarness.call}. */
export interface CallOptions {
  token?: string | null;
  body?: unknown;
  /** Sent as is instead of `JSON.stringify(body)`. */
  raw?: BodyInit;
  headers?: Record<string, string>;
}

/**
 * The API over a fresh `:memory:` store with superuser "root" and its token; ordinary users
 * may name backends in 192.0.2.0/24 (names resolve by {@linkcode TEST_HOSTS}).
 */
export async function openApi() {
  const db = await openDatabase(":memory:");
  const key = await importSecretKey(crypto.getRandomValues(new Uint8Array(32)));
  const repos = createRepositories(db, createSecretBox(key));
  const live = fakeLive();
  const logged: unknown[] = [];
  const policy = new BackendPolicy({ allow: ["192.0.2.0/24"] });
  const checkBackend = (host: string, port: number) =>
    policy.check(host, port, (name) => Promise.resolve(TEST_HOSTS[name] ?? []));
  const app = createApiApp({ repos, live, checkBackend, log: (_m, e) => logged.push(e) });
  await repos.users.create({ name: "root", superuser: true }, "test");
  const rootToken = (await repos.users.createToken("root", "test", "test")).token;

  /** Creates a user with a token; returns the token. */
  const userWithToken = async (name: string, superuser = false) => {
    await repos.users.create({ name, superuser }, "test");
    return (await repos.users.createToken(name, "test", "test")).token;
  };

  /** Sends a request; `token` defaults to root's, null sends none. */
  const call = (method: string, path: string, opts: CallOptions = {}) => {
    const headers: Record<string, string> = { ...opts.headers };
    const token = opts.token === undefined ? rootToken : opts.token;
    if (token !== null) headers.authorization = `Bearer ${token}`;
    let body: BodyInit | undefined = opts.raw;
    if (body === undefined && opts.body !== undefined) body = JSON.stringify(opts.body);
    if (body !== undefined) headers["content-type"] ??= "application/json";
    // duplex "half" lets a ReadableStream body through; Deno's RequestInit type lacks it
    return app.request(path, { method, headers, body, duplex: "half" } as RequestInit);
  };

  return {
    app,
    repos,
    live,
    logged,
    rootToken,
    userWithToken,
    call,
    [Symbol.asyncDispose]: () => Promise.resolve(db.close()),
  };
}

/** The harness {@linkcode openApi} returns. */
export type ApiHarness = Awaited<ReturnType<typeof openApi>>;
