/**
 * Looking up connections and balancers by name: both tables hold a `name` as given and a
 * `name_key` it is unique and found by in any case (see {@linkcode nameKey}).
 * @module
 */
import { and, eq, ne } from "drizzle-orm";
import { DbConflictError, DbNotFoundError } from "./errors.ts";
import type { Queryable, Tx } from "./open.ts";
import type { PermissionKind } from "./permissions.ts";
import { nameKey } from "./repo_context.ts";
import { balancers, connections } from "./schema.ts";

/** The table of each kind of named object. */
const TABLES = { connection: connections, balancer: balancers } as const;

/** A row of the table of `K`. */
export type NamedRow<K extends PermissionKind> = (typeof TABLES)[K]["$inferSelect"];

/** The lookups a repository of `kind` objects needs; see {@linkcode namedRows}. */
export interface NamedRows<K extends PermissionKind> {
  /** The row named `name` (any case), or DbNotFoundError. */
  find(q: Queryable, name: string): Promise<NamedRow<K>>;
  /** Rejects `name` with a DbConflictError if another row (not `exceptId`) has it in any case. */
  assertNameFree(tx: Tx, name: string, exceptId?: number): Promise<void>;
}

/** Name lookups in the table of `kind`, e.g. `namedRows("balancer").find(q, "App-LB")`. */
export function namedRows<K extends PermissionKind>(kind: K): NamedRows<K> {
  // one of two tables with the same id/name/nameKey columns; drizzle cannot type a union
  const table = TABLES[kind] as typeof connections;
  return {
    find: async (q, name) => {
      const [row] = await q.select().from(table).where(eq(table.nameKey, nameKey(name)));
      if (row === undefined) throw new DbNotFoundError(kind, name);
      return row as NamedRow<K>;
    },

    assertNameFree: async (tx, name, exceptId) => {
      const [clash] = await tx.select({ name: table.name }).from(table).where(and(
        eq(table.nameKey, nameKey(name)),
        exceptId === undefined ? undefined : ne(table.id, exceptId),
      ));
      if (clash !== undefined) {
        throw new DbConflictError(`a ${kind} named "${clash.name}" already exists`);
      }
    },
  };
}
