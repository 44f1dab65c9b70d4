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
 * - `check [FILE]`: validates an environment file (default the installed one) as
 *   `ajpgate start` would read it, without starting (also `ajpgate check FILE`).
 *
 * Exit codes: 0 done, 1 failed, 2 a usage mistake or (check) an invalid file.
 * @module
 */
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import denoJson from "./deno.json" with { type: "json" };
import { checkEnvFile, checkFileArg } from "./deploy/check_file.ts";
import { compile } from "./deploy/compile.ts";
import { install } from "./deploy/install.ts";
import { buildPackage } from "./deploy/package.ts";

const ROOT = fileURLToPath(new URL(".", import.meta.url));
const DIST = join(ROOT, "dist");
const BINARY = join(DIST, "ajpgate");

const USAGE = `usage: deno run -A deploy.ts compile [--target T] [--output PATH]
       deno run -A deploy.ts package [--target T] [--binary PATH] [--out-dir DIR]
       deno run -A deploy.ts install [--prefix DIR] [--dry-run] [--binary PATH]
       deno run -A deploy.ts check [FILE]
       deno run -A deploy.ts COMMAND --help | --version
example:
  deno task compile && deno task deploy package && sudo deno task deploy install`;

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
  const file = checkFileArg(args, (line) => {
    throw new UsageError(line);
  });
  return await checkEnvFile(file!, { out: console.log, err: console.error });
}

const COMMANDS: Record<string, (args: string[]) => Promise<number>> = {
  compile: runCompile,
  package: runPackage,
  install: runInstall,
  check: runCheck,
};

const HELP: Record<string, string> = {
  compile: `usage: deno task compile   (deno run -A deploy.ts compile [options])

Builds the single binary with the migrations and permission flags built in.

options:
  --target T       Deno target triple, default this machine's (${Deno.build.target})
  --output PATH    the binary, default dist/ajpgate
  environment: DENORT_BIN, a denort binary of this Deno version for the target (when the
  download is not reachable)

example:
  deno task compile && dist/ajpgate --version`,
  package: `usage: deno task deploy package [options]

Packs the binary, the systemd unit, the environment template and INSTALL into a tarball.

options:
  --target T       default the target the binary was built for, else this machine's
  --binary PATH    default dist/ajpgate
  --out-dir DIR    default dist/

example:
  deno task deploy package   # dist/ajpgate-VERSION-TARGET.tar.gz`,
  install: `usage: sudo deno task deploy install [options]

Installs on this host: /usr/local/bin/ajpgate, /etc/ajpgate/ajpgate.env (never overwritten),
/var/lib/ajpgate, the unit ajpgate.service and the user ajpgate; enables and starts the service.

options:
  --prefix DIR     write the files below DIR only (no user, no systemctl); default /
  --dry-run        print every step and the unit, change nothing
  --binary PATH    default dist/ajpgate

example:
  sudo deno task deploy install --dry-run`,
  check: `usage: deno task deploy check [FILE]   (or: ajpgate check [FILE])

Validates an environment file exactly as ajpgate start would read it, without starting.

arguments:
  FILE             default /etc/ajpgate/ajpgate.env (also --file FILE)

example:
  deno task deploy check /etc/ajpgate/ajpgate.env`,
};

async function main(args: string[]): Promise<number> {
  const [command, ...rest] = args;
  if (command === "--version" || command === "-V" || command === "version") {
    console.log(`ajpgate ${denoJson.version}`);
    return 0;
  }
  if (command === "--help" || command === "-h" || command === "help") {
    const topic = rest[0];
    console.log(topic !== undefined && Object.hasOwn(HELP, topic) ? HELP[topic] : USAGE);
    return 0;
  }
  const run = command !== undefined && Object.hasOwn(COMMANDS, command)
    ? COMMANDS[command]
    : undefined;
  if (!run) {
    console.error(
      command === undefined ? USAGE : `deploy.ts: unknown command "${command}"\n${USAGE}`,
    );
    return 2;
  }
  if (rest.includes("--help") || rest.includes("-h")) {
    console.log(HELP[command]);
    return 0;
  }
  if (rest.includes("--version") || rest.includes("-V")) {
    console.log(`ajpgate ${denoJson.version}`);
    return 0;
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
