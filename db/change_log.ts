/**
 * What every configuration change writes besides itself, in its own
 * transaction: one more tick of `config_version` and an audit row.
 * @module
 */
import { eq, sql } from "drizzle-orm";
import type { Queryable, Tx } from "./open.ts";
import { audit, configVersion } from "./schema.ts";

/** An audit record. `before`/`after` are public shapes, which never hold secrets. */
export interface ChangeRecord {
  actor: string;
  /** `<entity>.<verb>`, e.g. `connection.create`. */
  action: string;
  /** The changed object's name or id. */
  target: string;
  before?: unknown;
  after?: unknown;
}

/** Appends `change` to the audit log without touching `config_version`. */
export async function appendAudit(tx: Tx, change: ChangeRecord, at: number): Promise<void> {
  await tx.insert(audit).values({
    at,
    actor: change.actor,
    action: change.action,
    target: change.target,
    before: change.before === undefined ? null : JSON.stringify(change.before),
    after: change.after === undefined ? null : JSON.stringify(change.after),
  });
}

/** Bumps `config_version` and appends the audit row, inside the change's transaction. */
export async function recordChange(tx: Tx, change: ChangeRecord, at: number): Promise<void> {
  // the row is created by the first change; reading a missing row gives version 0
  await tx.insert(configVersion).values({ id: 1, version: 1 }).onConflictDoUpdate({
    target: configVersion.id,
    set: { version: sql`${configVersion.version} + 1` },
  });
  await appendAudit(tx, change, at);
}

/** The current configuration version: 0 before the first change. */
export async function readConfigVersion(q: Queryable): Promise<number> {
  const rows = await q.select({ v: configVersion.version }).from(configVersion)
    .where(eq(configVersion.id, 1));
  return rows[0]?.v ?? 0;
}

/**
 * "enable" or "disable" when `patch` changes nothing but `enabled`, so that the audit log
 * names these actions as themselves; otherwise null (an ordinary update).
 */
export function toggleVerb(patch: object): "enable" | "disable" | null {
  const keys = Object.entries(patch).filter(([, v]) => v !== undefined).map(([k]) => k);
  if (keys.length !== 1 || keys[0] !== "enabled") return null;
  return (patch as { enabled: boolean }).enabled ? "enable" : "disable";
}
