/**
 * `check [FILE]` of both `ajpgate` and `deploy.ts`: reads an environment file, validates it
 * with {@linkcode checkEnv} and prints the verdict. The file is a positional argument (or
 * `--file`), because launchers such as Node's take `--env-file` for themselves.
 * @module
 */
import { checkEnv } from "./check_env.ts";
import { parseEnvFile } from "./env_file.ts";
import { LAYOUT } from "./layout.ts";

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
  const files: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === "--file" || a === "--env-file") {
      if (args[i + 1] === undefined) {
        err(`option "${a}" needs a file`);
        return null;
      }
      files.push(args[++i]);
    } else if (a.startsWith("--file=") || a.startsWith("--env-file=")) {
      files.push(a.slice(a.indexOf("=") + 1));
    } else if (a.startsWith("-")) {
      err(`unknown option "${a}"`);
      return null;
    } else files.push(a);
  }
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
