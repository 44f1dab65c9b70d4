/**
 * Test helpers for db/: a temporary directory removed on dispose, and an opened
 * in-memory store with repositories.
 * @module
 */
import { openDatabase } from "../../db/open.ts";
import { createRepositories, type RepositoryOptions } from "../../db/repositories.ts";
import { createSecretBox } from "../../db/secret_box.ts";

/** A fresh temporary directory, removed with everything in it on dispose. */
export async function tempDir(): Promise<{ path: string } & AsyncDisposable> {
  const path = await Deno.makeTempDir({ prefix: "ajpgate_db_" });
  return {
    path,
    [Symbol.asyncDispose]: () => Deno.remove(path, { recursive: true }),
  };
}

/** A random AES-256-GCM key for tests. */
export function testKey(): Promise<CryptoKey> {
  return crypto.subtle.generateKey({ name: "AES-GCM", length: 256 }, false, [
    "encrypt",
    "decrypt",
  ]);
}

/** Opens `url` (default `:memory:`) and builds repositories over it. */
export async function openStore(url = ":memory:", opts: RepositoryOptions = {}) {
  const db = await openDatabase(url);
  const box = createSecretBox(await testKey());
  return Object.assign(db, { repos: createRepositories(db, box, opts), box });
}
