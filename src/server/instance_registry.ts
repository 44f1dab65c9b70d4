/**
 * Publishes this process in the shared database so that every instance can list the
 * others (`GET /api/v1/instances`): registers it at start, moves its heartbeat every few
 * seconds, and marks it stopped on a clean shutdown. An instance whose heartbeat is older
 * than 30 s is shown as gone (see `db/instances_repo.ts`).
 *
 * Heartbeats are one small write transaction each, through the database's write queue,
 * on an unref'd timer; a failed one is reported to `warn` and retried at the next tick,
 * never thrown. At most one is in flight: a tick that finds the last still running skips.
 * @module
 */
import denoJson from "../../deno.json" with { type: "json" };
import type { InstanceInput, InstancesRepo } from "../../db/mod.ts";
import { hostPort } from "../proxy/host_port.ts";

/** Environment variable overriding the heartbeat interval in ms (tests use a short one). */
export const HEARTBEAT_MS_ENV = "AJPGATE_HEARTBEAT_MS";
/** The heartbeat interval unless overridden: 5 s. */
export const DEFAULT_HEARTBEAT_MS = 5000;
/** Bounds of the interval: at least three heartbeats fit in the 30 s before "gone". */
const HEARTBEAT_MIN_MS = 100;
const HEARTBEAT_MAX_MS = 10_000;

/** Options of {@linkcode startInstanceRegistry}. */
export interface InstanceRegistryOptions {
  /** Heartbeat interval in ms. Default {@linkcode DEFAULT_HEARTBEAT_MS} (5000). */
  heartbeatMs?: number;
  /** Receives failures of registering, heartbeating and stopping. Default console.warn. */
  warn?: (message: string) => void;
}

/** This process in the registry. */
export interface InstanceRegistration {
  /** The instance id (a UUID per process start). */
  readonly id: string;
  /** Writes one heartbeat now (the timer does this every interval); never throws. */
  beat(): Promise<void>;
  /** Stops heartbeating and marks the instance stopped; idempotent, never throws. */
  stop(): Promise<void>;
}

/**
 * Describes this process: `id` with the host name, pid, ajpgate's version (deno.json)
 * and the two listeners as "host:port" (IPv6 in brackets).
 *
 * @example
 * const info = describeInstance(crypto.randomUUID(), proxy.addr, admin.addr);
 */
export function describeInstance(
  id: string,
  proxy: Deno.NetAddr,
  admin: Deno.NetAddr,
): InstanceInput {
  return {
    id,
    host: hostName(),
    pid: Deno.pid,
    version: denoJson.version,
    proxyListen: addressOf(proxy),
    adminListen: addressOf(admin),
  };
}

/**
 * Reads {@linkcode HEARTBEAT_MS_ENV}: unset or empty gives the default (5000); otherwise
 * it must be an integer from 100 to 10000.
 */
export function heartbeatMsFromEnv(env: (name: string) => string | undefined): number {
  const raw = env(HEARTBEAT_MS_ENV)?.trim();
  if (raw === undefined || raw === "") return DEFAULT_HEARTBEAT_MS;
  const ms = Number(raw);
  if (!/^\d+$/.test(raw) || ms < HEARTBEAT_MIN_MS || ms > HEARTBEAT_MAX_MS) {
    throw new Error(
      `${HEARTBEAT_MS_ENV} is "${raw}"; it must be an integer from ${HEARTBEAT_MIN_MS} to ` +
        `${HEARTBEAT_MAX_MS} (milliseconds)`,
    );
  }
  return ms;
}

/**
 * Registers `info` (waiting for that write, so the instance is listed once this returns),
 * then heartbeats every `heartbeatMs`. A failed registration is reported and repaired by
 * the next heartbeat, which recreates a missing row. Call `stop()` before closing the
 * database.
 *
 * @example
 * const registry = await startInstanceRegistry(store.repos, info, { warn: runtime.warn });
 * // ... on shutdown:
 * await registry.stop();
 */
export async function startInstanceRegistry(
  repos: { instances: InstancesRepo },
  info: InstanceInput,
  options: InstanceRegistryOptions = {},
): Promise<InstanceRegistration> {
  const warn = options.warn ?? ((m: string) => console.warn(m));
  const what = `instance ${info.id}`;
  try {
    await repos.instances.register(info);
  } catch (err) {
    warn(`ajpgate: registering ${what} failed (retried by the heartbeat): ${message(err)}`);
  }
  let inFlight: Promise<void> | null = null;
  let stopping: Promise<void> | null = null;
  const beat = (): Promise<void> => {
    if (stopping) return Promise.resolve();
    inFlight ??= repos.instances.heartbeat(info).catch((err) => {
      warn(`ajpgate: heartbeat of ${what} failed: ${message(err)}`);
    }).finally(() => inFlight = null);
    return inFlight;
  };
  const timer = setInterval(beat, options.heartbeatMs ?? DEFAULT_HEARTBEAT_MS);
  // the registry never keeps the process alive on its own
  Deno.unrefTimer(timer);
  return {
    id: info.id,
    beat,
    stop: () =>
      stopping ??= (async () => {
        clearInterval(timer);
        // a heartbeat landing after markStopped would not undo it, but keep the order plain
        await inFlight;
        try {
          await repos.instances.markStopped(info.id);
        } catch (err) {
          warn(`ajpgate: marking ${what} stopped failed: ${message(err)}`);
        }
      })(),
  };
}

function hostName(): string {
  try {
    return Deno.hostname();
  } catch {
    // no --allow-sys: still register, under a placeholder
    return "unknown";
  }
}

function addressOf(addr: Deno.NetAddr): string {
  return hostPort(addr.hostname, addr.port);
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
