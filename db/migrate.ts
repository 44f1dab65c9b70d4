/**
 * Applies the embedded SQL migrations at start-up.
 *
 * The migrations are compiled into the program (`migrations/embedded.ts`), so a
 * `deno compile`d binary needs no files beside it. Each run takes the write lock
 * (`BEGIN IMMEDIATE`), so two processes starting on one database apply each
 * migration once; applied tags and their SHA-256 are kept in `ajpgate_migrations`.
 * @module
 */
import type { Client } from "@libsql/client";

/** One drizzle-kit migration as embedded: journal tag and time, SQL text and its SHA-256 hex. */
export interface EmbeddedMigration {
  readonly tag: string;
  readonly when: number;
  readonly hash: string;
  readonly sql: string;
}

/** drizzle-kit separates statements with this marker. */
const BREAKPOINT = "--> statement-breakpoint";

/**
 * Applies, in one transaction, every migration not yet recorded, and returns the
 * tags it applied (empty when the database is current). Throws when a recorded
 * migration's hash differs from the embedded one: an applied migration was edited.
 */
export async function applyMigrations(
  client: Client,
  migrations: readonly EmbeddedMigration[],
): Promise<string[]> {
  const tx = await client.transaction("write");
  try {
    await tx.execute(
      "CREATE TABLE IF NOT EXISTS ajpgate_migrations " +
        "(tag TEXT PRIMARY KEY NOT NULL, hash TEXT NOT NULL, applied_at INTEGER NOT NULL)",
    );
    const done = new Map<string, string>();
    for (const row of (await tx.execute("SELECT tag, hash FROM ajpgate_migrations")).rows) {
      done.set(String(row.tag), String(row.hash));
    }
    const applied: string[] = [];
    for (const m of migrations) {
      const recorded = done.get(m.tag);
      if (recorded !== undefined) {
        if (recorded !== m.hash) {
          throw new Error(
            `migration ${m.tag} was applied with hash ${recorded} but the embedded one has ` +
              `${m.hash}; applied migrations must not be edited`,
          );
        }
        continue;
      }
      for (const stmt of m.sql.split(BREAKPOINT)) {
        if (stmt.trim() !== "") await tx.execute(stmt);
      }
      await tx.execute({
        sql: "INSERT INTO ajpgate_migrations (tag, hash, applied_at) VALUES (?, ?, ?)",
        args: [m.tag, m.hash, Date.now()],
      });
      applied.push(m.tag);
    }
    await tx.commit();
    return applied;
  } finally {
    tx.close();
  }
}
