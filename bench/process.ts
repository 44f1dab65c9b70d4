/**
 * Long-lived peer processes of the benchmark (httpd, the gateway): spawned with their output
 * appended to a log file, found again by pid, stopped by pid.
 * @module
 */

/** A process started by {@link spawnLogged}. */
export interface LoggedProcess {
  /** The process id; the command itself, since `sh` execs it. */
  readonly pid: number;
  /** Resolves with the exit code once the process has ended. */
  readonly exited: Promise<number>;
  /** True once the process has ended. */
  readonly hasExited: boolean;
  /** Everything it wrote to stdout and stderr so far. */
  log(): Promise<string>;
  /**
   * SIGTERM, up to `graceMs` (default 10000) to end, then SIGKILL. Idempotent.
   * Resolves with the exit code.
   */
  stop(graceMs?: number): Promise<number>;
}

/** What {@link spawnLogged} runs. */
export interface SpawnOptions {
  /** Where stdout and stderr go (appended). */
  logFile: string;
  /** Extra environment variables; the rest is inherited. */
  env?: Record<string, string>;
  /** Working directory. Default: the current one. */
  cwd?: string;
}

/**
 * Runs `command args...` with stdout and stderr appended to `logFile`. `sh` only sets up the
 * redirection and then execs the command, so the pid is the command's own and no pipe has to
 * be drained while the benchmark runs.
 */
export function spawnLogged(
  command: string,
  args: readonly string[],
  options: SpawnOptions,
): LoggedProcess {
  const child = new Deno.Command("sh", {
    args: ["-c", 'exec "$@" >>"$AJPGATE_BENCH_LOG" 2>&1', "sh", command, ...args],
    env: { ...options.env, AJPGATE_BENCH_LOG: options.logFile },
    cwd: options.cwd,
    stdin: "null",
    stdout: "null",
    stderr: "null",
  }).spawn();
  let hasExited = false;
  const exited = child.status.then((s) => {
    hasExited = true;
    return s.code;
  });
  return {
    pid: child.pid,
    exited,
    get hasExited() {
      return hasExited;
    },
    log: () => Deno.readTextFile(options.logFile).catch(() => ""),
    stop: async (graceMs = 10_000) => {
      if (!hasExited) await stopPid(child.pid, graceMs, exited);
      return await exited;
    },
  };
}

/**
 * Sends SIGTERM to `pid`, waits up to `graceMs` for `exited` (or for the pid to vanish), then
 * sends SIGKILL. Errors from signalling a process that is already gone are ignored.
 */
export async function stopPid(
  pid: number,
  graceMs: number,
  exited: Promise<unknown>,
): Promise<void> {
  signal(pid, "SIGTERM");
  let timer: ReturnType<typeof setTimeout> | undefined;
  const ended = await Promise.race([
    exited.then(() => true),
    new Promise<boolean>((resolve) => timer = setTimeout(() => resolve(false), graceMs)),
  ]);
  clearTimeout(timer);
  if (!ended) {
    signal(pid, "SIGKILL");
    await exited;
  }
}

function signal(pid: number, sig: Deno.Signal): void {
  try {
    Deno.kill(pid, sig);
  } catch { /* it ended meanwhile */ }
}

/**
 * The text of `/proc/PID/<file>` (`stat`, `status`, `cmdline`; `pid` "self" for this
 * process), or null when `pid` is gone or there is no /proc.
 */
export function readProcFile(pid: number | "self", file: string): string | null {
  try {
    return Deno.readTextFileSync(`/proc/${pid}/${file}`);
  } catch {
    return null;
  }
}

/**
 * `read(pid)` summed over `pid` and all its descendants (httpd's children, the gateway's
 * workers), a descendant that ended meanwhile counting 0; null when `pid` itself is gone.
 */
export function sumOverTree(pid: number, read: (pid: number) => number | null): number | null {
  const own = read(pid);
  if (own === null) return null;
  return descendants(pid).reduce((sum, p) => sum + (read(p) ?? 0), own);
}

/** The NUL-separated command line of `pid`, or null when the process is gone. */
export function commandLine(pid: number): string[] | null {
  return readProcFile(pid, "cmdline")?.split("\0").filter((a) => a !== "") ?? null;
}

/** Every descendant of `pid`, from /proc/PID/task/TID/children. */
export function descendants(pid: number): number[] {
  const out: number[] = [];
  const queue = [pid];
  while (queue.length > 0) {
    const p = queue.shift()!;
    try {
      for (const task of Deno.readDirSync(`/proc/${p}/task`)) {
        const text = Deno.readTextFileSync(`/proc/${p}/task/${task.name}/children`);
        for (const word of text.split(/\s+/)) {
          if (word) {
            out.push(Number(word));
            queue.push(Number(word));
          }
        }
      }
    } catch { /* gone meanwhile */ }
  }
  return out;
}

/**
 * The first process, `pid` itself or a descendant (breadth first), whose command line
 * satisfies `match`; null if none. Used to find the Deno process that runs the gateway even
 * if `deno` was started through a wrapper that forks.
 */
export function findProcess(pid: number, match: (argv: string[]) => boolean): number | null {
  for (const p of [pid, ...descendants(pid)]) {
    const argv = commandLine(p);
    if (argv !== null && match(argv)) return p;
  }
  return null;
}

/** Resolves after `ms` milliseconds. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Polls `ready` every `intervalMs` (default 50) until it answers true; throws `failure()`'s
 * message when `deadlineMs` passes or `gone()` answers true (the process died).
 */
export async function waitFor(
  what: string,
  ready: () => Promise<boolean>,
  options: { deadlineMs: number; gone: () => boolean; failure: () => Promise<string> },
  intervalMs = 50,
): Promise<void> {
  const deadline = Date.now() + options.deadlineMs;
  while (Date.now() < deadline) {
    if (await ready()) return;
    if (options.gone()) {
      throw new Error(`${what} ended during startup:\n${await options.failure()}`);
    }
    await sleep(intervalMs);
  }
  throw new Error(
    `${what} did not become ready within ${options.deadlineMs} ms:\n${await options.failure()}`,
  );
}

/** The last `lines` lines of `text`, for error messages. */
export function tail(text: string, lines = 40): string {
  return text.trimEnd().split("\n").slice(-lines).join("\n");
}
