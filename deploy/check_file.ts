/**
 * `check [FILE]` of both `ajpgate` and `deploy.ts`: reads an environment file, validates it
 * with {@linkcode checkEnv} and prints the verdict. The file is a positional argument (or
 * `--file`), because launchers such as Node's take `--env-file` for themselves.
 * @module
 */
import { checkEnv } from "./check_env.ts";
import { parseEnvFile } from "./env_file.ts";
import { LAYOUT } from "./layout.ts";
import { ConfigError } from "../src/config/proxy_pass.ts";
import { type FlagSpec, type ParsedFlags, parseFlags } from "../src/cli/parse_flags.ts";

/** The flags of `check`; each names the file, as the positional argument does. */
const FLAGS: FlagSpec = {
  file: { type: "string", multiple: true },
  "env-file": { type: "string", multiple: true },
};

/** Where the verdict goes: `out` for the summary, `err` for problems and warnings. */
export interface CheckOutput {
  out: (line: string) => void;
  err: (line: string) => void;
}

/**
 * Picks the file from `args` (`FILE`, `--file FILE`, `--env-file FILE`; default the installed
 * environment file). Returns null, after printing why, when the arguments are wrong.
 */
export function checkFileArg(args: readonly string[], err: (line: string) => void): string | null {
  let values: ParsedFlags["values"];
  let positionals: string[];
  try {
    ({ values, positionals } = parseFlags(args, FLAGS, true));
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    err(e.message);
    return null;
  }
  const files = [
    ...positionals,
    ...(values.file as string[] | undefined ?? []),
    ...(values["env-file"] as string[] | undefined ?? []),
  ];
  if (files.length > 1) {
    err(`check takes one file, got ${files.length}: ${files.join(" ")}`);
    return null;
  }
  return files[0] ?? LAYOUT.envFile;
}

/** Validates `file`; returns the exit code (0 valid, 2 invalid or unreadable). */
export async function checkEnvFile(file: string, { out, err }: CheckOutput): Promise<number> {
  let text: string;
  try {
    text = await Deno.readTextFile(file);
  } catch (e) {
    err(`${file}: cannot read: ${e instanceof Error ? e.message : String(e)}`);
    return 2;
  }
  const parsed = parseEnvFile(text);
  const verdict = await checkEnv(parsed.vars);
  for (const w of [...parsed.warnings, ...verdict.warnings]) err(`${file}: warning: ${w}`);
  const problems = [...parsed.problems, ...verdict.problems];
  for (const p of problems) err(`${file}: ${p}`);
  if (problems.length > 0) return 2;
  const [first, ...routes] = verdict.summary;
  out(`ok: ${file}: ${first}`);
  for (const line of routes) out(`  ${line}`);
  return 0;
}
