/**
 * The `ajpgate` command: `start [options]` runs the gateway (see src/config/cli.ts);
 * `cli ...` runs a management task on the store (see src/config/admin_cli.ts).
 * Configuration mistakes print one line and exit 2; SIGINT/SIGTERM stop it gracefully.
 * @module
 */
import { parseStartOptions } from "./src/config/cli.ts";
import { ConfigError } from "./src/config/proxy_pass.ts";
import { DbConflictError, DbNotFoundError } from "./db/errors.ts";
import { selfCommand, superviseWorkers, WORKER_OF_ENV } from "./src/supervisor.ts";
import denoJson from "./deno.json" with { type: "json" };

const USAGE = "usage: ajpgate start [--listen HOST:PORT] [--admin-listen HOST:PORT] " +
  '[--proxy-pass "PREFIX ajp://HOST:PORT/PATH [key=value ...]"]... [--db URL]\n' +
  "       [--header-timeout S(20)] [--keepalive-timeout S(5)] [--body-timeout S(60)]\n" +
  "       [--max-connections N(1000)] [--max-headers N(100)] [--pre-read BYTES(65536)]\n" +
  "       ajpgate cli user add NAME [--superuser] | token create USER | connection list [--db URL]";

const env = (name: string) => Deno.env.get(name);

async function start(args: string[]): Promise<number> {
  const options = parseStartOptions(args, env);
  const workerOf = Number(env(WORKER_OF_ENV) ?? "0");
  if (options.workers > 1 && !workerOf) {
    if (options.listen.port === 0 || options.adminListen.port === 0) {
      throw new ConfigError("--workers above 1 needs fixed ports for --listen and --admin-listen");
    }
    return await superviseWorkers(options.workers, selfCommand(args), (l) => console.error(l));
  }
  let gateway;
  try {
    // Loaded here, not at the top: a --workers supervisor never serves, and without the
    // server, the database driver and the API it stays a small process.
    const { startGateway } = await import("./routes/serve.ts");
    gateway = await startGateway(options, { workerOf: workerOf || undefined });
  } catch (err) {
    console.error(`ajpgate: cannot start: ${err instanceof Error ? err.message : String(err)}`);
    return 1;
  }
  const { proxyAddr, adminAddr } = gateway;
  console.error(
    `ajpgate: proxy listening on ${proxyAddr.hostname}:${proxyAddr.port}, ` +
      `management on ${adminAddr.hostname}:${adminAddr.port}`,
  );
  const stopped = Promise.withResolvers<void>();
  const stop = () => {
    console.error("ajpgate: stopping");
    gateway.shutdown().then(() => stopped.resolve());
  };
  Deno.addSignalListener("SIGINT", stop);
  Deno.addSignalListener("SIGTERM", stop);
  if (options.tls) {
    Deno.addSignalListener("SIGHUP", () => {
      gateway.reloadTls().then(
        () => console.error("ajpgate: TLS certificate reloaded"),
        (err) =>
          console.error(
            `ajpgate: TLS reload failed, keeping the current certificate: ${
              err instanceof Error ? err.message : String(err)
            }`,
          ),
      );
    });
  }
  await stopped.promise;
  return 0;
}

async function main(args: string[]): Promise<number> {
  const [command, ...rest] = args;
  if (command === "--version") {
    console.log(`ajpgate ${denoJson.version}`);
    return 0;
  }
  try {
    if (command === "start") return await start(rest);
    if (command === "cli") {
      const { runAdminCli } = await import("./src/config/admin_cli.ts");
      return await runAdminCli(rest, env, (line) => console.log(line));
    }
  } catch (err) {
    if (
      err instanceof ConfigError || err instanceof DbConflictError || err instanceof DbNotFoundError
    ) {
      console.error(`ajpgate: ${err.message}`);
      return 2;
    }
    console.error(`ajpgate: ${err instanceof Error ? err.message : String(err)}`);
    return 1;
  }
  console.error(command === undefined ? USAGE : `ajpgate: unknown command "${command}"\n${USAGE}`);
  return 2;
}

if (import.meta.main) Deno.exit(await main(Deno.args));
