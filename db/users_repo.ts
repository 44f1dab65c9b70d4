/**
 * Users and their API tokens. A token is shown once, at creation; only its
 * SHA-256 is stored, so a leaked database does not leak working tokens.
 * @module
 */
import { and, asc, eq, isNull } from "drizzle-orm";
import { Buffer } from "node:buffer";
import { recordChange } from "./change_log.ts";
import { DbConflictError, DbNotFoundError } from "./errors.ts";
import type { Queryable, Tx } from "./open.ts";
import { iso, nameKey, type RepoContext } from "./repo_context.ts";
import { apiTokens, users } from "./schema.ts";
import { sha256Hex } from "./sha256.ts";

/** A user as the API shows it. */
export interface User {
  id: number;
  name: string;
  superuser: boolean;
  createdAt: string;
}

/** A new user; `superuser` defaults to false. */
export interface UserInput {
  name: string;
  superuser?: boolean;
}

/** A token's metadata; the token itself is never stored. */
export interface ApiToken {
  id: number;
  user: string;
  name: string;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

/** User storage; see {@linkcode createUsersRepo}. */
export interface UsersRepo {
  list(): Promise<User[]>;
  get(name: string): Promise<User>;
  create(input: UserInput, actor: string): Promise<User>;
  /** Deletes the user with their tokens and grants. */
  delete(name: string, actor: string): Promise<void>;
  listTokens(userName: string): Promise<ApiToken[]>;
  /** Returns the plain token once (32 random bytes, base64url); only its hash is kept. */
  createToken(userName: string, tokenName: string, actor: string): Promise<{
    token: string;
    info: ApiToken;
  }>;
  /**
   * Stores a token chosen by the operator (e.g. AJPGATE_ADMIN_TOKEN at bootstrap) as if
   * created here: only its hash is kept. A token already in use is a DbConflictError.
   */
  importToken(userName: string, tokenName: string, token: string, actor: string): Promise<ApiToken>;
  revokeToken(userName: string, tokenId: number, actor: string): Promise<ApiToken>;
  /**
   * The user a live token belongs to, or null. Records `lastUsedAt` at most once
   * a minute, outside the audit log and `config_version`: use is not a change.
   */
  authenticate(token: string): Promise<User | null>;
}

/** How often `lastUsedAt` may be rewritten, so every request does not write. */
const LAST_USED_RESOLUTION_MS = 60_000;

type UserRow = typeof users.$inferSelect;
type TokenRow = typeof apiTokens.$inferSelect;

function toUser(r: UserRow): User {
  return { id: r.id, name: r.name, superuser: r.superuser, createdAt: iso(r.createdAt) };
}

function toToken(r: TokenRow, user: string): ApiToken {
  return {
    id: r.id,
    user,
    name: r.name,
    createdAt: iso(r.createdAt),
    lastUsedAt: iso(r.lastUsedAt),
    revokedAt: iso(r.revokedAt),
  };
}

/** Builds the users repository; every change is audited and bumps `config_version`. */
export function createUsersRepo({ db, now }: RepoContext): UsersRepo {
  /** Stores a token hash for `userName`, audited as `token.create`. */
  const insertToken = (userName: string, tokenName: string, hash: string, actor: string) =>
    db.write(async (tx) => {
      const at = now();
      const user = await findUser(tx, userName);
      const [clash] = await tx.select({ id: apiTokens.id }).from(apiTokens)
        .where(eq(apiTokens.hash, hash));
      if (clash !== undefined) throw new DbConflictError("this token is already in use");
      const [row] = await tx.insert(apiTokens)
        .values({ userId: user.id, name: tokenName, hash, createdAt: at }).returning();
      const info = toToken(row, user.name);
      await recordChange(
        tx,
        { actor, action: "token.create", target: `${user.name}/${row.id}`, after: info },
        at,
      );
      return info;
    });

  return {
    list: () =>
      db.read(async (q) => (await q.select().from(users).orderBy(asc(users.nameKey))).map(toUser)),

    get: (name) => db.read(async (q) => toUser(await findUser(q, name))),

    create: (input, actor) =>
      db.write(async (tx) => {
        const at = now();
        const [clash] = await tx.select({ name: users.name }).from(users)
          .where(eq(users.nameKey, nameKey(input.name)));
        if (clash !== undefined) {
          throw new DbConflictError(`a user named "${clash.name}" already exists`);
        }
        const [row] = await tx.insert(users).values({
          name: input.name,
          nameKey: nameKey(input.name),
          superuser: input.superuser ?? false,
          createdAt: at,
        }).returning();
        const after = toUser(row);
        await recordChange(tx, { actor, action: "user.create", target: row.name, after }, at);
        return after;
      }),

    delete: (name, actor) =>
      db.write(async (tx) => {
        const row = await findUser(tx, name);
        await tx.delete(users).where(eq(users.id, row.id));
        const before = toUser(row);
        await recordChange(tx, { actor, action: "user.delete", target: row.name, before }, now());
      }),

    listTokens: (userName) =>
      db.read(async (q) => {
        const user = await findUser(q, userName);
        const rows = await q.select().from(apiTokens).where(eq(apiTokens.userId, user.id))
          .orderBy(asc(apiTokens.id));
        return rows.map((r) => toToken(r, user.name));
      }),

    createToken: async (userName, tokenName, actor) => {
      const token = Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString("base64url");
      const info = await insertToken(userName, tokenName, await sha256Hex(token), actor);
      return { token, info };
    },

    importToken: async (userName, tokenName, token, actor) =>
      insertToken(userName, tokenName, await sha256Hex(token), actor),

    revokeToken: (userName, tokenId, actor) =>
      db.write(async (tx) => {
        const at = now();
        const user = await findUser(tx, userName);
        const [old] = await tx.select().from(apiTokens)
          .where(and(eq(apiTokens.id, tokenId), eq(apiTokens.userId, user.id)));
        if (old === undefined) throw new DbNotFoundError("token", `${user.name}/${tokenId}`);
        const [row] = await tx.update(apiTokens).set({ revokedAt: old.revokedAt ?? at })
          .where(eq(apiTokens.id, old.id)).returning();
        const before = toToken(old, user.name);
        const after = toToken(row, user.name);
        await recordChange(
          tx,
          { actor, action: "token.revoke", target: `${user.name}/${row.id}`, before, after },
          at,
        );
        return after;
      }),

    authenticate: async (token) => {
      const hash = await sha256Hex(token);
      const [found] = await db.read((q) =>
        q.select({ user: users, lastUsedAt: apiTokens.lastUsedAt, tokenId: apiTokens.id })
          .from(apiTokens).innerJoin(users, eq(users.id, apiTokens.userId))
          .where(and(eq(apiTokens.hash, hash), isNull(apiTokens.revokedAt)))
      );
      if (found === undefined) return null;
      const at = now();
      if (found.lastUsedAt === null || at - found.lastUsedAt >= LAST_USED_RESOLUTION_MS) {
        await db.write((tx) =>
          tx.update(apiTokens).set({ lastUsedAt: at }).where(eq(apiTokens.id, found.tokenId))
        );
      }
      return toUser(found.user);
    },
  };
}

/** The user named `name` (any case), or DbNotFoundError. */
async function findUser(q: Queryable | Tx, name: string): Promise<UserRow> {
  const [row] = await q.select().from(users).where(eq(users.nameKey, nameKey(name)));
  if (row === undefined) throw new DbNotFoundError("user", name);
  return row;
}
