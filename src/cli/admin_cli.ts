/**
 * `ajpgate cli ...`: the management tasks scripts need without the HTTP API, run directly
 * on the configuration store: `user add NAME [--superuser]`, `user list`,
 * `token create USER [--name N]`, `token list USER`, `token revoke USER ID`, `route list`,
 * `connection list`. Lists print an aligned table, or JSON with `--json`. Each takes
 * `--db URL` (default as for `start`, or `AJPGATE_DB`); a file database that does not exist
 * is refused unless `--create` is given, so a typo in `--db` does not make a new, empty one.
 * @module
 */
import { parseDbUrl } from "../../db/db_url.ts";
import { ConfigError } from "../config/proxy_pass.ts";
import { openStore } from "../config/store.ts";
import { type FlagSpec, parseFlags } from "./parse_flags.ts";

const DEFAULT_DB = "file:./data/ajpgate.db";

/** The flags of every command. */
const FLAGS: FlagSpec = {
  db: { type: "string" },
  name: { type: "string" },
  superuser: { type: "boolean" },
  json: { type: "boolean" },
  create: { type: "boolean" },
};

/** Each command and how many words (names, ids) follow it. */
const COMMANDS: Record<string, number> = {
  "user add": 1,
  "user list": 0,
  "token create": 1,
  "token list": 1,
  "token revoke": 2,
  "route list": 0,
  "connection list": 0,
};

/** Runs one command; returns the exit code. Output lines go to `out`. */
export async function runAdminCli(
  args: readonly string[],
  env: (name: string) => string | undefined,
  out: (line: string) => void,
): Promise<number> {
  const { values, positionals: words } = parseFlags(args, FLAGS, true, "; see: ajpgate cli --help");
  const command = words.slice(0, 2).join(" ");
  if (!Object.hasOwn(COMMANDS, command)) {
    throw new ConfigError(`unknown command "${words.join(" ")}"; see: ajpgate cli --help`);
  }
  const operands = words.slice(2);
  if (operands.length !== COMMANDS[command]) {
    throw new ConfigError(
      `"${command}" takes ${
        ["no arguments", "exactly one name", "a user name and a token id"][COMMANDS[command]]
      }; see: ajpgate cli ${words[0]} --help`,
    );
  }
  const db = (values.db as string | undefined) ?? env("AJPGATE_DB") ?? DEFAULT_DB;
  await requireExisting(db, values.create === true);
  const json = values.json === true;
  const store = await openStore(db, env);
  const [arg, second] = operands;
  try {
    switch (command) {
      case "user add": {
        const user = await store.repos.users.create({
          name: arg,
          superuser: values.superuser === true,
        }, "cli");
        out(`created user ${user.name}${user.superuser ? " (superuser)" : ""}`);
        return 0;
      }
      case "user list": {
        const users = await store.repos.users.list();
        print(out, json, users, ["NAME", "SUPERUSER", "CREATED"], (u) => [
          u.name,
          u.superuser ? "yes" : "no",
          u.createdAt,
        ]);
        return 0;
      }
      case "token create": {
        const name = (values.name as string | undefined) ?? "cli";
        const { token } = await store.repos.users.createToken(arg, name, "cli");
        out(token);
        return 0;
      }
      case "token list": {
        const tokens = await store.repos.users.listTokens(arg);
        print(out, json, tokens, ["ID", "NAME", "CREATED", "LAST USED", "REVOKED"], (t) => [
          String(t.id),
          t.name,
          t.createdAt,
          t.lastUsedAt ?? "-",
          t.revokedAt ?? "-",
        ]);
        return 0;
      }
      case "token revoke": {
        if (!/^[0-9]{1,15}$/.test(second)) {
          throw new ConfigError(
            `token id "${second}" is not a number; see: ajpgate cli token list ${arg}`,
          );
        }
        const t = await store.repos.users.revokeToken(arg, Number(second), "cli");
        out(`revoked token ${t.id} ("${t.name}") of ${t.user}`);
        return 0;
      }
      case "route list": {
        const routes = await store.repos.routes.list();
        print(out, json, routes, ["ID", "HOST", "PREFIX", "TARGET", "BACKEND PATH", "ENABLED"], (
          r,
        ) => [
          r.id,
          r.host ?? "*",
          r.pathPrefix,
          r.connection !== null ? `connection ${r.connection}` : `balancer ${r.balancer}`,
          r.backendPath ?? "-",
          r.enabled ? "yes" : "no",
        ]);
        return 0;
      }
      default: {
        const list = await store.repos.connections.list();
        print(out, json, list, ["NAME", "TYPE", "TARGET", "ENABLED"], (c) => [
          c.name,
          c.type,
          c.type === "direct"
            ? `ajp://${c.host}:${c.port}`
            : `${c.protocol}://${c.host}:${c.proxyPort}${c.path ?? ""}`,
          c.enabled ? "yes" : "no",
        ]);
        return 0;
      }
    }
  } finally {
    store.close();
  }
}

/** Refuses a file database that does not exist, unless `create`. */
async function requireExisting(db: string, create: boolean): Promise<void> {
  let location;
  try {
    location = parseDbUrl(db);
  } catch (err) {
    throw new ConfigError(err instanceof Error ? err.message : String(err));
  }
  if (location.kind !== "file" || create) return;
  const exists = await Deno.stat(location.path).then(() => true, (e) => {
    if (e instanceof Deno.errors.NotFound) return false;
    throw e;
  });
  if (!exists) {
    throw new ConfigError(
      `database ${db} does not exist (check --db; the gateway's default is ${DEFAULT_DB}); ` +
        "add --create to create a new one",
    );
  }
}

/** Prints `rows` as JSON (`json`) or as a table with `headers`, columns padded to width. */
export function print<T>(
  out: (line: string) => void,
  json: boolean,
  rows: readonly T[],
  headers: readonly string[],
  cells: (row: T) => string[],
): void {
  if (json) {
    out(JSON.stringify(rows, null, 2));
    return;
  }
  const table = [headers.slice(), ...rows.map(cells)];
  const widths = headers.map((_, i) => Math.max(...table.map((r) => r[i].length)));
  for (const r of table) {
    out(r.map((c, i) => i === r.length - 1 ? c : c.padEnd(widths[i])).join("  ").trimEnd());
  }
}
