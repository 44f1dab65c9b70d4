/**
 * Who may do what on a connection, a balancer or a route: rows of (object, user, role),
 * read and replaced as a whole list of `{ user, role }`.
 * @module
 */
import { asc, eq, inArray } from "drizzle-orm";
import { recordChange } from "./change_log.ts";
import { DbNotFoundError } from "./errors.ts";
import type { Queryable, Tx } from "./open.ts";
import { nameKey, type RepoContext } from "./repo_context.ts";
import {
  balancerPermissions,
  balancers,
  connectionPermissions,
  connections,
  type permissionRoles,
  routePermissions,
  users,
} from "./schema.ts";

/** `owner` may delete and grant, `admin` may change, `access` may route through. */
export type PermissionRole = typeof permissionRoles[number];

/** One grant, by user name. */
export interface Permission {
  user: string;
  role: PermissionRole;
}

/** Which table an object's grants live in. */
export type PermissionKind = "connection" | "balancer";

/** Every kind of object that carries grants: connections and balancers by name, routes by id. */
export type GrantKind = PermissionKind | "route";

/** A grant table and its object column; the three tables differ only in that column's name. */
function grantTable(kind: GrantKind) {
  // one of three tables of the same shape; drizzle cannot type a union, so one stands for all
  const tables = {
    connection: [connectionPermissions, connectionPermissions.connectionId],
    balancer: [balancerPermissions, balancerPermissions.balancerId],
    route: [routePermissions, routePermissions.routeId],
  } as const;
  const [table, objectId] = tables[kind];
  return {
    table: table as unknown as typeof connectionPermissions,
    objectId: objectId as unknown as typeof connectionPermissions.connectionId,
    column: kind === "connection" ? "connectionId" : kind === "balancer" ? "balancerId" : "routeId",
  };
}

/** The grants on object `id`, ordered by user name then role. */
export async function readPermissions(
  q: Queryable,
  kind: GrantKind,
  id: number | string,
): Promise<Permission[]> {
  const { table: t, objectId } = grantTable(kind);
  return await q.select({ user: users.name, role: t.role }).from(t)
    .innerJoin(users, eq(users.id, t.userId)).where(eq(objectId, id as number))
    .orderBy(asc(users.nameKey), asc(t.role));
}

/** Replaces the grants on object `id`; every user must exist (DbNotFoundError). */
export async function writePermissions(
  tx: Tx,
  kind: GrantKind,
  id: number | string,
  permissions: readonly Permission[],
): Promise<void> {
  const keys = [...new Set(permissions.map((p) => nameKey(p.user)))];
  const found = keys.length === 0 ? [] : await tx.select({ id: users.id, key: users.nameKey })
    .from(users).where(inArray(users.nameKey, keys));
  const idOf = new Map(found.map((u) => [u.key, u.id]));
  const rows = new Map<string, { userId: number; role: PermissionRole }>();
  for (const p of permissions) {
    const userId = idOf.get(nameKey(p.user));
    if (userId === undefined) throw new DbNotFoundError("user", p.user);
    rows.set(`${userId}/${p.role}`, { userId, role: p.role });
  }
  const { table, objectId, column } = grantTable(kind);
  await tx.delete(table).where(eq(objectId, id as number));
  if (rows.size > 0) {
    await tx.insert(table).values(
      [...rows.values()].map((r) => ({ ...r, [column]: id }) as typeof table.$inferInsert),
    );
  }
}

/** Grants `role` to user `userName` on object `id` if that user exists; used for owners. */
export async function grantIfUser(
  tx: Tx,
  kind: GrantKind,
  id: number | string,
  userName: string,
  role: PermissionRole,
): Promise<void> {
  const [user] = await tx.select({ id: users.id }).from(users)
    .where(eq(users.nameKey, nameKey(userName)));
  if (user === undefined) return;
  const { table, column } = grantTable(kind);
  await tx.insert(table)
    .values({ userId: user.id, role, [column]: id } as typeof table.$inferInsert)
    .onConflictDoNothing();
}

/** Every grant held by `userName`, by object name; for listing what a user may use. */
export async function readGrantsOf(
  q: Queryable,
  kind: PermissionKind,
  userName: string,
): Promise<{ name: string; role: PermissionRole }[]> {
  const user = eq(users.nameKey, nameKey(userName));
  if (kind === "connection") {
    const t = connectionPermissions;
    return await q.select({ name: connections.name, role: t.role }).from(t)
      .innerJoin(users, eq(users.id, t.userId))
      .innerJoin(connections, eq(connections.id, t.connectionId))
      .where(user).orderBy(asc(connections.nameKey), asc(t.role));
  }
  const t = balancerPermissions;
  return await q.select({ name: balancers.name, role: t.role }).from(t)
    .innerJoin(users, eq(users.id, t.userId))
    .innerJoin(balancers, eq(balancers.id, t.balancerId))
    .where(user).orderBy(asc(balancers.nameKey), asc(t.role));
}

/** The grant methods of the repository of `kind` objects; see {@linkcode grantMethods}. */
export interface GrantMethods<K extends PermissionKind> {
  /** The grants on the object named `name`, ordered by user name then role. */
  getPermissions(name: string): Promise<Permission[]>;
  /** Replaces all grants on the object named `name`. */
  setPermissions(name: string, permissions: readonly Permission[], actor: string): Promise<
    Permission[]
  >;
  /** The objects `userName` holds a role on, e.g. `{ connection: "tomcat-a", role: "owner" }`. */
  permissionsOf(userName: string): Promise<(Record<K, string> & { role: PermissionRole })[]>;
}

/**
 * The grant methods the connections and balancers repositories share; `findRow` finds an
 * object by name (any case) or throws DbNotFoundError. Changes are audited as
 * `<kind>.permissions` with the grants before and after.
 */
export function grantMethods<K extends PermissionKind>(
  { db, now }: Pick<RepoContext, "db" | "now">,
  kind: K,
  findRow: (q: Queryable, name: string) => Promise<{ id: number; name: string }>,
): GrantMethods<K> {
  return {
    getPermissions: (name) =>
      db.read(async (q) => readPermissions(q, kind, (await findRow(q, name)).id)),

    setPermissions: (name, permissions, actor) =>
      db.write(async (tx) => {
        const row = await findRow(tx, name);
        const before = await readPermissions(tx, kind, row.id);
        await writePermissions(tx, kind, row.id, permissions);
        const after = await readPermissions(tx, kind, row.id);
        await recordChange(
          tx,
          { actor, action: `${kind}.permissions`, target: row.name, before, after },
          now(),
        );
        return after;
      }),

    permissionsOf: (userName) =>
      db.read(async (q) =>
        (await readGrantsOf(q, kind, userName)).map((g) =>
          ({ [kind]: g.name, role: g.role }) as Record<K, string> & { role: PermissionRole }
        )
      ),
  };
}
