/**
 * Runs `ajpgate start` as a separate process on free loopback ports, for tests that need
 * two gateways sharing one database, or a gateway that a signal stops.
 * @module
 */
import { denoRunArgs } from "../../src/server/supervisor.ts";

const REPO_ROOT = new URL("../../", import.meta.url).pathname;
const MAIN = `${REPO_ROOT}main.ts`;
const LISTENING = /proxy listening on [^\s,]+:(\d+), management on [^\s,]+:(\d+)/;

/** What to start. */
export interface GatewayProcessOptions {
  /** The `--db` URL, e.g. `file:/tmp/x/gw.db`. */
  db: string;
  /** AJPGATE_ADMIN_TOKEN (at least 32 characters); it is also what {@link GatewayProcess.api} sends. */
  adminToken: string;
  /** Extra `start` arguments, e.g. `--proxy-pass` values. Default none. */
  args?: string[];
  /** Extra environment variables. Default none. */
  env?: Record<string, string>;
  /** Runs the process under `ulimit -n` of this many descriptors. Default: inherited. */
  fdLimit?: number;
  /** How long until the "proxy listening" line may take. Default 30000 ms. */
  startupTimeoutMs?: number;
}

/** A running `ajpgate start`. Dispose it (`await using`) or call {@link stop}. */
export interface GatewayProcess extends AsyncDisposable {
  readonly pid: number;
  readonly proxyPort: number;
  readonly adminPort: number;
  /** `http://127.0.0.1:PORT` + path on the proxy listener. */
  url(path: string): string;
  /** Calls the management API with the admin token (or `token`). */
  api(method: string, path: string, body?: unknown, token?: string): Promise<Response>;
  /** Everything the process wrote to stderr so far. */
  output(): string;
  /** Sends `signal` (default SIGTERM) once and waits for the exit; idempotent. */
  stop(signal?: Deno.Signal): Promise<Deno.CommandStatus>;
}

/**
 * Spawns `deno run main.ts start --listen 127.0.0.1:0 --admin-listen 127.0.0.1:0 --db URL`
 * (with the flags and permissions of the `start` task) and waits for the line that names both ports. Throws with the process's output if it exits
 * or stays silent past the timeout (and kills it then).
 *
 * @example
 * ```ts
 * await using gw = await startGatewayProcess({ db: `file:${dir}/gw.db`, adminToken });
 * const res = await gw.api("GET", "/api/v1/routes");
 * ```
 */
export async function startGatewayProcess(
  options: GatewayProcessOptions,
): Promise<GatewayProcess> {
  const limit = options.fdLimit;
  const command = limit === undefined ? Deno.execPath() : "bash";
  const prefix = limit === undefined
    ? []
    : ["-c", `ulimit -n ${Math.floor(limit)} && exec "$0" "$@"`, Deno.execPath()];
  const child = new Deno.Command(command, {
    args: [
      ...prefix,
      ...denoRunArgs(MAIN, [
        "start",
        "--listen",
        "127.0.0.1:0",
        "--admin-listen",
        "127.0.0.1:0",
        "--db",
        options.db,
        ...(options.args ?? []),
      ]),
    ],
    cwd: REPO_ROOT,
    env: {
      RUST_BACKTRACE: "0",
      NO_COLOR: "1",
      AJPGATE_ADMIN_TOKEN: options.adminToken,
      ...options.env,
    },
    stdin: "null",
    stdout: "null",
    stderr: "piped",
  }).spawn();

  let text = "";
  const listening = Promise.withResolvers<[number, number]>();
  // Drained to the end, so a chatty process never blocks on a full pipe.
  const drained = (async () => {
    for await (const chunk of child.stderr.pipeThrough(new TextDecoderStream())) {
      text += chunk;
      const m = LISTENING.exec(text);
      if (m) listening.resolve([Number(m[1]), Number(m[2])]);
    }
    listening.reject(new Error(`ajpgate exited before listening:\n${text}`));
  })();

  let stopping: Promise<Deno.CommandStatus> | null = null;
  const stop = (signal: Deno.Signal = "SIGTERM") => {
    stopping ??= (async () => {
      try {
        child.kill(signal);
      } catch { /* already gone */ }
      const status = await child.status;
      await drained;
      return status;
    })();
    return stopping;
  };

  let timer: ReturnType<typeof setTimeout> | undefined;
  let ports: [number, number];
  try {
    ports = await Promise.race([
      listening.promise,
      new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`ajpgate did not listen within the timeout:\n${text}`)),
          options.startupTimeoutMs ?? 30_000,
        );
      }),
    ]);
  } catch (err) {
    await stop("SIGKILL");
    throw err;
  } finally {
    clearTimeout(timer);
  }
  const [proxyPort, adminPort] = ports;
  return {
    pid: child.pid,
    proxyPort,
    adminPort,
    url: (path) => `http://127.0.0.1:${proxyPort}${path}`,
    api: (method, path, body, token = options.adminToken) =>
      fetch(`http://127.0.0.1:${adminPort}${path}`, {
        method,
        headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
        body: body === undefined ? undefined : JSON.stringify(body),
      }),
    output: () => text,
    stop,
    [Symbol.asyncDispose]: async () => {
      await stop();
    },
  };
}
