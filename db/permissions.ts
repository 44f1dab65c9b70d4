/**
 * Who may do what on a connection or a balancer: rows of (object, user, role),
 * read and replaced as a whole list of `{ user, role }`.
 * @module
 */
import { asc, eq, inArray } from "drizzle-orm";
import { DbNotFoundError } from "./errors.ts";
import type { Queryable, Tx } from "./open.ts";
import { nameKey } from "./repo_context.ts";
import {
  balancerPermissions,
  balancers,
  connectionPermissions,
  connections,
  type permissionRoles,
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

/** The grants on object `id`, ordered by user name then role. */
export async function readPermissions(
  q: Queryable,
  kind: PermissionKind,
  id: number,
): Promise<Permission[]> {
  if (kind === "connection") {
    const t = connectionPermissions;
    return await q.select({ user: users.name, role: t.role }).from(t)
      .innerJoin(users, eq(users.id, t.userId)).where(eq(t.connectionId, id))
      .orderBy(asc(users.nameKey), asc(t.role));
  }
  const t = balancerPermissions;
  return await q.select({ user: users.name, role: t.role }).from(t)
    .innerJoin(users, eq(users.id, t.userId)).where(eq(t.balancerId, id))
    .orderBy(asc(users.nameKey), asc(t.role));
}

/** Replaces the grants on object `id`; every user must exist (DbNotFoundError). */
export async function writePermissions(
  tx: Tx,
  kind: PermissionKind,
  id: number,
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
  if (kind === "connection") {
    await tx.delete(connectionPermissions).where(eq(connectionPermissions.connectionId, id));
    if (rows.size > 0) {
      await tx.insert(connectionPermissions)
        .values([...rows.values()].map((r) => ({ ...r, connectionId: id })));
    }
  } else {
    await tx.delete(balancerPermissions).where(eq(balancerPermissions.balancerId, id));
    if (rows.size > 0) {
      await tx.insert(balancerPermissions)
        .values([...rows.values()].map((r) => ({ ...r, balancerId: id })));
    }
  }
}

/** Grants `role` to user `userName` on object `id` if that user exists; used for owners. */
export async function grantIfUser(
  tx: Tx,
  kind: PermissionKind,
  id: number,
  userName: string,
  role: PermissionRole,
): Promise<void> {
  const [user] = await tx.select({ id: users.id }).from(users)
    .where(eq(users.nameKey, nameKey(userName)));
  if (user === undefined) return;
  if (kind === "connection") {
    await tx.insert(connectionPermissions).values({ connectionId: id, userId: user.id, role })
      .onConflictDoNothing();
  } else {
    await tx.insert(balancerPermissions).values({ balancerId: id, userId: user.id, role })
      .onConflictDoNothing();
  }
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
