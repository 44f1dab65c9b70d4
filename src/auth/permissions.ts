/**
 * Who may do what through the management API, as one pure decision: the actor, the
 * action, and the roles the actor holds on the connection (or balancer) concerned.
 *
 * Roles, after JMap Server's server-to-server connections:
 * - `owner`: everything on the connection, including deleting it and naming owners and admins;
 * - `admin` ("administer the remote connection"): modify, reset, disable, enable it and
 *   manage who has `access`; never delete it nor change owners or admins;
 * - `access` ("access the remote connection"): see it and use it in routes; no change.
 *
 * Balancers and routes take the same roles with the same meaning. Naming a connection as
 * a balancer member, or a connection or balancer as a route's target, is using it, so it
 * needs a role (any) on that target. Changing or deleting a route needs `admin` or `owner`
 * on the route itself (its creator becomes its owner); a route that would take requests
 * another route takes today (shadowing it) needs a role (any) on that route.
 *
 * Superusers may do everything. User management, other users' tokens and the audit log are
 * superuser-only. Any authenticated user may create a connection or balancer (becoming its
 * owner), list connections and balancers (the API filters to those with a role) and routes
 * (routes are not secret), read `/me`, and list and revoke their own tokens.
 * @module
 */

/** A role on a connection, balancer or route, strongest first. */
export type Role = "owner" | "admin" | "access";

/** The authenticated user an action is decided for. */
export interface Actor {
  name: string;
  superuser: boolean;
}

/** Every action the API decides on. */
export const ACTIONS = [
  "me.read",
  "connection.list",
  "connection.create",
  "connection.read",
  "connection.update",
  "connection.delete",
  "connection.reset",
  "connection.disable",
  "connection.enable",
  "connection.permissions.read",
  /** Replacing the grants when owners or admins change. */
  "connection.permissions.set",
  /** Replacing the grants when only `access` changes. */
  "connection.permissions.setAccess",
  "balancer.list",
  "balancer.create",
  "balancer.read",
  "balancer.update",
  "balancer.delete",
  "balancer.disable",
  "balancer.enable",
  "balancer.permissions.read",
  /** Replacing the grants when owners or admins change. */
  "balancer.permissions.set",
  /** Replacing the grants when only `access` changes. */
  "balancer.permissions.setAccess",
  /** Naming a connection as a member: decided on the roles on that connection (each one). */
  "balancer.members.set",
  "route.list",
  "route.read",
  /** Sending a new or moved route to a target: decided on the roles on that target. */
  "route.create",
  /** Changing or deleting a route: decided on the roles on the route. */
  "route.update",
  "route.delete",
  /** Taking requests another route takes today: decided on the roles on that route. */
  "route.shadow",
  "route.permissions.read",
  /** Replacing the grants when owners or admins change. */
  "route.permissions.set",
  /** Replacing the grants when only `access` changes. */
  "route.permissions.setAccess",
  "user.list",
  "user.create",
  "user.delete",
  "token.create",
  "token.revoke",
  /** Listing and revoking the caller's own tokens. */
  "token.own",
  "audit.read",
] as const;

/** An action the API decides on. */
export type Action = typeof ACTIONS[number];

/** What each action needs: any authenticated user, a superuser, or one of some roles. */
const NEEDS: Record<Action, "anyone" | "superuser" | readonly Role[]> = {
  "me.read": "anyone",
  "connection.list": "anyone",
  "connection.create": "anyone",
  "connection.read": ["owner", "admin", "access"],
  "connection.update": ["owner", "admin"],
  "connection.delete": ["owner"],
  "connection.reset": ["owner", "admin"],
  "connection.disable": ["owner", "admin"],
  "connection.enable": ["owner", "admin"],
  "connection.permissions.read": ["owner", "admin"],
  "connection.permissions.set": ["owner"],
  "connection.permissions.setAccess": ["owner", "admin"],
  "balancer.list": "anyone",
  "balancer.create": "anyone",
  "balancer.read": ["owner", "admin", "access"],
  "balancer.update": ["owner", "admin"],
  "balancer.delete": ["owner"],
  "balancer.disable": ["owner", "admin"],
  "balancer.enable": ["owner", "admin"],
  "balancer.permissions.read": ["owner", "admin"],
  "balancer.permissions.set": ["owner"],
  "balancer.permissions.setAccess": ["owner", "admin"],
  "balancer.members.set": ["owner", "admin", "access"],
  "route.list": "anyone",
  "route.read": "anyone",
  "route.create": ["owner", "admin", "access"],
  "route.update": ["owner", "admin"],
  "route.delete": ["owner", "admin"],
  "route.shadow": ["owner", "admin", "access"],
  "route.permissions.read": ["owner", "admin"],
  "route.permissions.set": ["owner"],
  "route.permissions.setAccess": ["owner", "admin"],
  "user.list": "superuser",
  "user.create": "superuser",
  "user.delete": "superuser",
  "token.create": "superuser",
  "token.revoke": "superuser",
  "token.own": "anyone",
  "audit.read": "superuser",
};

/**
 * True when `actor` may perform `action`, holding `roles` on the object concerned (pass an
 * empty set for actions not about one object).
 *
 * @example
 * decide({ name: "bob", superuser: false }, "connection.delete", new Set(["admin"])); // false
 */
export function decide(actor: Actor, action: Action, roles: ReadonlySet<Role>): boolean {
  if (actor.superuser) return true;
  const needs = NEEDS[action];
  if (needs === "anyone") return true;
  if (needs === "superuser") return false;
  return needs.some((role) => roles.has(role));
}
