/**
 * The life of one test Tomcat JVM over its CATALINA_BASE: spawn, wait until it serves, signal,
 * restart on the same ports, and its log. Created by startTomcat in tomcat.ts.
 * @module
 */

import { cping } from "./cping.ts";
import type { TomcatInstance } from "./tomcat.ts";

const STOP_GRACE_MS = 10_000;
const LOG_FILE = "logs/catalina.out";

/** What {@link TomcatProcess} runs. */
export interface ProcessConfig {
  base: string;
  ajpPorts: Map<string, number>;
  httpPort: number;
  javaArgs: string[];
  startupTimeoutMs: number;
}

/** One CATALINA_BASE and the JVM currently running it, if any. */
export class TomcatProcess implements TomcatInstance {
  readonly base: string;
  readonly httpPort: number;
  readonly #ajpPorts: Map<string, number>;
  readonly #javaArgs: string[];
  readonly #startupTimeoutMs: number;
  #child: Deno.ChildProcess | undefined;
  #exit: Promise<Deno.CommandStatus> | undefined;
  #exited = true;
  #stopped = false;
  #finalLogs: string | undefined;
  #startupMs = 0;

  constructor(config: ProcessConfig) {
    this.base = config.base;
    this.httpPort = config.httpPort;
    this.#ajpPorts = config.ajpPorts;
    this.#javaArgs = config.javaArgs;
    this.#startupTimeoutMs = config.startupTimeoutMs;
  }

  get pid(): number {
    return this.#exited ? 0 : this.#child?.pid ?? 0;
  }

  get startupMs(): number {
    return this.#startupMs;
  }

  ajpPort(name: string): number {
    const port = this.#ajpPorts.get(name);
    if (port === undefined) {
      const known = [...this.#ajpPorts.keys()].join(", ");
      throw new Error(`this Tomcat has no AJP connector named "${name}"; it has: ${known}`);
    }
    return port;
  }

  /**
   * Starts the JVM and waits until it serves. Answers "port-in-use" (with the JVM gone) when a
   * connector could not bind; on any other failure kills the JVM and throws.
   */
  async start(): Promise<"ready" | "port-in-use"> {
    const began = performance.now();
    const logOffset = await this.#logSize();
    // sh only redirects the output to the log file; exec keeps the pid, so the JVM is our child.
    const child = new Deno.Command("sh", {
      args: ["-c", 'exec "$@" >>"$AJPGATE_TOMCAT_LOG" 2>&1', "sh", ...this.#javaArgs],
      env: { AJPGATE_TOMCAT_LOG: `${this.base}/${LOG_FILE}` },
      stdin: "null",
      stdout: "null",
      stderr: "null",
    }).spawn();
    this.#child = child;
    this.#exited = false;
    this.#exit = child.status.then((status) => {
      this.#exited = true;
      return status;
    });
    try {
      const outcome = await this.#waitUntilServing(logOffset);
      this.#startupMs = Math.round(performance.now() - began);
      return outcome;
    } catch (err) {
      await this.#terminate("SIGKILL");
      throw err;
    }
  }

  async #waitUntilServing(logOffset: number): Promise<"ready" | "port-in-use"> {
    const deadline = Date.now() + this.#startupTimeoutMs;
    let started = false;
    while (Date.now() < deadline) {
      const log = await this.#readLog(logOffset);
      if (/BindException|Address already in use/.test(log)) {
        await this.#terminate("SIGKILL");
        return "port-in-use";
      }
      if (this.#exited) {
        const status = await this.#exit!;
        throw new Error(
          `Tomcat in ${this.base} exited with code ${status.code} during startup:\n${tail(log)}`,
        );
      }
      if (/startup failed|listeners failed to start|Failed to start component/.test(log)) {
        throw new Error(`Tomcat in ${this.base} failed to start a component:\n${tail(log)}`);
      }
      started ||= log.includes("Server startup in");
      if (started && await this.#serving()) return "ready";
      await sleep(started ? 10 : 25);
    }
    throw new Error(
      `Tomcat in ${this.base} did not serve within ${this.#startupTimeoutMs} ms:\n${
        tail(await this.#readLog(logOffset))
      }`,
    );
  }

  /** Every AJP port answers CPING, and the HTTP connector (if any) serves both contexts. */
  async #serving(): Promise<boolean> {
    for (const port of this.#ajpPorts.values()) {
      if (!(await cping(port, { timeoutMs: 1000 }))) return false;
    }
    if (this.httpPort) {
      for (const path of ["/count", "/app/count"]) {
        try {
          const res = await fetch(`http://127.0.0.1:${this.httpPort}${path}`);
          await res.body?.cancel();
          if (res.status !== 200) return false;
        } catch {
          return false;
        }
      }
    }
    return true;
  }

  /** Sends `signal`, waits up to 10 s for the JVM to end, then SIGKILLs it. */
  async #terminate(signal: Deno.Signal): Promise<void> {
    const child = this.#child;
    if (!child || this.#exited) {
      await this.#exit;
      return;
    }
    try {
      child.kill(signal);
    } catch { /* it ended meanwhile */ }
    let timer: ReturnType<typeof setTimeout> | undefined;
    const ended = await Promise.race([
      this.#exit!.then(() => true),
      new Promise<boolean>((resolve) => timer = setTimeout(() => resolve(false), STOP_GRACE_MS)),
    ]);
    clearTimeout(timer);
    if (!ended) {
      try {
        child.kill("SIGKILL");
      } catch { /* it ended meanwhile */ }
      await this.#exit;
    }
  }

  async stop(): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    await this.#terminate("SIGTERM");
    this.#finalLogs = await this.#readLog(0);
    if (Deno.env.get("AJPGATE_KEEP_TOMCAT_BASE")) {
      console.error(`keeping Tomcat base ${this.base} (AJPGATE_KEEP_TOMCAT_BASE is set)`);
      return;
    }
    await Deno.remove(this.base, { recursive: true }).catch(() => {});
  }

  async kill(): Promise<void> {
    await this.#terminate("SIGKILL");
  }

  async restart(): Promise<void> {
    if (this.#stopped) throw new Error(`Tomcat in ${this.base} was stopped; it cannot restart`);
    await this.#terminate("SIGTERM");
    if (await this.start() === "port-in-use") {
      throw new Error(
        `Tomcat in ${this.base} could not restart: one of its ports was taken meanwhile:\n${
          tail(await this.logs())
        }`,
      );
    }
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.stop();
  }

  async logs(): Promise<string> {
    return this.#finalLogs ?? await this.#readLog(0);
  }

  async #readLog(offset: number): Promise<string> {
    try {
      const bytes = await Deno.readFile(`${this.base}/${LOG_FILE}`);
      return new TextDecoder().decode(bytes.subarray(offset));
    } catch {
      return "";
    }
  }

  async #logSize(): Promise<number> {
    try {
      return (await Deno.stat(`${this.base}/${LOG_FILE}`)).size;
    } catch {
      return 0;
    }
  }
}

/** The last `lines` lines of `log`, for error messages. */
export function tail(log: string, lines = 60): string {
  return log.trimEnd().split("\n").slice(-lines).join("\n");
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
