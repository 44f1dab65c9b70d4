/**
 * First start: with no user in the database, create the superuser `admin` and a token for
 * it, so the management API can be used at all.
 * @module
 */
import { DbConflictError, type Repositories } from "../../db/mod.ts";

/** The environment variable that may carry the bootstrap token. */
export const ADMIN_TOKEN_ENV = "AJPGATE_ADMIN_TOKEN";

/** Shortest bootstrap token accepted from the environment, so a guessable one is refused. */
export const MIN_TOKEN_LENGTH = 32;

/**
 * When the database has no user, creates superuser "admin" with a token named "bootstrap".
 * With `envToken` (the value of AJPGATE_ADMIN_TOKEN; empty counts as absent) that exact token
 * is stored and null returned; without it a random token is generated and returned, for the
 * caller to print once. Returns null, changing nothing, when any user exists (also when
 * another instance bootstrapped the same database first).
 *
 * @example
 * const token = await bootstrapAdmin(repos, Deno.env.get(ADMIN_TOKEN_ENV));
 * if (token !== null) console.error(`ajpgate: created user "admin" with token ${token}`);
 */
export async function bootstrapAdmin(
  repos: Repositories,
  envToken: string | undefined,
): Promise<string | null> {
  const given = envToken === undefined || envToken === "" ? undefined : envToken;
  if (given !== undefined && given.length < MIN_TOKEN_LENGTH) {
    throw new Error(
      `${ADMIN_TOKEN_ENV} has ${given.length} characters; use at least ${MIN_TOKEN_LENGTH}, ` +
        "e.g. from `openssl rand -base64 32`",
    );
  }
  if ((await repos.users.list()).length > 0) return null;
  try {
    await repos.users.create({ name: "admin", superuser: true }, "bootstrap");
  } catch (err) {
    // another instance sharing the database created it between our check and insert
    if (err instanceof DbConflictError) return null;
    throw err;
  }
  if (given !== undefined) {
    await repos.users.importToken("admin", "bootstrap", given, "bootstrap");
    return null;
  }
  return (await repos.users.createToken("admin", "bootstrap", "bootstrap")).token;
}
