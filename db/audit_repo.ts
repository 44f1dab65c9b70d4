/**
 * Reading the audit log, and appending events that are not configuration
 * changes. Append-only by design: there is no update or delete.
 * @module
 */
import { desc } from "drizzle-orm";
import { appendAudit, type ChangeRecord } from "./change_log.ts";
import { iso, type RepoContext } from "./repo_context.ts";
import { audit } from "./schema.ts";

/** One audit row; `before`/`after` are the parsed JSON, or null. */
export interface AuditEntry {
  id: number;
  at: string;
  actor: string;
  action: string;
  target: string;
  before: unknown;
  after: unknown;
}

/** Audit log access; see {@linkcode createAuditRepo}. */
export interface AuditRepo {
  /** Newest first; `limit` defaults to 100, `offset` to 0. */
  list(opts?: { limit?: number; offset?: number }): Promise<AuditEntry[]>;
  /** Appends an event without bumping `config_version`. Never pass secrets. */
  append(entry: ChangeRecord): Promise<void>;
}

/** Builds the audit repository. */
export function createAuditRepo({ db, now }: RepoContext): AuditRepo {
  return {
    list: ({ limit = 100, offset = 0 } = {}) =>
      db.read(async (q) => {
        const rows = await q.select().from(audit).orderBy(desc(audit.id)).limit(limit)
          .offset(offset);
        return rows.map((r) => ({
          id: r.id,
          at: iso(r.at),
          actor: r.actor,
          action: r.action,
          target: r.target,
          before: r.before === null ? null : JSON.parse(r.before),
          after: r.after === null ? null : JSON.parse(r.after),
        }));
      }),

    append: (entry) => db.write((tx) => appendAudit(tx, entry, now())),
  };
}
