/**
 * The `ajpgate` command: `start [options]` runs the gateway (see src/cli/start_options.ts);
 * `cli ...` runs a management task on the store (see src/cli/admin_cli.ts); `check [FILE]`
 * validates an environment file. `--help`/`-h` and `--version`/`-V` work everywhere.
 * Configuration mistakes print one line and exit 2; SIGINT/SIGTERM stop it gracefully;
 * SIGHUP reloads TLS material and never stops the process.
 * @module
 */
import { parseStartOptions } from "./src/cli/start_options.ts";
import { ConfigError } from "./src/config/proxy_pass.ts";
import { DbConflictError, DbNotFoundError } from "./db/errors.ts";
import {
  CHECK_HELP,
  cliHelp,
  MAIN_HELP,
  startHelp,
  wantsHelp,
  wantsVersion,
} from "./src/cli/help.ts";
import { selfCommand, superviseWorkers, WORKER_OF_ENV } from "./src/server/supervisor.ts";
import denoJson from "./deno.json" with { type: "json" };

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
    const { startGateway } = await import("./src/server/gateway.ts");
    const { gatewayApps } = await import("./routes/mod.ts");
    gateway = await startGateway(options, gatewayApps, { workerOf: workerOf || undefined });
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
  // SIGHUP's default action ends the process: always handle it, so that an operator's
  // reload never cuts responses in flight.
  Deno.addSignalListener("SIGHUP", () => {
    if (!options.tls) {
      console.error("ajpgate: SIGHUP: nothing to reload (no TLS configured); still running");
      return;
    }
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
  await stopped.promise;
  return 0;
}

async function main(args: string[]): Promise<number> {
  const [command, ...rest] = args;
  if (wantsVersion(command) || rest.includes("--version") || rest.includes("-V")) {
    console.log(`ajpgate ${denoJson.version}`);
    return 0;
  }
  if (command === undefined || command === "--help" || command === "-h" || command === "help") {
    const topic = rest[0];
    const help = topic === "start"
      ? startHelp()
      : topic === "cli"
      ? cliHelp(rest[1])
      : topic === "check"
      ? CHECK_HELP
      : MAIN_HELP;
    if (command === undefined) console.error(help);
    else console.log(help);
    return command === undefined ? 2 : 0;
  }
  try {
    if (command === "start") {
      if (wantsHelp(rest)) return print(startHelp());
      return await start(rest);
    }
    if (command === "cli") {
      if (wantsHelp(rest)) return print(cliHelp(rest.find((w) => !w.startsWith("-"))));
      const { runAdminCli } = await import("./src/cli/admin_cli.ts");
      return await runAdminCli(rest, env, (line) => console.log(line));
    }
    if (command === "check") {
      if (wantsHelp(rest)) return print(CHECK_HELP);
      const { checkEnvFile, checkFileArg } = await import("./deploy/check_file.ts");
      const file = checkFileArg(rest, (line) => console.error(`ajpgate check: ${line}`));
      if (file === null) return 2;
      return await checkEnvFile(file, { out: console.log, err: console.error });
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
  console.error(`ajpgate: unknown command "${command}"\n${MAIN_HELP}`);
  return 2;
}

function print(text: string): number {
  console.log(text);
  return 0;
}

if (import.meta.main) Deno.exit(await main(Deno.args));
