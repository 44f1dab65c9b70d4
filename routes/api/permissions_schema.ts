/**
 * The grants on a connection as the API reads and replaces them: user names per role.
 * @module
 */
import { z } from "@hono/zod-openapi";
import type { Permission, PermissionRole } from "../../db/mod.ts";
import { userName } from "./fields.ts";

const names = z.array(userName).max(1000, "must list at most 1000 users");

/** PUT /connections/{name}/permissions, and its GET. */
export const permissionsBody = z.strictObject({
  owners: names,
  admins: names,
  access: names,
}).openapi("Permissions");

/** The grants by role. */
export type PermissionsBody = z.infer<typeof permissionsBody>;

const KEYS = { owner: "owners", admin: "admins", access: "access" } as const;

/** Grants as role lists, each in the repository's order (by user name). */
export function toPermissionsBody(grants: readonly Permission[]): PermissionsBody {
  const body: PermissionsBody = { owners: [], admins: [], access: [] };
  for (const g of grants) body[KEYS[g.role]].push(g.user);
  return body;
}

/** Role lists as grants. */
export function toGrants(body: PermissionsBody): Permission[] {
  return (Object.entries(KEYS) as [PermissionRole, keyof PermissionsBody][])
    .flatMap(([role, key]) => body[key].map((user) => ({ user, role })));
}

/** True when the two lists name the same users, in any case and order. */
export function sameUsers(a: readonly string[], b: readonly string[]): boolean {
  const key = (l: readonly string[]) => [...new Set(l.map((n) => n.toLowerCase()))].sort().join();
  return key(a) === key(b);
}
