/**
 * Runs ajpgate as a separate process, as in production: `deno run main.ts start` with an
 * in-memory database (a temporary file with `--workers`), free loopback ports and the given
 * `--proxy-pass` routes, plus any extra arguments passed through unchanged (`--gateway-arg`,
 * e.g. `--workers 2`).
 * @module
 */

import { freePort } from "../tests/support/ports.ts";
import { denoRunArgs } from "../src/server/supervisor.ts";
import { findProcess, type LoggedProcess, spawnLogged, tail, waitFor } from "./process.ts";

/** A running gateway process. */
export interface GatewayProcess {
  /**
   * The pid of the Deno process that runs main.ts; its RSS, plus that of its descendants
   * (the workers of `--workers`), is the gateway's.
   */
  readonly pid: number;
  readonly port: number;
  readonly adminPort: number;
  /** The full command line it was started with, for the report. */
  readonly argv: readonly string[];
  /** SIGTERM (a graceful shutdown), then SIGKILL after 10 s. Idempotent. */
  stop(): Promise<void>;
  logs(): Promise<string>;
  [Symbol.asyncDispose](): Promise<void>;
}

/** What {@link startGatewayProcess} runs. */
export interface StartGatewayOptions {
  /** The repository root, with main.ts (the working directory of the gateway). */
  repoRoot: string;
  /** `--proxy-pass` values. */
  proxyPass: string[];
  /**
   * `--log-level`: "warn" leaves the access log out (the benchmark's httpd has none either),
   * "info" writes it to the gateway's log file. Default "warn".
   */
  logLevel?: "warn" | "info";
  /** Extra arguments appended to `main.ts start ...` (they win over ours). Default none. */
  extraArgs?: string[];
  /** The deno binary. Default: the one running the benchmark. */
  deno?: string;
  /** Where its output goes. */
  logFile: string;
  /** Default 60000 ms (the first start may type-check and load npm packages). */
  startupTimeoutMs?: number;
  /**
   * The proxy and management ports to try first (a restart keeps its predecessor's); free
   * ones are picked when they are taken. Default: free ones.
   */
  ports?: { port: number; adminPort: number };
}

const LISTENING = /ajpgate: proxy listening on [^\s,]+:\d+, management on [^\s,]+:\d+/;
const WORKERS_RUNNING = /ajpgate: \d+ workers running/;

/**
 * Starts the gateway on loopback ports (`options.ports`, else free ones; fixed ones, since
 * `--workers` above 1 refuses port 0) and waits for its "ajpgate: proxy listening on H:P,
 * management on H:P" line, and with `--workers` for the supervisor's "N workers running".
 * Retries with new ports when one was taken meanwhile. The admin token is random: the
 * benchmark never uses the management API.
 */
export async function startGatewayProcess(options: StartGatewayOptions): Promise<GatewayProcess> {
  for (let attempt = 1;; attempt++) {
    try {
      const ports = attempt === 1 && options.ports
        ? options.ports
        : { port: await freePort(), adminPort: await freePort() };
      return await startOnce(options, ports.port, ports.adminPort);
    } catch (err) {
      if (attempt === 3 || !/in use/i.test(String(err))) throw err;
    }
  }
}

async function startOnce(
  options: StartGatewayOptions,
  port: number,
  adminPort: number,
): Promise<GatewayProcess> {
  const deno = options.deno ?? Deno.execPath();
  const extra = options.extraArgs ?? [];
  const supervised = workersOf(extra) > 1;
  // workers must share one store (start refuses :memory: with --workers above 1); the
  // benchmark's routes come from --proxy-pass, so a throwaway file is enough
  const dbDir = supervised ? await Deno.makeTempDir({ prefix: "ajpgate-bench-db-" }) : null;
  const removeDb = () =>
    dbDir === null ? Promise.resolve() : Deno.remove(dbDir, { recursive: true }).catch(() => {});
  // as the `start` task: the same flags and permissions
  const args = denoRunArgs("main.ts", [
    "start",
    "--listen",
    `127.0.0.1:${port}`,
    "--admin-listen",
    `127.0.0.1:${adminPort}`,
    "--db",
    dbDir === null ? ":memory:" : `file:${dbDir}/gw.db`,
    "--log-level",
    options.logLevel ?? "warn",
    ...options.proxyPass.flatMap((p) => ["--proxy-pass", p]),
    ...extra,
  ]);
  const token = Array.from(
    crypto.getRandomValues(new Uint8Array(24)),
    (b) => b.toString(16).padStart(2, "0"),
  ).join("");
  const proc: LoggedProcess = spawnLogged(deno, args, {
    logFile: options.logFile,
    cwd: options.repoRoot,
    // RUST_BACKTRACE would only add noise to a crash report; NO_COLOR keeps the log plain.
    env: { AJPGATE_ADMIN_TOKEN: token, RUST_BACKTRACE: "0", NO_COLOR: "1" },
  });
  const ready = async () => {
    const log = await proc.log();
    return LISTENING.test(log) && (!supervised || WORKERS_RUNNING.test(log));
  };
  try {
    await waitFor("the gateway", ready, {
      deadlineMs: options.startupTimeoutMs ?? 60_000,
      gone: () => proc.hasExited,
      failure: async () => tail(await proc.log()),
    });
  } catch (err) {
    await proc.stop();
    await removeDb();
    throw err;
  }
  // `sh` execs deno, so proc.pid is normally the gateway itself; if deno was a wrapper that
  // forked, measure the process that actually runs main.ts.
  const pid = findProcess(proc.pid, (argv) => argv.includes("main.ts")) ?? proc.pid;
  const stop = async () => {
    await proc.stop();
    await removeDb();
  };
  return {
    pid,
    port,
    adminPort,
    argv: [deno, ...args],
    stop,
    logs: () => proc.log(),
    [Symbol.asyncDispose]: stop,
  };
}

/** The `--workers` value among `args` (the last one wins, as in the CLI), default 1. */
export function workersOf(args: readonly string[]): number {
  let n = 1;
  for (let i = 0; i < args.length; i++) {
    const m = /^--workers(?:=(.*))?$/.exec(args[i]);
    if (m) n = Number(m[1] ?? args[++i]) || 1;
  }
  return n;
}
