/**
 * Starts an in-process gateway on free loopback ports for a test, with the given
 * `--proxy-pass` values; warnings are collected instead of printed.
 * @module
 */
import { parseStartOptions } from "../../src/config/cli.ts";
import { type Gateway, startGateway } from "../../routes/serve.ts";

/** A gateway under test. */
export interface TestGateway extends Gateway {
  /** `http://127.0.0.1:PORT` + path on the proxy listener. */
  url(path: string): string;
  /** `http://127.0.0.1:PORT` + path on the management listener. */
  adminUrl(path: string): string;
  warnings: string[];
}

/** See module doc. */
export async function startTestGateway(proxyPass: string[]): Promise<TestGateway> {
  const args = ["--listen", "127.0.0.1:0", "--admin-listen", "127.0.0.1:0"];
  for (const p of proxyPass) args.push("--proxy-pass", p);
  const warnings: string[] = [];
  const gw = await startGateway(parseStartOptions(args, () => undefined), {
    warn: (m) => warnings.push(m),
  });
  return {
    ...gw,
    warnings,
    url: (path) => `http://127.0.0.1:${gw.proxyAddr.port}${path}`,
    adminUrl: (path) => `http://127.0.0.1:${gw.adminAddr.port}${path}`,
  };
}
