/**
 * Opens the configuration database and brings its schema up to date.
 * @module
 */
import { type Client, createClient, type ResultSet } from "@libsql/client";
import { drizzle, type LibSQLDatabase } from "drizzle-orm/libsql";
import type { BaseSQLiteDatabase } from "drizzle-orm/sqlite-core";
import { dirname } from "node:path";
import { parseDbUrl } from "./db_url.ts";
import { applyMigrations } from "./migrate.ts";
import { migrations } from "./migrations/embedded.ts";
import * as schema from "./schema.ts";
import { createSerialQueue } from "./serial_queue.ts";

/** The typed drizzle handle over `schema.ts`. */
export type Orm = LibSQLDatabase<typeof schema>;
/** Anything queries can run on: the handle or an open transaction. */
export type Queryable = BaseSQLiteDatabase<"async", ResultSet, typeof schema>;
/** An open write transaction. */
export type Tx = Parameters<Parameters<Orm["transaction"]>[0]>[0];

/** An open database: the raw libsql client, the drizzle handle, and `close()`. */
export interface Database {
  readonly client: Client;
  readonly orm: Orm;
  /**
   * Runs `fn` in a write transaction (`BEGIN IMMEDIATE`), one at a time per
   * database: libsql's busy wait is synchronous and would block the event loop
   * that an overlapping transaction needs in order to finish.
   */
  write<T>(fn: (tx: Tx) => Promise<T>): Promise<T>;
  /**
   * Runs reads. Direct for files and servers; queued behind writes for
   * `:memory:`, whose single connection is held by an open transaction.
   */
  read<T>(fn: (q: Queryable) => Promise<T>): Promise<T>;
  close(): void;
}

/** Options for {@linkcode openDatabase}. */
export interface OpenOptions {
  /** Token for `libsql://` and `http(s)://` servers; unused for local files. */
  authToken?: string;
}

/**
 * Opens `file:PATH` (creating its directory), `:memory:`, `libsql://` or
 * `http(s)://`, and applies any pending embedded migrations.
 *
 * Files get a 5 s busy timeout and WAL journaling, because several ajpgate
 * processes may share one file: without the timeout a writer that meets
 * another's lock fails at once with SQLITE_BUSY. A new database file is created
 * with mode 0600 (SQLite gives its -wal and -shm files the same mode): it holds
 * token hashes and the audit log.
 *
 * @example
 * await using db = await openDatabase("file:data/ajpgate.db");
 */
export async function openDatabase(
  url: string,
  opts: OpenOptions = {},
): Promise<Database & AsyncDisposable> {
  const location = parseDbUrl(url);
  if (location.kind === "file") {
    const dir = dirname(location.path);
    await Deno.mkdir(dir, { recursive: true }).catch((e) => {
      throw new Error(
        `cannot open database ${redact(url)}: cannot create its directory "${dir}": ${
          fileProblem(e)
        }`,
        { cause: e },
      );
    });
    await createPrivate(location.path);
  }
  const client = createClient({
    url,
    ...(location.kind === "remote" && opts.authToken ? { authToken: opts.authToken } : {}),
    ...(location.kind === "file" ? { timeout: 5000 } : {}),
  });
  try {
    if (location.kind === "file") await client.execute("PRAGMA journal_mode=WAL");
    await applyMigrations(client, migrations);
  } catch (e) {
    client.close();
    const hint = /CANTOPEN|READONLY|unable to open|permission/i.test((e as Error).message)
      ? " (check that the file and its directory exist and this user may read and write them)"
      : "";
    throw new Error(`cannot open database ${redact(url)}: ${(e as Error).message}${hint}`, {
      cause: e,
    });
  }
  const orm = drizzle(client, { schema });
  const queue = createSerialQueue();
  const close = () => client.close();
  return {
    client,
    orm,
    write: (fn) => queue.run(() => orm.transaction(fn)),
    read: (fn) => location.kind === "memory" ? queue.run(() => fn(orm)) : fn(orm),
    close,
    [Symbol.asyncDispose]: () => Promise.resolve(close()),
  };
}

/** Creates `path` empty with mode 0600 unless it exists (an empty file is a new database). */
async function createPrivate(path: string): Promise<void> {
  try {
    const file = await Deno.open(path, { createNew: true, write: true, mode: 0o600 });
    file.close();
    await Deno.chmod(path, 0o600); // in case the umask took bits away
  } catch (err) {
    if (!(err instanceof Deno.errors.AlreadyExists)) throw err;
  }
}

/** The URL without its query, which may carry credentials, for messages. */
function redact(url: string): string {
  return url.split("?")[0];
}

/** A file-system failure in words, rather than Deno's advice to rerun with --allow-all. */
function fileProblem(e: unknown): string {
  if (e instanceof Deno.errors.NotCapable) {
    return "writing there is not allowed (a system path such as /proc or /sys); " +
      "choose a data directory such as ./data or /var/lib/ajpgate";
  }
  if (e instanceof Deno.errors.PermissionDenied) {
    return "permission denied for this user; choose a directory it may write to";
  }
  if (e instanceof Deno.errors.AlreadyExists || e instanceof Deno.errors.NotADirectory) {
    return "a part of the path is a file, not a directory";
  }
  return e instanceof Error ? e.message : String(e);
}
