/**
 * The `ajpgate` command: `start [options]` runs the gateway (see src/config/cli.ts).
 * Configuration mistakes print one line and exit 2; SIGINT/SIGTERM stop it gracefully.
 * @module
 */
import { parseStartOptions } from "./src/config/cli.ts";
import { ConfigError } from "./src/config/proxy_pass.ts";
import { startGateway } from "./routes/serve.ts";

const USAGE = "usage: ajpgate start [--listen HOST:PORT] [--admin-listen HOST:PORT] " +
  '[--proxy-pass "PREFIX ajp://HOST:PORT/PATH [key=value ...]"]... [--db URL]';

async function main(args: string[]): Promise<number> {
  const [command, ...rest] = args;
  if (command !== "start") {
    console.error(
      command === undefined ? USAGE : `ajpgate: unknown command "${command}"\n${USAGE}`,
    );
    return 2;
  }
  let options;
  try {
    options = parseStartOptions(rest, (name) => Deno.env.get(name));
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(`ajpgate: ${err.message}`);
      return 2;
    }
    throw err;
  }
  let gateway;
  try {
    gateway = await startGateway(options);
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
  await stopped.promise;
  return 0;
}

if (import.meta.main) Deno.exit(await main(Deno.args));
