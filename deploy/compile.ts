/**
 * `deploy.ts compile`: builds the self-contained `ajpgate` binary with `deno compile`, with
 * the permissions and unstable features of the `start` task baked in. The embedded database
 * migrations (db/migrations/embedded.ts), deno.json (for `--version`) and the whole
 * node_modules tree (the libsql native addon included) go into the binary.
 *
 * `deno compile` needs a `denort` base binary: DENORT_BIN, or
 * `$DENO_DIR/dl/release/v<deno>/denort-<target>.zip`, which it otherwise downloads. A small
 * probe compile finds out within seconds whether one can be had, so a machine without it
 * gets one clear message instead of a type check followed by a network error.
 * @module
 */
import { dirname, join } from "node:path";
import { runCommand } from "./run_command.ts";

/** What to build. */
export interface CompileOptions {
  /** The repository root (holding deno.json and main.ts). */
  root: string;
  /** The binary to write. Default `<root>/dist/ajpgate`. */
  output: string;
  /** A `deno compile --target`, e.g. x86_64-unknown-linux-gnu. */
  target: string;
  /** The `start` task of deno.json, whose permission flags the binary gets. */
  startTask: string;
  /** deno.json's `unstable` features, e.g. ["no-legacy-abort"]. */
  unstable: readonly string[];
  /** The version `ajpgate --version` must print. */
  version: string;
}

const PROBE_MARKER = "ajpgate-denort-probe-ok";

/**
 * The arguments of `deno compile` for `options`.
 *
 * @example
 * compileArgs({ ...o, startTask: "deno run --allow-net main.ts start" });
 * // ["compile", "--output", ".../dist/ajpgate", "--target", "...", "--allow-net", ..., "main.ts"]
 */
export function compileArgs(options: CompileOptions): string[] {
  const flags = options.startTask.split(/\s+/).filter((w) =>
    /^--(allow|deny)-[a-z]+(=.*)?$/.test(w) || w.startsWith("--unstable-") ||
    w.startsWith("--v8-flags=")
  );
  for (const feature of options.unstable) flags.push(`--unstable-${feature}`);
  const args = ["compile", "--output", options.output, "--target", options.target];
  if (options.target !== Deno.build.target) {
    // node_modules holds the npm packages of this machine (the libsql addon for its OS and
    // CPU); without it deno compile embeds packages resolved for the target instead
    args.push("--node-modules-dir=none");
  }
  return [...args, ...new Set(flags), join(options.root, "main.ts")];
}

/**
 * The message for a machine where deno compile cannot get its base binary.
 */
export function denortMissingMessage(target: string, denoDir: string): string {
  const version = Deno.version.deno;
  return `deno compile needs its denort base binary for ${target}, which could not be ` +
    `downloaded; set DENORT_BIN to a denort binary of Deno ${version} for this target ` +
    `(or place denort-${target}.zip under $DENO_DIR/dl/release/v${version}/, ` +
    `here ${join(denoDir, "dl", "release", `v${version}`)}/)`;
}

/** Where deno keeps its caches (`deno info`'s DENO_DIR). */
export async function denoDir(): Promise<string> {
  const info = await runCommand(Deno.execPath(), ["info", "--json"], { timeoutMs: 30_000 });
  try {
    return (JSON.parse(info.stdout) as { denoDir: string }).denoDir;
  } catch {
    return Deno.env.get("DENO_DIR") ?? "$DENO_DIR";
  }
}

/** Whether a denort for `target` is at hand without a download: DENORT_BIN or the cache. */
export async function denortAvailable(target: string): Promise<boolean> {
  if ((Deno.env.get("DENORT_BIN") ?? "") !== "") return true;
  const zip = join(
    await denoDir(),
    "dl",
    "release",
    `v${Deno.version.deno}`,
    `denort-${target}.zip`,
  );
  try {
    return (await Deno.stat(zip)).isFile;
  } catch {
    return false;
  }
}

/**
 * Builds the binary. Prints progress and problems on stderr and returns the exit code:
 * 0 built (and, for this machine's target, `--version` checked), 1 otherwise.
 */
export async function compile(options: CompileOptions): Promise<number> {
  const problem = await probeDenort(options.target);
  if (problem !== null) {
    console.error(`deploy.ts compile: ${problem}`);
    return 1;
  }
  await Deno.mkdir(dirname(options.output), { recursive: true });
  const args = compileArgs(options);
  console.error(`deploy.ts compile: deno ${args.join(" ")}`);
  const status = await new Deno.Command(Deno.execPath(), {
    args,
    cwd: options.root,
    env: { RUST_BACKTRACE: "0" },
    stdin: "null",
  }).spawn().status;
  if (!status.success) {
    console.error(`deploy.ts compile: deno compile failed (exit ${status.code})`);
    return 1;
  }
  const built = options.target.includes("windows") && !options.output.endsWith(".exe")
    ? `${options.output}.exe`
    : options.output;
  if (options.target === Deno.build.target) {
    const expected = `ajpgate ${options.version}`;
    const ran = await runCommand(built, ["--version"], { timeoutMs: 30_000 });
    if (ran.code !== 0 || ran.stdout.trim() !== expected) {
      console.error(
        `deploy.ts compile: ${built} --version printed "${ran.stdout.trim()}" ` +
          `(exit ${ran.code}), expected "${expected}"\n${ran.stderr.trim()}`,
      );
      return 1;
    }
  }
  await Deno.writeTextFile(`${options.output}.target`, `${options.target}\n`);
  const size = (await Deno.stat(built)).size / 1024 / 1024;
  console.error(
    `deploy.ts compile: built ${built}: ajpgate ${options.version} for ${options.target} ` +
      `(${size.toFixed(0)} MiB)`,
  );
  return 0;
}

/**
 * Compiles a one-line program for `target` to learn whether deno compile can get its base
 * binary, and (for this machine's target) whether that binary really is a denort. Returns
 * null when it can, else the message to print.
 */
async function probeDenort(target: string): Promise<string | null> {
  const dir = await Deno.makeTempDir({ prefix: "ajpgate-denort-probe-" });
  try {
    await Deno.writeTextFile(join(dir, "probe.ts"), `console.log("${PROBE_MARKER}");\n`);
    const output = join(dir, "probe");
    const compiled = await runCommand(Deno.execPath(), [
      "compile",
      "--no-config",
      "--no-check",
      "--target",
      target,
      "--output",
      output,
      join(dir, "probe.ts"),
    ], { cwd: dir, env: { NO_COLOR: "1" }, timeoutMs: 300_000 });
    const denortBin = Deno.env.get("DENORT_BIN") ?? "";
    if (compiled.code !== 0) {
      const said = compiled.stderr.trim().split("\n").filter((l) => l.trim() !== "");
      if (said.some((l) => l.includes("Could not find denort at"))) {
        return `DENORT_BIN is "${denortBin}", which does not exist; point it at a denort ` +
          `binary of Deno ${Deno.version.deno} for ${target}`;
      }
      if (said.some((l) => l.includes("Setting up base binary"))) {
        const cause = said.at(-1)?.replace(/^\s*\d+:\s*/, "") ?? "";
        return `${denortMissingMessage(target, await denoDir())}\n  (deno said: ${cause})`;
      }
      return `deno compile of a one-line program failed (exit ${compiled.code}):\n` +
        said.join("\n");
    }
    if (target !== Deno.build.target) return null;
    const ran = await runCommand(output, [], { timeoutMs: 30_000 });
    if (ran.stdout.trim() === PROBE_MARKER) return null;
    return `${denortBin === "" ? "the cached denort" : `DENORT_BIN "${denortBin}"`} is not a ` +
      `working denort for ${target}: a compiled one-line program did not run (the full deno ` +
      `binary does not work as one); use the denort of Deno ${Deno.version.deno}`;
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}
