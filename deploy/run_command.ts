/**
 * Runs a program to completion and captures its output, for the deploy steps that call
 * `deno`, `tar`, `useradd` and `systemctl`.
 * @module
 */

/** A finished program. */
export interface CommandResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Options of {@linkcode runCommand}. */
export interface RunOptions {
  cwd?: string;
  /** Extra environment variables (the rest is inherited). Default none. */
  env?: Record<string, string>;
  /** Kill the program after this many ms. Default: no limit. */
  timeoutMs?: number;
}

/**
 * Runs `program args...` with stdin closed. A program that cannot be started (not
 * installed) gives code 127 and the reason in `stderr`, like a shell.
 *
 * @example
 * const { code, stdout } = await runCommand("tar", ["tzf", "x.tar.gz"]);
 */
export async function runCommand(
  program: string,
  args: string[],
  options: RunOptions = {},
): Promise<CommandResult> {
  try {
    const out = await new Deno.Command(program, {
      args,
      cwd: options.cwd,
      // RUST_BACKTRACE=1 makes deno append a useless backtrace line to its errors
      env: { RUST_BACKTRACE: "0", ...options.env },
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
      signal: options.timeoutMs === undefined ? undefined : AbortSignal.timeout(options.timeoutMs),
    }).output();
    const text = new TextDecoder();
    return { code: out.code, stdout: text.decode(out.stdout), stderr: text.decode(out.stderr) };
  } catch (err) {
    if (!(err instanceof Deno.errors.NotFound)) throw err;
    return { code: 127, stdout: "", stderr: `${program}: not found` };
  }
}

/** Whether `program` can be found on PATH. */
export async function onPath(program: string): Promise<boolean> {
  for (const dir of (Deno.env.get("PATH") ?? "").split(":")) {
    if (dir === "") continue;
    try {
      const info = await Deno.stat(`${dir}/${program}`);
      if (info.isFile && ((info.mode ?? 0o111) & 0o111) !== 0) return true;
    } catch {
      // not in this directory
    }
  }
  return false;
}
