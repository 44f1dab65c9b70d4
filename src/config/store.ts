/**
 * Opens the configuration store named by `--db`: the database (migrated), its secret key
 * (`AJPGATE_SECRET_KEY` or a key file beside a file database) and the repositories.
 * @module
 */
import {
  createRepositories,
  createSecretBox,
  type Database,
  loadSecretKey,
  openDatabase,
  type Repositories,
  SECRET_KEY_ENV,
} from "../../db/mod.ts";
import { DB_AUTH_TOKEN_ENV } from "./env_names.ts";

/** An open store. Close it when done. */
export interface Store {
  db: Database;
  repos: Repositories;
  close(): void;
}

/** See module doc. `env` reads environment variables (injectable for tests). */
export async function openStore(
  url: string,
  env: (name: string) => string | undefined,
): Promise<Store> {
  const db = await openDatabase(url, { authToken: env(DB_AUTH_TOKEN_ENV) });
  let key: CryptoKey;
  try {
    key = await loadSecretKey({ env: env(SECRET_KEY_ENV), dbUrl: url });
  } catch (err) {
    db.close();
    throw err;
  }
  const repos = createRepositories(db, createSecretBox(key));
  return { db, repos, close: () => db.close() };
}
