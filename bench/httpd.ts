/**
 * Starts Debian's Apache httpd (`apache2`) in the foreground with a throwaway ServerRoot and
 * the configuration of httpd_config.ts, and stops it by pid.
 * @module
 */

import { type HttpdVhost, renderHttpdConf } from "./httpd_config.ts";
import { type LoggedProcess, spawnLogged, tail, waitFor } from "./process.ts";

/** Debian's module directory. */
export const HTTPD_MODULES_DIR = "/usr/lib/apache2/modules";

/** A running httpd. */
export interface Httpd {
  readonly pid: number;
  readonly serverRoot: string;
  /** Stops httpd (SIGTERM, then SIGKILL) and removes its ServerRoot. Idempotent. */
  stop(): Promise<void>;
  /** The error log and whatever httpd printed. */
  logs(): Promise<string>;
  [Symbol.asyncDispose](): Promise<void>;
}

/** What {@link startHttpd} runs. */
export interface StartHttpdOptions {
  /** The apache2 binary. */
  binary: string;
  vhosts: HttpdVhost[];
  /** A path under each vhost's prefix that must answer 200 before httpd counts as ready. */
  readyPath: string;
  /** Write an access log. Default false. */
  accessLog?: boolean;
  /** The certificate (PEM) that TLS vhosts' readiness checks trust. Default none. */
  caCert?: string;
  /** Default 30000 ms. */
  startupTimeoutMs?: number;
}

/**
 * Writes the configuration into a new temporary ServerRoot and runs
 * `apache2 -d ROOT -f ROOT/httpd.conf -DFOREGROUND`, which needs none of the APACHE_* variables
 * of Debian's apache2ctl since the configuration names every path itself. Children run as
 * www-data when we are root. Ready once every vhost answers `readyPath` with 200.
 */
export async function startHttpd(options: StartHttpdOptions): Promise<Httpd> {
  const root = await Deno.makeTempDir({ prefix: "ajpgate-bench-httpd-" });
  for (const dir of ["run", "logs", "htdocs"]) await Deno.mkdir(`${root}/${dir}`);
  const conf = renderHttpdConf({
    serverRoot: root,
    modulesDir: HTTPD_MODULES_DIR,
    vhosts: options.vhosts,
    user: Deno.uid() === 0 ? "www-data" : undefined,
    accessLog: options.accessLog,
  });
  await Deno.writeTextFile(`${root}/httpd.conf`, conf);
  const proc: LoggedProcess = spawnLogged(
    options.binary,
    ["-d", root, "-f", `${root}/httpd.conf`, "-DFOREGROUND"],
    { logFile: `${root}/logs/stdout.log` },
  );
  const logs = async () =>
    (await proc.log()) +
    (await Deno.readTextFile(`${root}/logs/error_log`).catch(() => ""));
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    await proc.stop();
    if (!Deno.env.get("AJPGATE_BENCH_KEEP")) await Deno.remove(root, { recursive: true });
  };
  try {
    await waitFor("httpd", () => allServe(options), {
      deadlineMs: options.startupTimeoutMs ?? 30_000,
      gone: () => proc.hasExited,
      failure: async () => tail(await logs()),
    });
  } catch (err) {
    await stop();
    throw err;
  }
  return { pid: proc.pid, serverRoot: root, stop, logs, [Symbol.asyncDispose]: stop };
}

async function allServe(options: StartHttpdOptions): Promise<boolean> {
  for (const v of options.vhosts) {
    const client = v.tls && options.caCert
      ? Deno.createHttpClient({ caCerts: [options.caCert] })
      : undefined;
    try {
      const scheme = v.tls ? "https" : "http";
      const res = await fetch(
        `${scheme}://127.0.0.1:${v.port}${v.prefix}${options.readyPath}`,
        client ? { client } : {},
      );
      await res.body?.cancel();
      if (res.status !== 200) return false;
    } catch {
      return false;
    } finally {
      client?.close();
    }
  }
  return true;
}
