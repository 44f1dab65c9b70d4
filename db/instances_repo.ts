/**
 * The registry of ajpgate processes sharing one database: each registers at start,
 * heartbeats, and marks itself stopped on a clean shutdown. Not configuration: nothing
 * here bumps `config_version` or writes an audit row.
 * @module
 */
import { asc, eq, lt } from "drizzle-orm";
import { iso, type RepoContext } from "./repo_context.ts";
import { instances } from "./schema.ts";

/** An instance is "gone" once its last heartbeat is older than this: 30 s. */
export const INSTANCE_GONE_AFTER_MS = 30_000;
/** Rows of instances gone for longer than this (1 day) are deleted at registration. */
export const INSTANCE_PRUNE_AFTER_MS = 86_400_000;

/** What an instance says about itself. */
export interface InstanceInput {
  /** A random UUID per process start. */
  id: string;
  host: string;
  pid: number;
  /** ajpgate's version, from deno.json. */
  version: string;
  /** The proxy listener, "host:port". */
  proxyListen: string;
  /** The management listener, "host:port". */
  adminListen: string;
}

/** An instance as listed; times are ISO 8601. */
export interface Instance extends InstanceInput {
  startedAt: string;
  heartbeatAt: string;
  /** Set by a clean shutdown; null while running or after a crash. */
  stoppedAt: string | null;
  /** "live": heartbeat within the last 30 s and not stopped; else "gone". */
  status: "live" | "gone";
}

/** Instance registry access; see {@linkcode createInstancesRepo}. */
export interface InstancesRepo {
  /**
   * Records `input` as started and heartbeating now, and deletes the rows of instances
   * whose last heartbeat is more than a day old. Registering an id again restarts it.
   */
  register(input: InstanceInput): Promise<void>;
  /**
   * Moves the heartbeat of `input.id` to now; recreates the row (started now) if it is
   * missing, e.g. pruned while this process was suspended for a day.
   */
  heartbeat(input: InstanceInput): Promise<void>;
  /** Marks the instance stopped now; it is "gone" from then on. */
  markStopped(id: string): Promise<void>;
  /** Every recorded instance, oldest start first, with its status as of now. */
  list(): Promise<Instance[]>;
}

/** Builds the instances repository. */
export function createInstancesRepo({ db, now }: RepoContext): InstancesRepo {
  return {
    register: (input) =>
      db.write(async (tx) => {
        const at = now();
        await tx.delete(instances).where(lt(instances.heartbeatAt, at - INSTANCE_PRUNE_AFTER_MS));
        const row = { ...input, startedAt: at, heartbeatAt: at, stoppedAt: null };
        await tx.insert(instances).values(row).onConflictDoUpdate({
          target: instances.id,
          set: row,
        });
      }),

    heartbeat: (input) =>
      db.write(async (tx) => {
        const at = now();
        await tx.insert(instances).values({ ...input, startedAt: at, heartbeatAt: at })
          .onConflictDoUpdate({ target: instances.id, set: { heartbeatAt: at } });
      }),

    markStopped: (id) =>
      db.write(async (tx) => {
        await tx.update(instances).set({ stoppedAt: now() }).where(eq(instances.id, id));
      }),

    list: () =>
      db.read(async (q) => {
        const rows = await q.select().from(instances).orderBy(
          asc(instances.startedAt),
          asc(instances.id),
        );
        const at = now();
        return rows.map((r) => ({
          id: r.id,
          host: r.host,
          pid: r.pid,
          version: r.version,
          proxyListen: r.proxyListen,
          adminListen: r.adminListen,
          startedAt: iso(r.startedAt),
          heartbeatAt: iso(r.heartbeatAt),
          stoppedAt: iso(r.stoppedAt),
          status: r.stoppedAt === null && at - r.heartbeatAt <= INSTANCE_GONE_AFTER_MS
            ? "live" as const
            : "gone" as const,
        }));
      }),
  };
}
