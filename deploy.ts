/**
 * Builds, packages and installs ajpgate. Run from the source tree with `deno run -A deploy.ts`
 * (or `deno task deploy ...`):
 *
 * - `compile [--target T] [--output PATH]`: the binary dist/ajpgate (`deno task compile`).
 * - `package [--target T] [--binary PATH] [--out-dir DIR]`: dist/ajpgate-VERSION-TARGET.tar.gz
 *   with the binary, the systemd unit, the environment template and INSTALL.
 * - `install [--prefix DIR] [--dry-run] [--binary PATH]`: installs on this host: binary
 *   /usr/local/bin/ajpgate, settings /etc/ajpgate/ajpgate.env, state /var/lib/ajpgate,
 *   unit /etc/systemd/system/ajpgate.service, user ajpgate; `--prefix` writes the files
 *   only, below DIR; `--dry-run` prints every step and the unit file and changes nothing.
 * - `check [--env-file FILE]`: validates an environment file (default the installed one)
 *   as `ajpgate start` would read it, without starting.
 *
 * Exit codes: 0 done, 1 failed, 2 a usage mistake or (check) an invalid file.
 * @module
 */
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import denoJson from "./deno.json" with { type: "json" };
import { checkEnv } from "./deploy/check_env.ts";
import { compile } from "./deploy/compile.ts";
import { parseEnvFile } from "./deploy/env_file.ts";
import { install } from "./deploy/install.ts";
import { LAYOUT } from "./deploy/layout.ts";
import { buildPackage } from "./deploy/package.ts";

const ROOT = fileURLToPath(new URL(".", import.meta.url));
const DIST = join(ROOT, "dist");
const BINARY = join(DIST, "ajpgate");

const USAGE = `usage: deno run -A deploy.ts compile [--target T] [--output PATH]
       deno run -A deploy.ts package [--target T] [--binary PATH] [--out-dir DIR]
       deno run -A deploy.ts install [--prefix DIR] [--dry-run] [--binary PATH]
       deno run -A deploy.ts check [--env-file FILE]`;

/** A mistake on the command line: usage is printed and the exit code is 2. */
class UsageError extends Error {}

type Flags = Record<string, string | boolean | undefined>;

function flags(args: string[], spec: Record<string, "string" | "boolean">): Flags {
  try {
    const options = Object.fromEntries(
      Object.entries(spec).map(([name, type]) => [name, { type }]),
    );
    const parsed = parseArgs({ args, options, strict: true, allowPositionals: false });
    return parsed.values as Flags;
  } catch (err) {
    throw new UsageError(err instanceof Error ? err.message : String(err));
  }
}

const str = (f: Flags, name: string) => f[name] as string | undefined;

async function runCompile(args: string[]): Promise<number> {
  const f = flags(args, { target: "string", output: "string" });
  return await compile({
    root: ROOT,
    // deno compile runs in ROOT, so a relative --output is resolved here first
    output: resolve(str(f, "output") ?? BINARY),
    target: str(f, "target") ?? Deno.build.target,
    startTask: denoJson.tasks.start,
    unstable: denoJson.unstable,
    version: denoJson.version,
  });
}

async function runPackage(args: string[]): Promise<number> {
  const f = flags(args, { target: "string", binary: "string", "out-dir": "string" });
  const binary = str(f, "binary") ?? BINARY;
  // compile records the target it built for beside the binary
  const built = await Deno.readTextFile(`${binary}.target`).then((t) => t.trim(), () => null);
  const target = str(f, "target") ?? built ?? Deno.build.target;
  if (built !== null && built !== target) {
    console.error(`deploy.ts package: ${binary} was built for ${built}, not ${target}`);
    return 1;
  }
  try {
    const archive = await buildPackage({
      binary,
      target,
      version: denoJson.version,
      outDir: str(f, "out-dir") ?? DIST,
    });
    console.log(`wrote ${archive}`);
    return 0;
  } catch (err) {
    console.error(`deploy.ts package: ${err instanceof Error ? err.message : String(err)}`);
    return 1;
  }
}

async function runInstall(args: string[]): Promise<number> {
  const f = flags(args, { prefix: "string", "dry-run": "boolean", binary: "string" });
  const prefix = str(f, "prefix");
  if (prefix === "") throw new UsageError("--prefix needs a directory");
  return await install({
    binary: str(f, "binary") ?? BINARY,
    prefix: prefix === undefined ? null : resolve(prefix),
    dryRun: f["dry-run"] === true,
  });
}

async function runCheck(args: string[]): Promise<number> {
  const f = flags(args, { "env-file": "string" });
  const file = str(f, "env-file") ?? LAYOUT.envFile;
  let text: string;
  try {
    text = await Deno.readTextFile(file);
  } catch (err) {
    console.error(`${file}: cannot read: ${err instanceof Error ? err.message : String(err)}`);
    return 2;
  }
  const parsed = parseEnvFile(text);
  const verdict = await checkEnv(parsed.vars);
  for (const w of [...parsed.warnings, ...verdict.warnings]) {
    console.error(`${file}: warning: ${w}`);
  }
  const problems = [...parsed.problems, ...verdict.problems];
  for (const p of problems) console.error(`${file}: ${p}`);
  if (problems.length > 0) return 2;
  const [first, ...routes] = verdict.summary;
  console.log(`ok: ${file}: ${first}`);
  for (const line of routes) console.log(`  ${line}`);
  return 0;
}

const COMMANDS: Record<string, (args: string[]) => Promise<number>> = {
  compile: runCompile,
  package: runPackage,
  install: runInstall,
  check: runCheck,
};

async function main(args: string[]): Promise<number> {
  const [command, ...rest] = args;
  const run = command !== undefined && Object.hasOwn(COMMANDS, command)
    ? COMMANDS[command]
    : undefined;
  if (!run) {
    console.error(
      command === undefined ? USAGE : `deploy.ts: unknown command "${command}"\n${USAGE}`,
    );
    return 2;
  }
  try {
    return await run(rest);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    console.error(`deploy.ts ${command}: ${err.message}\n${USAGE}`);
    return 2;
  }
}

if (import.meta.main) Deno.exit(await main(Deno.args));
