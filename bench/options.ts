/**
 * Command-line options of `deno task bench:compare` (bench/compare.ts).
 * @module
 */

import { TRANSFER_SCENARIOS, WRK_SCENARIOS } from "./scenarios.ts";

const SCENARIO_IDS = [...WRK_SCENARIOS, ...TRANSFER_SCENARIOS].map((s) => s.id);

/** The fronts, in the order they are measured within each scenario. */
export const FRONTS = [
  "tomcat",
  "deno-serve",
  "httpd",
  "httpd-64k",
  "deno-relay",
  "deno-relay-64k",
  "ajpgate",
  "ajpgate-64k",
  "ajpgate-w2",
  "ajpgate-w2-64k",
] as const;
/** One way in to the webapp, or to the reference server that answers as it does. */
export type FrontName = typeof FRONTS[number];

/** Parsed options. */
export interface CompareOptions {
  quick: boolean;
  /** Measured seconds per wrk scenario and front. Default 10 (quick: 2). */
  durationS: number;
  /** Warm-up seconds before each measurement. Default 3 (quick: 1). */
  warmupS: number;
  /** Size of the upload and the download. Default 1 GiB (quick: 64 MiB). */
  transferBytes: number;
  /**
   * How many times the whole measurement runs on the same stack; the table shows each row's
   * median. Default 2 (quick: 1).
   */
  runs: number;
  fronts: FrontName[];
  /** Scenario ids to run (see scenarios.ts); default all. */
  scenarios: string[] | null;
  /**
   * Arguments appended to both gateways' `main.ts start` command line, before the `--workers`
   * that each gateway's fronts are named after.
   */
  gatewayArgs: string[];
  /** Access logs on both proxies (the gateway at `--log-level info`, httpd's CustomLog). */
  accessLog: boolean;
  /** The TLS rows (bench/tls_compare.ts; they need h2load and apache2). Default true. */
  tls: boolean;
  /** Install missing packages with apt-get. Default true (quick: false). */
  install: boolean;
  /** Where the JSON report goes. Default bench/results/latest.json. */
  out: string | null;
  help: boolean;
}

/** The default JSON report, relative to the repository root. */
export const DEFAULT_OUT = "bench/results/latest.json";

export const USAGE = `usage: deno task bench:compare [options]
  --quick               2 s per scenario, 64 MiB transfers, one run, no apt-get (the smoke test's)
  --duration S          measured seconds per scenario and front (default 10)
  --warmup S            warm-up seconds before each measurement (default 3)
  --transfer SIZE       upload/download size, e.g. 1G, 64M (default 1G)
  --runs N              whole measurements on the same stack; the table shows medians (default 2)
  --fronts LIST         comma-separated subset of ${FRONTS.join(",")}
  --scenarios LIST      comma-separated scenario ids (${SCENARIO_IDS.join(",")})
  --gateway-arg ARG     appended to both gateways' "main.ts start" arguments (repeatable);
                        each gateway's own --workers comes after them
  --access-log          keep access logs on: gateway --log-level info, httpd CustomLog (default off)
  --no-tls              leave out the TLS rows (ajpgate-tls, httpd-tls with h2load)
  --no-install          do not apt-get install missing tools
  --out FILE            JSON report (default bench/results/latest.json)`;

/** An option error; compare.ts prints it with the usage and exits 2. */
export class UsageError extends Error {
  override readonly name = "UsageError";
}

const SIZE = /^(\d+)([KMG]?)(i?B)?$/i;

/** Parses "1G", "64M", "65536" (binary multiples). */
export function parseSize(text: string): number {
  const m = SIZE.exec(text);
  if (!m) throw new UsageError(`"${text}" is not a size like 1G, 64M or 65536`);
  const scale = { "": 1, K: 2 ** 10, M: 2 ** 20, G: 2 ** 30 }[m[2].toUpperCase()]!;
  return Number(m[1]) * scale;
}

function seconds(flag: string, text: string): number {
  const n = Number(text);
  if (!Number.isFinite(n) || n < 0) throw new UsageError(`${flag} "${text}" is not a number`);
  return n;
}

/** See module doc. Throws {@link UsageError}. */
export function parseCompareOptions(args: readonly string[]): CompareOptions {
  const quick = args.includes("--quick");
  const o: CompareOptions = {
    quick,
    durationS: quick ? 2 : 10,
    warmupS: quick ? 1 : 3,
    transferBytes: quick ? 64 * 2 ** 20 : 2 ** 30,
    runs: quick ? 1 : 2,
    fronts: [...FRONTS],
    scenarios: null,
    gatewayArgs: [],
    accessLog: false,
    tls: true,
    install: !quick,
    out: DEFAULT_OUT,
    help: false,
  };
  for (let i = 0; i < args.length; i++) {
    const flag = args[i];
    const value = () => {
      const v = args[++i];
      if (v === undefined) throw new UsageError(`${flag} needs a value`);
      return v;
    };
    switch (flag) {
      case "--quick":
        break;
      case "--duration":
        o.durationS = seconds(flag, value());
        if (o.durationS < 1) throw new UsageError(`--duration must be at least 1 s`);
        break;
      case "--warmup":
        o.warmupS = seconds(flag, value());
        break;
      case "--transfer":
        o.transferBytes = parseSize(value());
        break;
      case "--runs":
        o.runs = Number(value());
        if (!Number.isInteger(o.runs) || o.runs < 1) {
          throw new UsageError(`--runs "${args[i]}" is not a whole number of at least 1`);
        }
        break;
      case "--fronts":
        o.fronts = parseList(flag, value(), FRONTS);
        break;
      case "--scenarios":
        o.scenarios = parseList(flag, value(), SCENARIO_IDS);
        break;
      case "--gateway-arg":
        o.gatewayArgs.push(value());
        break;
      case "--access-log":
        o.accessLog = true;
        break;
      case "--no-tls":
        o.tls = false;
        break;
      case "--no-install":
        o.install = false;
        break;
      case "--out":
        o.out = value();
        break;
      case "--help":
      case "-h":
        o.help = true;
        break;
      default:
        throw new UsageError(`unknown option "${flag}"`);
    }
  }
  return o;
}

/** The names of `list` that are in `known`, in `known`'s order; throws for unknown names. */
function parseList<T extends string>(flag: string, list: string, known: readonly T[]): T[] {
  const names = list.split(",").map((s) => s.trim()).filter((s) => s !== "");
  for (const n of names) {
    if (!(known as readonly string[]).includes(n)) {
      throw new UsageError(`${flag}: unknown name "${n}"; known: ${known.join(", ")}`);
    }
  }
  if (names.length === 0) throw new UsageError(`${flag} names nothing`);
  // Keep the canonical order, so a run measures in the same sequence every time.
  return known.filter((k) => names.includes(k));
}
