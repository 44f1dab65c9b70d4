/**
 * Everything the benchmark talks to: Tomcat (HTTP and two AJP connectors), one httpd with a
 * VirtualHost per AJP packet size, and the gateway with the same two routes, each on free
 * loopback ports; and the fronts, the base URLs that all reach the webapp's `/app` context.
 * @module
 */

import { freePort } from "../tests/support/ports.ts";
import { type GatewayProcess, startGatewayProcess } from "./gateway_process.ts";
import { type Httpd, startHttpd } from "./httpd.ts";
import type { FrontName } from "./options.ts";
import { type BenchTomcat, startBenchTomcat } from "./tomcat_backend.ts";

/** A way in to the webapp. */
export interface Front {
  name: FrontName;
  /** Base URL; scenario paths are appended to it. */
  url: string;
  description: string;
}

/** The running stack. Dispose it to stop every process by its pid. */
export interface Stack {
  tomcat: BenchTomcat;
  httpd: Httpd | null;
  gateway: GatewayProcess | null;
  fronts: Front[];
  [Symbol.asyncDispose](): Promise<void>;
}

/** What to start. */
export interface StackOptions {
  fronts: readonly FrontName[];
  /** The apache2 binary, or null to leave httpd out. */
  apache2: string | null;
  gatewayArgs: string[];
  /** Access logs on both proxies. */
  accessLog: boolean;
  repoRoot: string;
  /** Where logs go. */
  workDir: string;
  log: (line: string) => void;
}

/** Both routes use the webapp's /app context; "/big" is the 64 KiB-packet route. */
const PREFIX_8K = "/app";
const PREFIX_64K = "/big";
const READY_PATH = "/stream?bytes=13&cl=1";

/**
 * Starts the processes the chosen fronts need. On failure, whatever was started is stopped
 * before the error is rethrown.
 */
export async function startStack(options: StackOptions): Promise<Stack> {
  const wants = (...names: FrontName[]) => names.some((n) => options.fronts.includes(n));
  const secret = `bench-${crypto.randomUUID()}`;
  const cleanup = new AsyncDisposableStack();
  try {
    options.log("starting Tomcat");
    const tomcat = await startBenchTomcat(secret);
    cleanup.defer(() => tomcat.instance.stop());
    const ajp8k = `ajp://127.0.0.1:${tomcat.ajp8kPort}/app`;
    const ajp64k = `ajp://127.0.0.1:${tomcat.ajp64kPort}/app`;
    const fronts: Front[] = [];
    const add = (name: FrontName, url: string, description: string) => {
      if (options.fronts.includes(name)) fronts.push({ name, url, description });
    };
    add("tomcat", `http://127.0.0.1:${tomcat.httpPort}/app`, "Tomcat's HTTP/1.1 connector");

    let httpd: Httpd | null = null;
    if (options.apache2 && wants("httpd", "httpd-64k")) {
      options.log("starting httpd");
      httpd = await withFreshPorts(async () => {
        const [p8k, p64k] = [await freePort(), await freePort()];
        const h = await startHttpd({
          binary: options.apache2!,
          readyPath: READY_PATH,
          accessLog: options.accessLog,
          vhosts: [
            { port: p8k, prefix: PREFIX_8K, target: ajp8k, secret },
            { port: p64k, prefix: PREFIX_64K, target: ajp64k, secret, ioBufferSize: 65536 },
          ],
        });
        return [h, p8k, p64k] as const;
      }).then(([h, p8k, p64k]) => {
        add("httpd", `http://127.0.0.1:${p8k}${PREFIX_8K}`, "httpd mod_proxy_ajp, 8 KiB packets");
        add(
          "httpd-64k",
          `http://127.0.0.1:${p64k}${PREFIX_64K}`,
          "httpd mod_proxy_ajp, ProxyIOBufferSize 65536",
        );
        return h;
      });
      cleanup.defer(() => httpd!.stop());
    }

    let gateway: GatewayProcess | null = null;
    if (wants("ajpgate", "ajpgate-64k")) {
      options.log("starting ajpgate");
      gateway = await startGatewayProcess({
        repoRoot: options.repoRoot,
        logFile: `${options.workDir}/ajpgate.log`,
        extraArgs: options.gatewayArgs,
        logLevel: options.accessLog ? "info" : "warn",
        proxyPass: [
          `${PREFIX_8K} ${ajp8k} secret=${secret} max=512`,
          `${PREFIX_64K} ${ajp64k} secret=${secret} packetsize=65536 max=512`,
        ],
      });
      cleanup.defer(() => gateway!.stop());
      const base = `http://127.0.0.1:${gateway.port}`;
      add("ajpgate", `${base}${PREFIX_8K}`, "ajpgate, 8 KiB packets");
      add("ajpgate-64k", `${base}${PREFIX_64K}`, "ajpgate, packetsize=65536");
    }
    const moved = cleanup.move();
    return { tomcat, httpd, gateway, fronts, [Symbol.asyncDispose]: () => moved.disposeAsync() };
  } catch (err) {
    await cleanup.disposeAsync();
    throw err;
  }
}

/** Runs `start` up to 3 times while it fails because a port was taken meanwhile. */
async function withFreshPorts<T>(start: () => Promise<T>): Promise<T> {
  for (let attempt = 1;; attempt++) {
    try {
      return await start();
    } catch (err) {
      if (attempt === 3 || !/in use|could not bind/i.test(String(err))) throw err;
    }
  }
}
