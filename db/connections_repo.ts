/**
 * Connections: AJP backends with their pool and ping settings. Secrets are
 * encrypted on the way in; API-facing objects only say whether one is set.
 * @module
 */
import { asc, eq } from "drizzle-orm";
import { recordChange, toggleVerb } from "./change_log.ts";
import {
  type Connection,
  type ConnectionInput,
  type ConnectionPatch,
  type ConnectionSecrets,
  toColumns,
  toConnection,
} from "./connection_rows.ts";
import { DbConflictError } from "./errors.ts";
import { namedRows } from "./named_rows.ts";
import { grantIfUser, type GrantMethods, grantMethods } from "./permissions.ts";
import { definedOnly, nameKey, type RepoContext } from "./repo_context.ts";
import { deleteRoute, readRoutes } from "./routes_repo.ts";
import { balancerMembers, balancers, connections, routes } from "./schema.ts";

const { find: findRow, assertNameFree } = namedRows("connection");

/** Connection storage; see {@linkcode createConnectionsRepo}. */
export interface ConnectionsRepo extends GrantMethods<"connection"> {
  list(): Promise<Connection[]>;
  get(name: string): Promise<Connection>;
  /** Creates the connection and makes `actor` its owner when `actor` is a user. */
  create(input: ConnectionInput, actor: string): Promise<Connection>;
  update(name: string, patch: ConnectionPatch, actor: string): Promise<Connection>;
  /**
   * Deletes the connection. Routes or balancer members that use it make this a
   * DbConflictError (with the route ids) unless `force`, which deletes them too.
   */
  delete(name: string, actor: string, opts?: { force?: boolean }): Promise<{
    deletedRoutes: string[];
  }>;
  getSecrets(name: string): Promise<ConnectionSecrets>;
}

/** Builds the connections repository; every change is audited and bumps `config_version`. */
export function createConnectionsRepo({ db, box, now }: RepoContext): ConnectionsRepo {
  const seal = async (plain: string | null | undefined) =>
    plain === undefined || plain === null ? plain : await box.encrypt(plain);

  return {
    list: () =>
      db.read(async (q) =>
        (await q.select().from(connections).orderBy(asc(connections.nameKey))).map(toConnection)
      ),

    get: (name) => db.read(async (q) => toConnection(await findRow(q, name))),

    create: async (input, actor) => {
      const secret = await seal(input.secret) ?? null;
      const password = await seal(input.password) ?? null;
      return db.write(async (tx) => {
        const at = now();
        await assertNameFree(tx, input.name);
        const [row] = await tx.insert(connections).values({
          ...toColumns(input),
          name: input.name,
          nameKey: nameKey(input.name),
          type: input.type,
          host: input.host,
          secret,
          password,
          createdAt: at,
          updatedAt: at,
        }).returning();
        await grantIfUser(tx, "connection", row.id, actor, "owner");
        const after = toConnection(row);
        await recordChange(tx, { actor, action: "connection.create", target: row.name, after }, at);
        return after;
      });
    },

    update: async (name, patch, actor) => {
      const secret = await seal(patch.secret);
      const password = await seal(patch.password);
      return db.write(async (tx) => {
        const at = now();
        const old = await findRow(tx, name);
        if (patch.name !== undefined) await assertNameFree(tx, patch.name, old.id);
        const [row] = await tx.update(connections)
          .set({ ...toColumns(patch), ...definedOnly({ secret, password }), updatedAt: at })
          .where(eq(connections.id, old.id)).returning();
        const before = toConnection(old);
        const after = toConnection(row);
        await recordChange(
          tx,
          {
            actor,
            action: `connection.${toggleVerb(patch) ?? "update"}`,
            target: old.name,
            before,
            after,
          },
          at,
        );
        return after;
      });
    },

    delete: (name, actor, opts = {}) =>
      db.write(async (tx) => {
        const at = now();
        const row = await findRow(tx, name);
        const usedBy = await readRoutes(tx, eq(routes.connectionId, row.id));
        const members = await tx.select({ balancer: balancers.name }).from(balancerMembers)
          .innerJoin(balancers, eq(balancers.id, balancerMembers.balancerId))
          .where(eq(balancerMembers.connectionId, row.id));
        if (!opts.force && (usedBy.length > 0 || members.length > 0)) {
          const uses = [
            ...usedBy.map((r) => `route ${r.id}`),
            ...members.map((m) => `balancer "${m.balancer}"`),
          ];
          throw new DbConflictError(
            `connection "${row.name}" is used by ${
              uses.join(", ")
            }; delete with force to remove them`,
            usedBy.map((r) => r.id),
          );
        }
        for (const route of usedBy) await deleteRoute(tx, route, actor, at);
        await tx.delete(balancerMembers).where(eq(balancerMembers.connectionId, row.id));
        await tx.delete(connections).where(eq(connections.id, row.id));
        const before = toConnection(row);
        await recordChange(
          tx,
          { actor, action: "connection.delete", target: row.name, before },
          at,
        );
        return { deletedRoutes: usedBy.map((r) => r.id) };
      }),

    ...grantMethods({ db, now }, "connection", findRow),

    getSecrets: async (name) => {
      const row = await db.read((q) => findRow(q, name));
      return {
        secret: row.secret === null ? null : await box.decrypt(row.secret),
        password: row.password === null ? null : await box.decrypt(row.password),
      };
    },
  };
}
