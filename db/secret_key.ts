/**
 * Finds the key that encrypts secrets at rest: AJPGATE_SECRET_KEY when set,
 * else a key file kept beside a file database, else (`:memory:`) a throwaway key.
 * @module
 */
import { Buffer } from "node:buffer";
import { dirname } from "node:path";
import { parseDbUrl } from "./db_url.ts";
import { importSecretKey } from "./secret_box.ts";

/** The environment variable holding the base64 key. */
export const SECRET_KEY_ENV = "AJPGATE_SECRET_KEY";

/** Inputs of {@linkcode loadSecretKey}. */
export interface SecretKeySource {
  /** The value of AJPGATE_SECRET_KEY; `undefined` or `""` means unset. */
  env: string | undefined;
  /** The database URL, which decides where a key file lives. */
  dbUrl: string;
}

/**
 * Returns the AES-256-GCM key for secrets.
 *
 * - `env` set: base64 (or base64url) of 32 bytes, e.g. `openssl rand -base64 32`.
 * - `file:PATH`: the key in `PATH.key`, created with mode 0600 on first start and
 *   reused afterwards, so a restart can still read what it wrote.
 * - `:memory:`: a fresh key; the data dies with the process anyway.
 * - remote URLs: an error, as there is no safe local place to keep a key.
 */
export async function loadSecretKey(source: SecretKeySource): Promise<CryptoKey> {
  if (source.env !== undefined && source.env !== "") {
    return await importSecretKey(decodeKey(source.env, SECRET_KEY_ENV));
  }
  const location = parseDbUrl(source.dbUrl);
  switch (location.kind) {
    case "memory":
      return await importSecretKey(crypto.getRandomValues(new Uint8Array(32)));
    case "file":
      return await importSecretKey(await readOrCreateKeyFile(`${location.path}.key`));
    case "remote":
      throw new Error(
        `${SECRET_KEY_ENV} must be set for a remote database (${new URL(source.dbUrl).host}): ` +
          "secrets are encrypted with it and there is no local file to keep a key in",
      );
  }
}

/**
 * Reads the key file at `path`, or creates it (0600) if it does not exist yet. The key is
 * written to a temporary file and linked into place, so another process never sees a half
 * written key; a file that exists but holds no valid key yet is read again for up to 2 s.
 */
async function readOrCreateKeyFile(path: string): Promise<Uint8Array<ArrayBuffer>> {
  const existing = await readKeyFile(path);
  if (existing) return existing;
  await Deno.mkdir(dirname(path), { recursive: true });
  const key = crypto.getRandomValues(new Uint8Array(32));
  const temp = `${path}.${crypto.randomUUID()}.tmp`;
  await Deno.writeTextFile(temp, Buffer.from(key).toString("base64") + "\n", {
    createNew: true,
    mode: 0o600,
  });
  try {
    await Deno.chmod(temp, 0o600); // in case the umask took bits away
    await Deno.link(temp, path); // fails if another process won the race
    return key;
  } catch (e) {
    if (!(e instanceof Deno.errors.AlreadyExists)) throw e;
    return (await readKeyFile(path))!;
  } finally {
    await Deno.remove(temp).catch(() => {});
  }
}

/** The key in `path`, null if there is no such file; waits out a key being written. */
async function readKeyFile(path: string): Promise<Uint8Array<ArrayBuffer> | null> {
  const deadline = Date.now() + 2000;
  for (;;) {
    let text: string;
    try {
      text = await Deno.readTextFile(path);
    } catch (e) {
      if (e instanceof Deno.errors.NotFound) return null;
      throw e;
    }
    try {
      return decodeKey(text, `key file ${path}`);
    } catch (e) {
      if (Date.now() > deadline) throw e;
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}

/** Decodes base64 or base64url text into exactly 32 bytes, naming `what` on failure. */
function decodeKey(text: string, what: string): Uint8Array<ArrayBuffer> {
  const trimmed = text.trim();
  const bytes = /^[A-Za-z0-9+/_-]+={0,2}$/.test(trimmed)
    ? new Uint8Array(Buffer.from(trimmed, "base64"))
    : new Uint8Array(0);
  if (bytes.length !== 32) {
    throw new Error(
      `${what} must be 32 bytes in base64 (e.g. \`openssl rand -base64 32\`); ` +
        `got ${bytes.length === 0 ? "no valid base64" : `${bytes.length} bytes`}`,
    );
  }
  return bytes;
}
