/**
 * `--workers N`: runs N gateway processes that share the proxy and management ports
 * (SO_REUSEPORT; the kernel spreads connections), each with 1/N of every pool maximum. The
 * supervisor restarts a worker that dies, forwards SIGINT/SIGTERM (each worker drains),
 * and on SIGHUP replaces the workers one at a time, starting the new one before stopping
 * the old, so the listener never closes.
 * @module
 */

/** Environment variable that tells a process it is one of N workers. */
export const WORKER_OF_ENV = "AJPGATE_WORKER_OF";

/** How to start one worker: the command and its arguments. */
export interface WorkerCommand {
  command: string;
  args: string[];
}

/**
 * `deno run` arguments that run `main` (a path to main.ts) with `args`, with the flags and
 * permissions of the `start` task. Tests and benchmarks start the gateway process with it
 * too, so that they run what production runs.
 */
export function denoRunArgs(main: string, args: readonly string[]): string[] {
  return [
    "run",
    // A young generation large enough that the requests in flight at hundreds of connections
    // die young instead of being promoted (256 connections: a quarter more small GETs per
    // second than with 2 MiB); streamed body pieces are reused (src/proxy/piece_pool.ts), so
    // a transfer's RSS does not grow with it (bench/README.md).
    "--v8-flags=--max-semi-space-size=32",
    // Deno maps its code cache file into each process (3-4 MiB of resident pages); compiling
    // from source instead takes no longer to start here (about 0.8 s either way).
    "--no-code-cache",
    "--unstable-no-legacy-abort",
    "--unstable-net",
    "--allow-net",
    "--allow-read",
    "--allow-write",
    "--allow-env",
    "--allow-sys",
    "--allow-ffi",
    "--allow-run",
    main,
    ...args,
  ];
}

/** The command that re-runs this program (`deno run ... main.ts` or a compiled binary). */
export function selfCommand(startArgs: string[]): WorkerCommand {
  const exec = Deno.execPath();
  const isDeno = /(^|\/)deno(\.exe)?$/.test(exec);
  if (!isDeno) return { command: exec, args: ["start", ...startArgs] };
  return {
    command: exec,
    args: denoRunArgs(new URL(Deno.mainModule).pathname, ["start", ...startArgs]),
  };
}

/** Sends a signal to a worker that may have exited already. */
function signal(w: Worker | null, sig: Deno.Signal): void {
  try {
    w?.child.kill(sig);
  } catch {
    // already exited
  }
}

interface Worker {
  child: Deno.ChildProcess;
  ready: Promise<boolean>;
  retired: boolean;
}

/** Runs `n` workers until SIGINT/SIGTERM; resolves with the exit code. */
export async function superviseWorkers(
  n: number,
  cmd: WorkerCommand,
  log: (line: string) => void,
): Promise<number> {
  const workers: (Worker | null)[] = new Array(n).fill(null);
  let stopping = false;
  let rolling = false;

  const spawn = (index: number): Worker => {
    const child = new Deno.Command(cmd.command, {
      args: cmd.args,
      env: { [WORKER_OF_ENV]: String(n) },
      stdin: "null",
      stdout: "inherit",
      stderr: "piped",
    }).spawn();
    const ready = pipeStderr(child.stderr, index);
    const w: Worker = { child, ready, retired: false };
    child.status.then((status) => {
      if (stopping || w.retired || workers[index] !== w) return;
      log(`ajpgate: worker ${index} exited with code ${status.code}; starting it again`);
      setTimeout(() => {
        if (!stopping && workers[index] === w) workers[index] = spawn(index);
      }, 1000);
    });
    return w;
  };

  /** Copies a worker's stderr to ours, resolving true at its "listening" line. */
  const pipeStderr = async (stream: ReadableStream<Uint8Array>, index: number) => {
    let seen = false;
    let signal!: (ok: boolean) => void;
    const ready = new Promise<boolean>((r) => signal = r);
    (async () => {
      let carry = "";
      for await (const chunk of stream.pipeThrough(new TextDecoderStream())) {
        carry += chunk;
        const lines = carry.split("\n");
        carry = lines.pop()!;
        for (const line of lines) {
          if (!seen && /proxy listening on/.test(line)) {
            seen = true;
            signal(true);
          }
          log(index === 0 || !/proxy listening on/.test(line) ? line : `${line} (worker ${index})`);
        }
      }
      signal(false);
    })().catch(() => signal(false));
    return await ready;
  };

  for (let i = 0; i < n; i++) workers[i] = spawn(i);
  const started = await Promise.all(workers.map((w) => w!.ready));
  if (started.some((ok) => !ok)) {
    stopping = true;
    for (const w of workers) signal(w, "SIGTERM");
    await Promise.all(workers.map((w) => w?.child.status));
    return 1;
  }
  log(`ajpgate: ${n} workers running`);

  const done = Promise.withResolvers<void>();
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    for (const w of workers) signal(w, "SIGTERM");
    await Promise.all(workers.map((w) => w?.child.status));
    done.resolve();
  };
  const roll = async () => {
    if (rolling || stopping) return;
    rolling = true;
    log("ajpgate: rolling restart of the workers");
    for (let i = 0; i < n && !stopping; i++) {
      const old = workers[i]!;
      const fresh = spawn(i);
      if (!(await fresh.ready)) {
        log(`ajpgate: replacement for worker ${i} did not start; keeping the old one`);
        fresh.retired = true;
        signal(fresh, "SIGTERM");
        continue;
      }
      workers[i] = fresh;
      old.retired = true;
      signal(old, "SIGTERM");
      await old.child.status;
    }
    rolling = false;
    log("ajpgate: rolling restart done");
  };
  Deno.addSignalListener("SIGINT", stop);
  Deno.addSignalListener("SIGTERM", stop);
  Deno.addSignalListener("SIGHUP", roll);
  await done.promise;
  Deno.removeSignalListener("SIGINT", stop);
  Deno.removeSignalListener("SIGTERM", stop);
  Deno.removeSignalListener("SIGHUP", roll);
  return 0;
}
