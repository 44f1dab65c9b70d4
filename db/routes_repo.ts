/**
 * Routes: an incoming host (or any host) and path prefix forwarded to one
 * connection or one balancer. A route has grants like a connection: its creator becomes
 * its owner.
 * @module
 */
import { and, asc, eq, ne, type SQL } from "drizzle-orm";
import { Buffer } from "node:buffer";
import { recordChange } from "./change_log.ts";
import { DbConflictError, DbInvalidError, DbNotFoundError } from "./errors.ts";
import type { Queryable, Tx } from "./open.ts";
import { definedOnly, iso, nameKey, type RepoContext } from "./repo_context.ts";
import { grantIfUser, type Permission, readPermissions, writePermissions } from "./permissions.ts";
import { balancers, connections, routePermissions, routes } from "./schema.ts";

/** A route as the API shows it; the target is named, not numbered. */
export interface Route {
  /** A random 10-character hex id. */
  id: string;
  /** null matches any host. */
  host: string | null;
  pathPrefix: string;
  connection: string | null;
  balancer: string | null;
  /** Replaces `pathPrefix` when forwarding; null forwards the path unchanged. */
  backendPath: string | null;
  preserveHost: boolean;
  enabled: boolean;
  createdAt: string;
  updatedAt: string;
}

/** A new route; exactly one of `connection` and `balancer` (by name). */
export interface RouteInput {
  host?: string | null;
  pathPrefix: string;
  connection?: string | null;
  balancer?: string | null;
  /** Default null. */
  backendPath?: string | null;
  /** Default true. */
  preserveHost?: boolean;
  /** Default true. */
  enabled?: boolean;
}

/** Fields to change; omitted ones stay. */
export type RoutePatch = Partial<RouteInput>;

/** Route storage; see {@linkcode createRoutesRepo}. */
export interface RoutesRepo {
  list(): Promise<Route[]>;
  get(id: string): Promise<Route>;
  /** Creates the route and makes `actor` its owner when `actor` is a user. */
  create(input: RouteInput, actor: string): Promise<Route>;
  update(id: string, patch: RoutePatch, actor: string): Promise<Route>;
  delete(id: string, actor: string): Promise<void>;
  /** Ids of the routes that forward to connection `connectionId`. */
  referencesTo(connectionId: number): Promise<string[]>;
  /** The grants on route `id`, ordered by user name then role. */
  getPermissions(id: string): Promise<Permission[]>;
  /** Replaces all grants on route `id`; audited as `route.permissions`. */
  setPermissions(id: string, permissions: readonly Permission[], actor: string): Promise<
    Permission[]
  >;
}

/** Reads routes as {@linkcode Route}s, optionally filtered, ordered by host then prefix. */
export async function readRoutes(q: Queryable, where?: SQL): Promise<Route[]> {
  const rows = await q
    .select({ r: routes, connection: connections.name, balancer: balancers.name })
    .from(routes)
    .leftJoin(connections, eq(connections.id, routes.connectionId))
    .leftJoin(balancers, eq(balancers.id, routes.balancerId))
    .where(where)
    .orderBy(asc(routes.hostKey), asc(routes.pathPrefix));
  return rows.map(({ r, connection, balancer }) => ({
    id: r.id,
    host: r.host,
    pathPrefix: r.pathPrefix,
    connection,
    balancer,
    backendPath: r.backendPath,
    preserveHost: r.preserveHost,
    enabled: r.enabled,
    createdAt: iso(r.createdAt),
    updatedAt: iso(r.updatedAt),
  }));
}

/**
 * Deletes `route` and audits it as `route.delete`; also used when deleting a connection or
 * balancer with force deletes the routes using it.
 */
export async function deleteRoute(tx: Tx, route: Route, actor: string, at: number): Promise<void> {
  await tx.delete(routePermissions).where(eq(routePermissions.routeId, route.id));
  await tx.delete(routes).where(eq(routes.id, route.id));
  await recordChange(tx, { actor, action: "route.delete", target: route.id, before: route }, at);
}

/** Builds the routes repository; every change is audited and bumps `config_version`. */
export function createRoutesRepo({ db, now }: RepoContext): RoutesRepo {
  const getIn = async (q: Queryable, id: string): Promise<Route> => {
    const [route] = await readRoutes(q, eq(routes.id, id));
    if (route === undefined) throw new DbNotFoundError("route", id);
    return route;
  };

  return {
    list: () => db.read((q) => readRoutes(q)),
    get: (id) => db.read((q) => getIn(q, id)),

    create: (input, actor) =>
      db.write(async (tx) => {
        const at = now();
        const id = Buffer.from(crypto.getRandomValues(new Uint8Array(5))).toString("hex");
        const target = await resolveTarget(tx, input.connection ?? null, input.balancer ?? null);
        const hostKey = nameKey(input.host ?? "");
        await assertUnique(tx, hostKey, input.pathPrefix);
        await tx.insert(routes).values({
          id,
          host: input.host ?? null,
          hostKey,
          pathPrefix: input.pathPrefix,
          ...target,
          backendPath: input.backendPath ?? null,
          preserveHost: input.preserveHost ?? true,
          enabled: input.enabled ?? true,
          createdAt: at,
          updatedAt: at,
        });
        await grantIfUser(tx, "route", id, actor, "owner");
        const after = await getIn(tx, id);
        await recordChange(tx, { actor, action: "route.create", target: id, after }, at);
        return after;
      }),

    update: (id, patch, actor) =>
      db.write(async (tx) => {
        const at = now();
        const before = await getIn(tx, id);
        const targetChanged = patch.connection !== undefined || patch.balancer !== undefined;
        const target = targetChanged
          ? await resolveTarget(
            tx,
            patch.connection !== undefined ? patch.connection : before.connection,
            patch.balancer !== undefined ? patch.balancer : before.balancer,
          )
          : {};
        const host = patch.host !== undefined ? patch.host : before.host;
        const pathPrefix = patch.pathPrefix ?? before.pathPrefix;
        const hostKey = nameKey(host ?? "");
        await assertUnique(tx, hostKey, pathPrefix, id);
        await tx.update(routes).set({
          ...definedOnly({
            backendPath: patch.backendPath,
            preserveHost: patch.preserveHost,
            enabled: patch.enabled,
          }),
          ...target,
          host,
          hostKey,
          pathPrefix,
          updatedAt: at,
        }).where(eq(routes.id, id));
        const after = await getIn(tx, id);
        await recordChange(tx, { actor, action: "route.update", target: id, before, after }, at);
        return after;
      }),

    delete: (id, actor) =>
      db.write(async (tx) => {
        await deleteRoute(tx, await getIn(tx, id), actor, now());
      }),

    referencesTo: (connectionId) =>
      db.read(async (q) => {
        const rows = await q.select({ id: routes.id }).from(routes)
          .where(eq(routes.connectionId, connectionId)).orderBy(asc(routes.id));
        return rows.map((r) => r.id);
      }),

    getPermissions: (id) =>
      db.read(async (q) => readPermissions(q, "route", (await getIn(q, id)).id)),

    setPermissions: (id, permissions, actor) =>
      db.write(async (tx) => {
        await getIn(tx, id);
        const before = await readPermissions(tx, "route", id);
        await writePermissions(tx, "route", id, permissions);
        const after = await readPermissions(tx, "route", id);
        await recordChange(
          tx,
          { actor, action: "route.permissions", target: id, before, after },
          now(),
        );
        return after;
      }),
  };
}

/** Turns target names into ids; exactly one must be given. */
async function resolveTarget(
  tx: Tx,
  connection: string | null,
  balancer: string | null,
): Promise<{ connectionId: number | null; balancerId: number | null }> {
  if ((connection === null) === (balancer === null)) {
    throw new DbInvalidError("a route needs exactly one of connection and balancer");
  }
  if (connection !== null) {
    const [c] = await tx.select({ id: connections.id }).from(connections)
      .where(eq(connections.nameKey, nameKey(connection)));
    if (c === undefined) throw new DbNotFoundError("connection", connection);
    return { connectionId: c.id, balancerId: null };
  }
  const [b] = await tx.select({ id: balancers.id }).from(balancers)
    .where(eq(balancers.nameKey, nameKey(balancer!)));
  if (b === undefined) throw new DbNotFoundError("balancer", balancer!);
  return { connectionId: null, balancerId: b.id };
}

/** Rejects a second route on the same host and prefix. */
async function assertUnique(tx: Tx, hostKey: string, pathPrefix: string, exceptId?: string) {
  const clash = await tx.select({ id: routes.id }).from(routes).where(and(
    eq(routes.hostKey, hostKey),
    eq(routes.pathPrefix, pathPrefix),
    exceptId === undefined ? undefined : ne(routes.id, exceptId),
  ));
  if (clash.length > 0) {
    throw new DbConflictError(
      `a route for host "${hostKey || "*"}" and prefix "${pathPrefix}" exists: ${clash[0].id}`,
      [clash[0].id],
    );
  }
}
