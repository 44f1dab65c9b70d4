/**
 * Balancers: named groups of connections that share a route's traffic, with
 * their members and grants (the same roles as connections).
 * @module
 */
import { asc, eq, inArray } from "drizzle-orm";
import { recordChange, toggleVerb } from "./change_log.ts";
import { DbConflictError, DbInvalidError, DbNotFoundError } from "./errors.ts";
import type { Queryable, Tx } from "./open.ts";
import { namedRows } from "./named_rows.ts";
import { grantIfUser, type GrantMethods, grantMethods } from "./permissions.ts";
import { definedOnly, iso, nameKey, type RepoContext } from "./repo_context.ts";
import { deleteRoute, readRoutes } from "./routes_repo.ts";
import {
  balancerMembers,
  type balancerMethods,
  balancers,
  connections,
  type memberStatuses,
  routes,
} from "./schema.ts";

const { find: findRow, assertNameFree } = namedRows("balancer");

/** How members are chosen, as in mod_proxy_balancer. */
export type BalancerMethod = typeof balancerMethods[number];
/** `draining` takes no new sessions; `standby` is used only when no active member is. */
export type MemberStatus = typeof memberStatuses[number];

/** A member as stored and shown; defaults loadFactor 1, route null, status "active". */
export interface BalancerMember {
  connection: string;
  /** 1-100; a member gets traffic in proportion to it. */
  loadFactor: number;
  /** The backend's jvmRoute, for sticky sessions. */
  route: string | null;
  status: MemberStatus;
}

/** A balancer as the API shows it. */
export interface Balancer {
  id: number;
  name: string;
  method: BalancerMethod;
  /** Cookie or path parameter holding the route, e.g. JSESSIONID; null = not sticky. */
  stickySession: string | null;
  /** Fail rather than move a sticky session to another member. */
  stickyForce: boolean;
  enabled: boolean;
  description: string | null;
  members: BalancerMember[];
  createdAt: string;
  updatedAt: string;
}

/** A new balancer; defaults method "byrequests", not sticky, enabled, no members. */
export interface BalancerInput {
  name: string;
  method?: BalancerMethod;
  stickySession?: string | null;
  stickyForce?: boolean;
  enabled?: boolean;
  description?: string | null;
  members?: (Pick<BalancerMember, "connection"> & Partial<BalancerMember>)[];
}

/** Fields to change; `members`, when given, replaces the whole list. */
export type BalancerPatch = Partial<BalancerInput>;

/** Balancer storage; see {@linkcode createBalancersRepo}. */
export interface BalancersRepo extends GrantMethods<"balancer"> {
  list(): Promise<Balancer[]>;
  get(name: string): Promise<Balancer>;
  /** Creates the balancer and makes `actor` its owner when `actor` is a user. */
  create(input: BalancerInput, actor: string): Promise<Balancer>;
  update(name: string, patch: BalancerPatch, actor: string): Promise<Balancer>;
  /** Routes using it make this a DbConflictError unless `force`, which deletes them too. */
  delete(name: string, actor: string, opts?: { force?: boolean }): Promise<{
    deletedRoutes: string[];
  }>;
}

type Row = typeof balancers.$inferSelect;

/** Builds the balancers repository; every change is audited and bumps `config_version`. */
export function createBalancersRepo({ db, now }: RepoContext): BalancersRepo {
  return {
    list: () =>
      db.read(async (q) => {
        const rows = await q.select().from(balancers).orderBy(asc(balancers.nameKey));
        return await Promise.all(rows.map((r) => toBalancer(q, r)));
      }),

    get: (name) => db.read(async (q) => toBalancer(q, await findRow(q, name))),

    create: (input, actor) =>
      db.write(async (tx) => {
        const at = now();
        await assertNameFree(tx, input.name);
        const [row] = await tx.insert(balancers).values({
          ...columnsOf(input),
          name: input.name,
          nameKey: nameKey(input.name),
          createdAt: at,
          updatedAt: at,
        }).returning();
        await writeMembers(tx, row.id, input.members ?? []);
        await grantIfUser(tx, "balancer", row.id, actor, "owner");
        const after = await toBalancer(tx, row);
        await recordChange(tx, { actor, action: "balancer.create", target: row.name, after }, at);
        return after;
      }),

    update: (name, patch, actor) =>
      db.write(async (tx) => {
        const at = now();
        const old = await findRow(tx, name);
        if (patch.name !== undefined) await assertNameFree(tx, patch.name, old.id);
        const before = await toBalancer(tx, old);
        const [row] = await tx.update(balancers).set({ ...columnsOf(patch), updatedAt: at })
          .where(eq(balancers.id, old.id)).returning();
        if (patch.members !== undefined) await writeMembers(tx, row.id, patch.members);
        const after = await toBalancer(tx, row);
        await recordChange(
          tx,
          {
            actor,
            action: `balancer.${toggleVerb(patch) ?? "update"}`,
            target: old.name,
            before,
            after,
          },
          at,
        );
        return after;
      }),

    delete: (name, actor, opts = {}) =>
      db.write(async (tx) => {
        const at = now();
        const row = await findRow(tx, name);
        const usedBy = await readRoutes(tx, eq(routes.balancerId, row.id));
        if (!opts.force && usedBy.length > 0) {
          throw new DbConflictError(
            `balancer "${row.name}" is used by ${usedBy.map((r) => `route ${r.id}`).join(", ")}; ` +
              "delete with force to remove them",
            usedBy.map((r) => r.id),
          );
        }
        for (const route of usedBy) await deleteRoute(tx, route, actor, at);
        const before = await toBalancer(tx, row);
        await tx.delete(balancers).where(eq(balancers.id, row.id));
        await recordChange(tx, { actor, action: "balancer.delete", target: row.name, before }, at);
        return { deletedRoutes: usedBy.map((r) => r.id) };
      }),

    ...grantMethods({ db, now }, "balancer", findRow),
  };
}

/** The columns a patch sets; members are written separately. */
function columnsOf(p: BalancerPatch): Partial<Row> {
  return definedOnly({
    name: p.name,
    nameKey: p.name === undefined ? undefined : nameKey(p.name),
    method: p.method,
    stickySession: p.stickySession,
    stickyForce: p.stickyForce,
    enabled: p.enabled,
    description: p.description,
  });
}

/** The public shape of `r`, with its members ordered by connection name. */
async function toBalancer(q: Queryable, r: Row): Promise<Balancer> {
  const members = await q
    .select({
      connection: connections.name,
      loadFactor: balancerMembers.loadFactor,
      route: balancerMembers.route,
      status: balancerMembers.status,
    })
    .from(balancerMembers)
    .innerJoin(connections, eq(connections.id, balancerMembers.connectionId))
    .where(eq(balancerMembers.balancerId, r.id))
    .orderBy(asc(connections.nameKey));
  return {
    id: r.id,
    name: r.name,
    method: r.method,
    stickySession: r.stickySession,
    stickyForce: r.stickyForce,
    enabled: r.enabled,
    description: r.description,
    members,
    createdAt: iso(r.createdAt),
    updatedAt: iso(r.updatedAt),
  };
}

/** Replaces the members of balancer `id`; connections must exist, each at most once, load 1-100. */
async function writeMembers(
  tx: Tx,
  id: number,
  members: NonNullable<BalancerInput["members"]>,
): Promise<void> {
  const keys = members.map((m) => nameKey(m.connection));
  if (new Set(keys).size !== keys.length) {
    throw new DbInvalidError("a connection may appear only once among a balancer's members");
  }
  for (const m of members) {
    const lf = m.loadFactor ?? 1;
    if (!Number.isInteger(lf) || lf < 1 || lf > 100) {
      throw new DbInvalidError(`member "${m.connection}" has load factor ${lf}; use 1 to 100`);
    }
  }
  const found = keys.length === 0
    ? []
    : await tx.select({ id: connections.id, key: connections.nameKey })
      .from(connections).where(inArray(connections.nameKey, keys));
  const idOf = new Map(found.map((c) => [c.key, c.id]));
  await tx.delete(balancerMembers).where(eq(balancerMembers.balancerId, id));
  for (const m of members) {
    const connectionId = idOf.get(nameKey(m.connection));
    if (connectionId === undefined) throw new DbNotFoundError("connection", m.connection);
    await tx.insert(balancerMembers).values({
      balancerId: id,
      connectionId,
      loadFactor: m.loadFactor ?? 1,
      route: m.route ?? null,
      status: m.status ?? "active",
    });
  }
}
