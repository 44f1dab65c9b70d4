/**
 * Runs a reference front as its own process: bench/reference_server.ts (`deno-serve`) or
 * bench/relay_floor.ts (`deno-relay`), started like the gateway (`deno run` with the same V8
 * flag) so that they differ from it only in what they do per request; waits until it listens
 * and stops it by pid.
 * @module
 */

import { type LoggedProcess, spawnLogged, tail, waitFor } from "./process.ts";

/** The running reference server. */
export interface ReferenceProcess {
  /** The Deno process itself (`sh` execs it): its CPU time is the front's. */
  readonly pid: number;
  readonly port: number;
  /** The full command line, for the report. */
  readonly argv: readonly string[];
  /** SIGTERM, then SIGKILL after 10 s. Idempotent. */
  stop(): Promise<void>;
  logs(): Promise<string>;
  [Symbol.asyncDispose](): Promise<void>;
}

/** What {@link startReferenceProcess} runs. */
export interface StartReferenceOptions {
  /** The repository root (the working directory, so that deno.json applies as to the gateway). */
  repoRoot: string;
  /** Where its output goes. */
  logFile: string;
  /** The deno binary. Default: the one running the benchmark. */
  deno?: string;
  /** Default 30000 ms. */
  startupTimeoutMs?: number;
  /** Run the relay (bench/relay_floor.ts) to this AJP connector instead of the reference server. */
  relay?: { ajpPort: number; packetSize: number; secret: string };
  /** Serve HTTPS (HTTP/2 and HTTP/1.1 by ALPN) with these PEM files. */
  tls?: { certFile: string; keyFile: string };
}

const LISTENING = /(?:reference server|relay) listening on [^\s]+:(\d+)/;

/**
 * Starts the reference server on a free loopback port (it listens on port 0 and prints the
 * port it got, so no other process can take the port in between) and waits for that line.
 */
export async function startReferenceProcess(
  options: StartReferenceOptions,
): Promise<ReferenceProcess> {
  const deno = options.deno ?? Deno.execPath();
  const args = [
    "run",
    // as the gateway (gateway_process.ts): the same young generation, the same server behaviour
    "--v8-flags=--max-semi-space-size=32",
    "--unstable-no-legacy-abort",
    "--allow-net=127.0.0.1",
    // TLS: the PEM files, and libc's setsockopt for TCP_NODELAY (reference_server.ts `announce`)
    ...(options.tls
      ? [`--allow-read=${options.tls.certFile},${options.tls.keyFile}`, "--allow-ffi"]
      : []),
    ...(relayArgs(options.relay) ?? ["bench/reference_server.ts"]),
    "--listen",
    "127.0.0.1:0",
    ...(options.tls ? ["--cert", options.tls.certFile, "--key", options.tls.keyFile] : []),
  ];
  const proc: LoggedProcess = spawnLogged(deno, args, {
    logFile: options.logFile,
    cwd: options.repoRoot,
    env: { NO_COLOR: "1" },
  });
  let port = 0;
  try {
    await waitFor("the reference server", async () => {
      port = listeningPort(await proc.log()) ?? 0;
      return port > 0;
    }, {
      deadlineMs: options.startupTimeoutMs ?? 30_000,
      gone: () => proc.hasExited,
      failure: async () => tail(await proc.log()),
    });
  } catch (err) {
    await proc.stop();
    throw err;
  }
  const stop = async () => void await proc.stop();
  return {
    pid: proc.pid,
    port,
    argv: [deno, ...args],
    stop,
    logs: () => proc.log(),
    [Symbol.asyncDispose]: stop,
  };
}

/** The relay's script, permissions and arguments, or null for the reference server. */
function relayArgs(relay: StartReferenceOptions["relay"]): string[] | null {
  if (!relay) return null;
  return [
    "bench/relay_floor.ts",
    "--ajp",
    `127.0.0.1:${relay.ajpPort}`,
    "--packet-size",
    String(relay.packetSize),
    "--secret",
    relay.secret,
  ];
}

/** The port of the server's "... listening on HOST:PORT" line, or null. */
export function listeningPort(log: string): number | null {
  const m = LISTENING.exec(log);
  return m ? Number(m[1]) : null;
}
