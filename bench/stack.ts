/**
 * Everything the benchmark talks to: Tomcat (HTTP and two AJP connectors), the reference
 * `Deno.serve` server, the `deno-relay` floor fronts, one httpd with a VirtualHost per AJP
 * packet size, and two gateways (`--workers 1` and `--workers 2`) with the same two routes,
 * each on free loopback ports; and the fronts, the base URLs that all reach the webapp's `/app`
 * context (or, for the reference server, answer as it does).
 * @module
 */

import { freePort } from "../tests/support/ports.ts";
import { type BenchGateway, type GatewayName, startBenchGateway } from "./bench_gateway.ts";
import { type Httpd, startHttpd } from "./httpd.ts";
import type { FrontName } from "./options.ts";
import { type ReferenceProcess, startReferenceProcess } from "./reference_process.ts";
import { type BenchTomcat, startBenchTomcat } from "./tomcat_backend.ts";

/** A way in to the webapp. */
export interface Front {
  readonly name: FrontName;
  /** Base URL; scenario paths are appended to it. A gateway's follows its restarts. */
  readonly url: string;
  readonly description: string;
  /**
   * The root of the process tree that proxies this front (httpd's parent, the gateway's
   * process or supervisor, the reference server), whose CPU time it costs; null for Tomcat
   * direct, which is the backend itself.
   */
  readonly proxyPid: number | null;
  /** The gateway that serves it; null for the other fronts. */
  readonly gateway: BenchGateway | null;
  /** Whether Tomcat answers it, so that Tomcat's CPU counts; false for the reference server. */
  readonly usesTomcat: boolean;
  /** False for the relay, which reads each request body whole: it takes no part in transfers. */
  readonly transfers?: false;
}

/** The running stack. Dispose it to stop every process by its pid. */
export interface Stack {
  tomcat: BenchTomcat;
  /** The AJP connectors' secret. */
  secret: string;
  httpd: Httpd | null;
  /** The `deno-serve` front's server, when chosen. */
  reference: ReferenceProcess | null;
  /** The `deno-relay` fronts' processes, when chosen. */
  relays: ReferenceProcess[];
  /** The gateways that serve a chosen front, in front order. */
  gateways: BenchGateway[];
  fronts: Front[];
  /**
   * The pids of every long-lived process the benchmark started (its direct children), of the
   * moment: when one of them ends, its CPU joins the benchmark's reaped-children time.
   */
  peerPids(): number[];
  [Symbol.asyncDispose](): Promise<void>;
}

/** What to start. */
export interface StackOptions {
  fronts: readonly FrontName[];
  /** The apache2 binary, or null to leave httpd out. */
  apache2: string | null;
  /** Appended to both gateways' command line, before their own `--workers`. */
  gatewayArgs: string[];
  /** Access logs on both proxies. */
  accessLog: boolean;
  repoRoot: string;
  /** Where logs go. */
  workDir: string;
  log: (line: string) => void;
}

/** The gateways: each serves an 8 KiB-packet front and a 64 KiB-packet front. */
const GATEWAYS: readonly { name: GatewayName; workers: number; fronts: [FrontName, FrontName] }[] =
  [
    { name: "ajpgate", workers: 1, fronts: ["ajpgate", "ajpgate-64k"] },
    { name: "ajpgate-w2", workers: 2, fronts: ["ajpgate-w2", "ajpgate-w2-64k"] },
  ];

/** The floor fronts: the least an AJP front on Deno can do (bench/relay_floor.ts). */
const RELAYS: readonly {
  name: FrontName;
  packetSize: number;
  connector: "ajp8kPort" | "ajp64kPort";
}[] = [
  { name: "deno-relay", packetSize: 8192, connector: "ajp8kPort" },
  { name: "deno-relay-64k", packetSize: 65536, connector: "ajp64kPort" },
];

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
    const add = (front: Front) => {
      if (options.fronts.includes(front.name)) fronts.push(front);
    };
    add({
      name: "tomcat",
      url: `http://127.0.0.1:${tomcat.httpPort}/app`,
      description: "Tomcat's HTTP/1.1 connector",
      proxyPid: null,
      gateway: null,
      usesTomcat: true,
    });

    let reference: ReferenceProcess | null = null;
    if (wants("deno-serve")) {
      options.log("starting the reference Deno.serve server");
      reference = await startReferenceProcess({
        repoRoot: options.repoRoot,
        logFile: `${options.workDir}/deno-serve.log`,
      });
      cleanup.defer(() => reference!.stop());
      add({
        name: "deno-serve",
        url: `http://127.0.0.1:${reference.port}/app`,
        description: "Deno.serve answering itself (bench/reference_server.ts), no backend",
        proxyPid: reference.pid,
        gateway: null,
        usesTomcat: false,
      });
    }

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
        const common = { proxyPid: h.pid, gateway: null, usesTomcat: true };
        add({
          name: "httpd",
          url: `http://127.0.0.1:${p8k}${PREFIX_8K}`,
          description: "httpd mod_proxy_ajp, 8 KiB packets",
          ...common,
        });
        add({
          name: "httpd-64k",
          url: `http://127.0.0.1:${p64k}${PREFIX_64K}`,
          description: "httpd mod_proxy_ajp, ProxyIOBufferSize 65536",
          ...common,
        });
        return h;
      });
      cleanup.defer(() => httpd!.stop());
    }

    const relays: ReferenceProcess[] = [];
    for (const r of RELAYS.filter((r) => wants(r.name))) {
      options.log(`starting ${r.name}`);
      const relay = await startReferenceProcess({
        repoRoot: options.repoRoot,
        logFile: `${options.workDir}/${r.name}.log`,
        relay: {
          ajpPort: tomcat[r.connector],
          packetSize: r.packetSize,
          secret,
        },
      });
      cleanup.defer(() => relay.stop());
      relays.push(relay);
      add({
        name: r.name,
        url: `http://127.0.0.1:${relay.port}/app`,
        description: `Deno.serve relaying to AJP with nothing else (bench/relay_floor.ts), ${
          r.packetSize / 1024
        } KiB packets`,
        proxyPid: relay.pid,
        gateway: null,
        usesTomcat: true,
        transfers: false,
      });
    }

    const gateways: BenchGateway[] = [];
    for (const g of GATEWAYS.filter((g) => wants(...g.fronts))) {
      options.log(`starting ${g.name} (--workers ${g.workers})`);
      const gateway = await startBenchGateway({
        name: g.name,
        workers: g.workers,
        frontNames: g.fronts,
        logPrefix: `${options.workDir}/${g.name}`,
        start: {
          repoRoot: options.repoRoot,
          // Ours last: the CLI keeps an option's last value, so the front names stay true.
          extraArgs: [...options.gatewayArgs, "--workers", String(g.workers)],
          logLevel: options.accessLog ? "info" : "warn",
          proxyPass: [
            `${PREFIX_8K} ${ajp8k} secret=${secret}`,
            `${PREFIX_64K} ${ajp64k} secret=${secret} packetsize=65536`,
          ],
        },
      });
      cleanup.defer(() => gateway.stop());
      gateways.push(gateway);
      const workers = g.workers > 1 ? `--workers ${g.workers}, ` : "";
      add(gatewayFront(gateway, g.fronts[0], PREFIX_8K, `ajpgate, ${workers}8 KiB packets`));
      add(gatewayFront(gateway, g.fronts[1], PREFIX_64K, `ajpgate, ${workers}packetsize=65536`));
    }
    const moved = cleanup.move();
    const peerPids = () => [
      tomcat.instance.pid,
      ...(reference ? [reference.pid] : []),
      ...relays.map((r) => r.pid),
      ...(httpd ? [httpd.pid] : []),
      ...gateways.map((g) => g.process.pid),
    ];
    return {
      tomcat,
      secret,
      httpd,
      reference,
      relays,
      gateways,
      fronts,
      peerPids,
      [Symbol.asyncDispose]: () => moved.disposeAsync(),
    };
  } catch (err) {
    await cleanup.disposeAsync();
    throw err;
  }
}

/** A front of `gateway` whose URL and pid follow the gateway's restarts. */
function gatewayFront(
  gateway: BenchGateway,
  name: FrontName,
  prefix: string,
  description: string,
): Front {
  return {
    name,
    get url() {
      return `${gateway.baseUrl}${prefix}`;
    },
    description,
    get proxyPid() {
      return gateway.process.pid;
    },
    gateway,
    usesTomcat: true,
  };
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
