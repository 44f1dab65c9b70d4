/**
 * The TLS rows of `bench:compare`: ajpgate's TLS listener (`--tls-cert`/`--tls-key`, HTTP/2
 * and HTTP/1.1 by ALPN) against Apache httpd's own TLS (mod_ssl, mod_http2) with
 * mod_proxy_ajp, both in front of the benchmark's Tomcat (8 KiB AJP packets), and the plain
 * ajpgate listener as the reference the TLS rates are compared with. Load comes from h2load
 * (nghttp2-client), which speaks both protocols over TLS; latency percentiles from its
 * per-request log. The 1 MiB responses are also fetched once over HTTP/2 and checked byte by
 * byte.
 * @module
 */

import { startGatewayProcess } from "./gateway_process.ts";
import { type Httpd, startHttpd } from "./httpd.ts";
import { freePort } from "../tests/support/ports.ts";
import { startReferenceProcess } from "./reference_process.ts";
import { percentile } from "./tls_table.ts";

/** One h2load scenario. */
interface TlsScenario {
  id: string;
  label: string;
  path: string;
  connections: number;
  /** HTTP/1.1 (h2load --h1) instead of HTTP/2. */
  h1: boolean;
  /** Response body size, for the byte-exact check (1 MiB rows). */
  bytes: number;
}

/** The scenarios, in order. */
export const TLS_SCENARIOS: readonly TlsScenario[] = [
  {
    id: "tls-get-13b-h2-c32",
    label: "GET 13 B, h2, 32 conns",
    path: "/stream?bytes=13&cl=1",
    connections: 32,
    h1: false,
    bytes: 13,
  },
  {
    id: "tls-get-13b-h1-c32",
    label: "GET 13 B, HTTP/1.1, 32 conns",
    path: "/stream?bytes=13&cl=1",
    connections: 32,
    h1: true,
    bytes: 13,
  },
  {
    id: "tls-get-1mib-h2-c8",
    label: "GET 1 MiB, h2, 8 conns",
    path: "/stream?bytes=1048576&cl=1",
    connections: 8,
    h1: false,
    bytes: 1048576,
  },
];

/** The fronts of the TLS rows. "ajpgate-plain" is the plain listener over HTTP/1.1. */
export type TlsFrontName =
  | "ajpgate-tls"
  | "httpd-tls"
  | "deno-serve-tls"
  | "deno-relay-tls"
  | "ajpgate-plain";

/** One scenario through one front. */
export interface TlsRow {
  scenario: string;
  label: string;
  front: TlsFrontName;
  requestsPerSec: number;
  requests: number;
  mibPerSec: number;
  p50Ms: number;
  p99Ms: number;
  /** Failed + errored requests and non-2xx answers. */
  errors: number;
  /** 1 MiB rows on TLS fronts: whether one HTTP/2 fetch returned the exact bytes. */
  exact?: boolean;
  /** This rate over the plain listener's (HTTP/1.1, same path and connections). */
  vsPlain?: number;
  /** ajpgate-tls and deno-relay-tls: this rate over httpd-tls's in the same scenario. */
  vsHttpdTls?: number;
  /** What went wrong, when something did. */
  errorDetail?: string;
}

/** What the TLS comparison needs from the main stack. */
export interface TlsCompareOptions {
  apache2: string;
  h2load: string;
  repoRoot: string;
  workDir: string;
  /** The loopback port of Tomcat's 8 KiB-packet AJP connector, and its secret. */
  ajpPort: number;
  secret: string;
  /** The plain ajpgate front's base URL (…/app), or null to leave the reference out. */
  plainUrl: string | null;
  durationS: number;
  warmupS: number;
  log(line: string): void;
}

/**
 * Starts httpd-tls, deno-serve-tls (the runtime's TLS server answering from memory, no
 * backend: the ceiling), deno-relay-tls (the floor of an AJP front: bench/relay_floor.ts) and
 * ajpgate-tls, all with the same certificate; measures every scenario, stops them.
 */
export async function runTlsComparison(o: TlsCompareOptions): Promise<TlsRow[]> {
  const ajpTarget = `ajp://127.0.0.1:${o.ajpPort}/app`;
  const certFile = `${o.workDir}/tls-cert.pem`;
  const keyFile = `${o.workDir}/tls-key.pem`;
  await makeCert(certFile, keyFile);
  const ca = await Deno.readTextFile(certFile);
  await using cleanup = new AsyncDisposableStack();
  o.log("TLS: starting httpd with mod_ssl and mod_http2");
  const httpdPort = await freePort();
  const httpd: Httpd = await startHttpd({
    binary: o.apache2,
    readyPath: "/stream?bytes=13&cl=1",
    caCert: ca,
    vhosts: [{
      port: httpdPort,
      prefix: "/app",
      target: ajpTarget,
      secret: o.secret,
      tls: { certFile, keyFile },
    }],
  });
  cleanup.defer(() => httpd.stop());
  o.log("TLS: starting ajpgate with --tls-cert/--tls-key");
  const gateway = await startGatewayProcess({
    repoRoot: o.repoRoot,
    logFile: `${o.workDir}/ajpgate-tls.log`,
    proxyPass: [`/app ${ajpTarget} secret=${o.secret}`],
    extraArgs: ["--tls-cert", certFile, "--tls-key", keyFile, "--workers", "1"],
  });
  cleanup.defer(() => gateway.stop());
  o.log("TLS: starting deno-relay with a certificate");
  const relay = await startReferenceProcess({
    repoRoot: o.repoRoot,
    logFile: `${o.workDir}/deno-relay-tls.log`,
    relay: {
      ajpPort: o.ajpPort,
      packetSize: 8192,
      secret: o.secret,
    },
    tls: { certFile, keyFile },
  });
  cleanup.defer(() => relay.stop());
  o.log("TLS: starting deno-serve with a certificate");
  const bare = await startReferenceProcess({
    repoRoot: o.repoRoot,
    logFile: `${o.workDir}/deno-serve-tls.log`,
    tls: { certFile, keyFile },
  });
  cleanup.defer(() => bare.stop());
  const fronts: { name: TlsFrontName; url: string }[] = [
    { name: "httpd-tls", url: `https://127.0.0.1:${httpdPort}/app` },
    { name: "deno-serve-tls", url: `https://127.0.0.1:${bare.port}/app` },
    { name: "deno-relay-tls", url: `https://127.0.0.1:${relay.port}/app` },
    { name: "ajpgate-tls", url: `https://127.0.0.1:${gateway.port}/app` },
  ];

  const rows: TlsRow[] = [];
  const plainDone = new Map<string, TlsRow>();
  for (const scenario of TLS_SCENARIOS) {
    const byFront = new Map<TlsFrontName, TlsRow>();
    for (const front of fronts) {
      o.log(`TLS: ${scenario.label} via ${front.name}`);
      const row = await h2loadRow(o, scenario, front.name, `${front.url}${scenario.path}`);
      if (scenario.bytes > 2 ** 16) {
        row.exact = await exactOverH2(`${front.url}${scenario.path}`, scenario.bytes, ca);
        if (!row.exact) {
          row.errors++;
          row.errorDetail = `${row.errorDetail ?? ""} the HTTP/2 fetch was not byte-exact`.trim();
        }
      }
      byFront.set(front.name, row);
      rows.push(row);
    }
    // The plain listener over HTTP/1.1 with the same path and connections, once each.
    const plainKey = `${scenario.path} ${scenario.connections}`;
    let plain = plainDone.get(plainKey);
    if (!plain && o.plainUrl) {
      o.log(`TLS: ${scenario.label} via ajpgate-plain (HTTP/1.1, no TLS)`);
      plain = await h2loadRow(
        o,
        { ...scenario, h1: true, label: `${scenario.label.split(",")[0]}, plain HTTP/1.1` },
        "ajpgate-plain",
        `${o.plainUrl}${scenario.path}`,
      );
      plain.label += `, ${scenario.connections} conns`;
      plainDone.set(plainKey, plain);
      rows.push(plain);
    }
    const httpdRow = byFront.get("httpd-tls");
    for (const row of byFront.values()) {
      if (plain && plain.requestsPerSec > 0) {
        row.vsPlain = row.requestsPerSec / plain.requestsPerSec;
      }
      const proxies = row.front === "ajpgate-tls" || row.front === "deno-relay-tls";
      if (proxies && httpdRow && httpdRow.requestsPerSec > 0) {
        row.vsHttpdTls = row.requestsPerSec / httpdRow.requestsPerSec;
      }
    }
  }
  return rows;
}

/** A warm-up, then the measured h2load run with a per-request log for the percentiles. */
async function h2loadRow(
  o: TlsCompareOptions,
  scenario: TlsScenario,
  front: TlsFrontName,
  url: string,
): Promise<TlsRow> {
  const base = [
    "-t",
    "2",
    "-c",
    String(scenario.connections),
    "-m",
    "1",
    ...(scenario.h1 ? ["--h1"] : []),
  ];
  const logFile = `${o.workDir}/h2load-${scenario.id}-${front}.tsv`;
  const row: TlsRow = {
    scenario: scenario.id,
    label: scenario.label,
    front,
    requestsPerSec: 0,
    requests: 0,
    mibPerSec: 0,
    p50Ms: 0,
    p99Ms: 0,
    errors: 0,
  };
  try {
    if (o.warmupS > 0) await h2load(o.h2load, [...base, "-D", String(o.warmupS), url]);
    const out = await h2load(o.h2load, [
      ...base,
      "-D",
      String(o.durationS),
      `--log-file=${logFile}`,
      url,
    ]);
    const finished = /finished in ([\d.]+)s, ([\d.]+) req\/s/.exec(out);
    const totals =
      /requests: \d+ total, \d+ started, \d+ done, (\d+) succeeded, (\d+) failed, (\d+) errored/
        .exec(out);
    const traffic = /traffic: \S+ \((\d+)\) total/.exec(out);
    const codes = /status codes: (\d+) 2xx, (\d+) 3xx, (\d+) 4xx, (\d+) 5xx/.exec(out);
    if (!finished || !totals || !traffic || !codes) throw new Error(`h2load printed:\n${out}`);
    const seconds = Number(finished[1]);
    row.requestsPerSec = Number(finished[2]);
    row.requests = Number(totals[1]);
    row.mibPerSec = seconds > 0 ? Number(traffic[1]) / seconds / 2 ** 20 : 0;
    row.errors = Number(totals[2]) + Number(totals[3]) + Number(codes[3]) + Number(codes[4]);
    if (row.errors > 0) {
      row.errorDetail = `failed ${totals[2]}, errored ${totals[3]}, 4xx ${codes[3]}, ` +
        `5xx ${codes[4]}`;
    }
    const latencies = await readLatenciesMs(logFile);
    row.p50Ms = percentile(latencies, 0.5);
    row.p99Ms = percentile(latencies, 0.99);
  } catch (err) {
    row.errors = Math.max(1, row.errors);
    row.errorDetail = (err as Error).message.split("\n").slice(0, 3).join(" ");
  } finally {
    await Deno.remove(logFile).catch(() => {});
  }
  return row;
}

/** Runs h2load, at most its duration plus a minute; returns what it printed. */
async function h2load(binary: string, args: string[]): Promise<string> {
  const d = Number(args[args.indexOf("-D") + 1]) || 10;
  const out = await new Deno.Command(binary, {
    args,
    stdout: "piped",
    stderr: "piped",
    stdin: "null",
    signal: AbortSignal.timeout((d + 60) * 1000),
  }).output();
  return new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr);
}

/** The third column of h2load's --log-file (µs until the end of the response), in ms, sorted. */
async function readLatenciesMs(file: string): Promise<number[]> {
  const text = await Deno.readTextFile(file);
  const out: number[] = [];
  for (const line of text.split("\n")) {
    const us = Number(line.split("\t")[2]);
    if (line && Number.isFinite(us)) out.push(us / 1000);
  }
  return out.sort((a, b) => a - b);
}

/** Fetches `url` over HTTP/2 only and checks the webapp's pattern: byte i is (i*31+7)&0xff. */
async function exactOverH2(url: string, bytes: number, ca: string): Promise<boolean> {
  const client = Deno.createHttpClient({ caCerts: [ca], http1: false, http2: true });
  try {
    const res = await fetch(url, { client });
    const body = new Uint8Array(await res.arrayBuffer());
    if (res.status !== 200 || body.length !== bytes) return false;
    for (let i = 0; i < body.length; i++) if (body[i] !== ((i * 31 + 7) & 0xff)) return false;
    return true;
  } catch {
    return false;
  } finally {
    client.close();
  }
}

/** A self-signed P-256 certificate for 127.0.0.1, made with openssl. */
async function makeCert(certFile: string, keyFile: string): Promise<void> {
  const out = await new Deno.Command("openssl", {
    args: [
      "req",
      "-x509",
      "-newkey",
      "ec",
      "-pkeyopt",
      "ec_paramgen_curve:P-256",
      "-nodes",
      "-keyout",
      keyFile,
      "-out",
      certFile,
      "-days",
      "2",
      "-subj",
      "/CN=127.0.0.1",
      "-addext",
      "subjectAltName=IP:127.0.0.1",
      // An end-entity certificate: rustls (the readiness checks' fetch) refuses a CA one.
      "-addext",
      "basicConstraints=critical,CA:FALSE",
      "-addext",
      "extendedKeyUsage=serverAuth",
    ],
    stdout: "null",
    stderr: "piped",
  }).output();
  if (!out.success) throw new Error(`openssl: ${new TextDecoder().decode(out.stderr)}`);
}
