/**
 * Validates the variables of an environment file the way `ajpgate start` would read them,
 * without starting anything: the start options through `parseStartOptions` itself, then
 * what start checks later (database URL, secret key, bootstrap token).
 * @module
 */
import { isAbsolute, resolve } from "node:path";
import { type ListenAddress, parseStartOptions } from "../src/cli/start_options.ts";
import { ConfigError, parseProxyPass } from "../src/config/proxy_pass.ts";
import { parseDbUrl } from "../db/db_url.ts";
import { loadSecretKey, SECRET_KEY_ENV } from "../db/secret_key.ts";
import { LAYOUT } from "./layout.ts";
import { hostPort } from "../src/proxy/host_port.ts";
import { ADMIN_TOKEN_ENV, DB_AUTH_TOKEN_ENV, MIN_TOKEN_LENGTH } from "../src/config/env_names.ts";

/** Variables that start reads directly rather than as `--option` values. */
const OTHER_VARIABLES = [ADMIN_TOKEN_ENV, SECRET_KEY_ENV, DB_AUTH_TOKEN_ENV];
const FILE_VARIABLES = ["AJPGATE_TLS_CERT", "AJPGATE_TLS_KEY", "AJPGATE_TLS_CLIENT_CA"];

/** The verdict: `problems` make start fail; `summary` describes a valid configuration. */
export interface EnvCheck {
  problems: string[];
  warnings: string[];
  /** Filled only without problems: listeners and database, then one line per route. */
  summary: string[];
}

/**
 * Checks `vars` (from the environment file alone, as systemd passes it).
 *
 * @example
 * const { problems } = await checkEnv(new Map([["AJPGATE_LISTEN", "nope"]]));
 * // ['--listen "nope": expected HOST:PORT, e.g. 127.0.0.1:8080']
 */
export async function checkEnv(vars: ReadonlyMap<string, string>): Promise<EnvCheck> {
  const problems: string[] = [];
  const warnings: string[] = [];
  const env = (name: string) => vars.get(name);
  const set = (name: string) => (vars.get(name) ?? "") !== "";
  const problem = (message: string) => {
    if (!problems.includes(message)) problems.push(message);
  };

  for (const name of vars.keys()) {
    if (name.startsWith("AJPGATE_") && !OTHER_VARIABLES.includes(name) && !isStartOption(name)) {
      warnings.push(`${name} is not an ajpgate setting (a typo?); start ignores it`);
    }
  }
  // each setting on its own (with those sharing its first word, e.g. AJPGATE_TLS_*) and each
  // route line on its own, so that every mistake is reported, not only the first
  for (const name of vars.keys()) {
    if (!name.startsWith("AJPGATE_") || name === "AJPGATE_PROXY_PASS") continue;
    const group = name.split("_")[1];
    const related = (n: string) => n.split("_")[1] === group ? env(n) : undefined;
    collect(() => parseStartOptions([], related), problem);
  }
  for (const spec of (env("AJPGATE_PROXY_PASS") ?? "").split("\n")) {
    if (spec.trim() !== "") collect(() => parseProxyPass(spec), problem);
  }
  const options = collect(() => parseStartOptions([], env), problem);

  const db = options?.db ?? env("AJPGATE_DB");
  let remote = false;
  if (db !== undefined) {
    try {
      const location = parseDbUrl(db);
      remote = location.kind === "remote";
      if (location.kind === "file") {
        const path = resolve(LAYOUT.stateDir, location.path);
        if (!path.startsWith(`${LAYOUT.stateDir}/`)) {
          warnings.push(
            `AJPGATE_DB "${db}" is outside ${LAYOUT.stateDir}: ` +
              "the systemd unit lets the service write only there",
          );
        }
      }
    } catch (err) {
      problem(`AJPGATE_DB: ${messageOf(err)}`);
    }
  }
  if (set(SECRET_KEY_ENV) || remote) {
    try {
      // with the variable set this only decodes it; unset, it fails for a remote database
      await loadSecretKey({ env: env(SECRET_KEY_ENV), dbUrl: remote && db ? db : ":memory:" });
    } catch (err) {
      problem(messageOf(err));
    }
  }
  const token = env(ADMIN_TOKEN_ENV) ?? "";
  if (token !== "" && token.length < MIN_TOKEN_LENGTH) {
    problem(
      `${ADMIN_TOKEN_ENV} has ${token.length} characters; use at least ` +
        `${MIN_TOKEN_LENGTH}, e.g. from \`openssl rand -base64 32\``,
    );
  }
  for (const name of FILE_VARIABLES) {
    const path = env(name) ?? "";
    if (path !== "" && isAbsolute(path) && !(await exists(path))) {
      warnings.push(`${name}: ${path} does not exist on this machine`);
    }
  }

  const summary: string[] = [];
  if (problems.length === 0 && options) {
    const routes = options.proxyPass.length;
    summary.push(
      `proxy on ${address(options.listen)}${set("AJPGATE_TLS_CERT") ? " (TLS)" : ""}, ` +
        `management on ${address(options.adminListen)}, database ${options.db}, ` +
        `${routes} route${routes === 1 ? "" : "s"} from AJPGATE_PROXY_PASS`,
    );
    for (const p of options.proxyPass) {
      summary.push(
        `route ${p.prefix} -> ajp://${hostPort(p.backend.host, p.backend.port)}${
          p.backendPath || "/"
        } ` +
          `(connection ${p.backend.name})`,
      );
    }
  }
  return { problems, warnings, summary };
}

/**
 * Whether `AJPGATE_NAME` is an option of start (`--name`). Asks `parseStartOptions`, so a
 * new option is known here as soon as start knows it.
 */
export function isStartOption(variable: string): boolean {
  const option = variable.slice("AJPGATE_".length).toLowerCase().replaceAll("_", "-");
  try {
    parseStartOptions([`--${option}=?`], () => undefined);
  } catch (err) {
    // any other complaint (e.g. about the value "?") means the option exists
    if (err instanceof ConfigError && err.message.startsWith("unknown option")) return false;
  }
  return true;
}

/** Runs `parse`; a ConfigError goes to `report` (and gives undefined), others propagate. */
function collect<T>(parse: () => T, report: (message: string) => void): T | undefined {
  try {
    return parse();
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    report(err.message);
    return undefined;
  }
}

function address(a: ListenAddress): string {
  return hostPort(a.hostname, a.port);
}

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.stat(path);
    return true;
  } catch {
    return false;
  }
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
