/**
 * `ajpgate cli ...`: the management tasks scripts need without the HTTP API, run directly
 * on the configuration store: `user add NAME [--superuser]`, `token create USER [--name N]`,
 * `connection list`. Each takes `--db URL` (default as for `start`, or `AJPGATE_DB`).
 * @module
 */
import { ConfigError } from "./proxy_pass.ts";
import { openStore } from "./store.ts";

const USAGE = "usage: ajpgate cli user add NAME [--superuser] | token create USER [--name NAME] " +
  "| connection list   (each with [--db URL])";

/** Runs one command; returns the exit code. Output lines go to `out`. */
export async function runAdminCli(
  args: readonly string[],
  env: (name: string) => string | undefined,
  out: (line: string) => void,
): Promise<number> {
  const words: string[] = [];
  const flags = new Map<string, string | true>();
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === "--superuser") flags.set("superuser", true);
    else if (a === "--db" || a === "--name") {
      const v = args[++i];
      if (v === undefined) throw new ConfigError(`option "${a}" needs a value`);
      flags.set(a.slice(2), v);
    } else if (a.startsWith("--")) throw new ConfigError(`unknown option "${a}"\n${USAGE}`);
    else words.push(a);
  }
  const command = words.slice(0, 2).join(" ");
  const known = ["user add", "token create", "connection list"];
  if (!known.includes(command)) {
    throw new ConfigError(`unknown command "${words.join(" ")}"\n${USAGE}`);
  }
  const arg = words[2];
  if (command !== "connection list" && (arg === undefined || words.length > 3)) {
    throw new ConfigError(`"${command}" takes exactly one name\n${USAGE}`);
  }
  const db = (flags.get("db") as string | undefined) ?? env("AJPGATE_DB") ??
    "file:./data/ajpgate.db";
  const store = await openStore(db, env);
  try {
    switch (command) {
      case "user add": {
        const user = await store.repos.users.create({
          name: arg,
          superuser: flags.has("superuser"),
        }, "cli");
        out(`created user ${user.name}${user.superuser ? " (superuser)" : ""}`);
        return 0;
      }
      case "token create": {
        const name = (flags.get("name") as string | undefined) ?? "cli";
        const { token } = await store.repos.users.createToken(arg, name, "cli");
        out(token);
        return 0;
      }
      default: {
        const list = await store.repos.connections.list();
        out(["NAME", "TYPE", "TARGET", "ENABLED"].join("\t"));
        for (const c of list) {
          const target = c.type === "direct"
            ? `ajp://${c.host}:${c.port}`
            : `${c.protocol}://${c.host}:${c.proxyPort}${c.path ?? ""}`;
          out([c.name, c.type, target, String(c.enabled)].join("\t"));
        }
        return 0;
      }
    }
  } finally {
    store.close();
  }
}
