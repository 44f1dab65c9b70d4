/**
 * How the management API gets its first superuser, by one rule a user can predict:
 *
 * - `AJPGATE_ADMIN_TOKEN` set: on every start that value works as a token of the superuser
 *   `admin` (created when missing), stored under the token name `AJPGATE_ADMIN_TOKEN`; a
 *   different earlier value of it is revoked (rotated). Setting it after a first start, in an
 *   environment file or a shell, therefore always takes effect.
 * - unset, empty database: `admin` is created with a random token, returned for the caller to
 *   print once.
 * - unset, users exist: nothing changes.
 * @module
 */
import { DbConflictError, DbNotFoundError, type Repositories } from "../../db/mod.ts";
import { ADMIN_TOKEN_ENV, MIN_TOKEN_LENGTH } from "../config/env_names.ts";

/** The user that bootstrap creates and that AJPGATE_ADMIN_TOKEN belongs to. */
export const ADMIN_USER = "admin";

/** What {@linkcode bootstrapAdmin} did. */
export type BootstrapOutcome =
  /** No AJPGATE_ADMIN_TOKEN and users exist: nothing changed. */
  | { kind: "none" }
  /** Empty database, no AJPGATE_ADMIN_TOKEN: `admin` created with this random token. */
  | { kind: "generated"; token: string }
  /** AJPGATE_ADMIN_TOKEN stored: first time (`created`), replacing another value (`rotated`), or already there. */
  | { kind: "env"; action: "created" | "rotated" | "unchanged" };

/**
 * Applies the rule of the module doc. `envToken` is the value of AJPGATE_ADMIN_TOKEN (empty
 * counts as absent). Safe when several processes start on one database at once.
 *
 * @example
 * const outcome = await bootstrapAdmin(repos, Deno.env.get(ADMIN_TOKEN_ENV));
 * if (outcome.kind === "generated") console.error(`token: ${outcome.token}`);
 */
export async function bootstrapAdmin(
  repos: Repositories,
  envToken: string | undefined,
): Promise<BootstrapOutcome> {
  const given = envToken === undefined || envToken === "" ? undefined : envToken;
  if (given !== undefined && given.length < MIN_TOKEN_LENGTH) {
    throw new Error(
      `${ADMIN_TOKEN_ENV} has ${given.length} characters; use at least ${MIN_TOKEN_LENGTH}, ` +
        "e.g. from `openssl rand -base64 32`",
    );
  }
  if (given !== undefined) return { kind: "env", action: await applyEnvToken(repos, given) };
  if ((await repos.users.list()).length > 0) return { kind: "none" };
  try {
    await repos.users.create({ name: ADMIN_USER, superuser: true }, "bootstrap");
  } catch (err) {
    // another instance sharing the database created it between our check and insert
    if (err instanceof DbConflictError) return { kind: "none" };
    throw err;
  }
  const { token } = await repos.users.createToken(ADMIN_USER, "bootstrap", "bootstrap");
  return { kind: "generated", token };
}

/** Makes `token` a live superuser token; see the module doc. */
async function applyEnvToken(
  repos: Repositories,
  token: string,
): Promise<"created" | "rotated" | "unchanged"> {
  const holder = await repos.users.authenticate(token);
  if (holder?.superuser) return "unchanged";
  if (holder) {
    throw new Error(
      `${ADMIN_TOKEN_ENV} is a token of user "${holder.name}", who is not a superuser; ` +
        "choose another value",
    );
  }
  const admin = await repos.users.get(ADMIN_USER).catch(async (err) => {
    if (!(err instanceof DbNotFoundError)) throw err;
    return await repos.users.create({ name: ADMIN_USER, superuser: true }, ADMIN_TOKEN_ENV)
      .catch((e) => {
        if (e instanceof DbConflictError) return repos.users.get(ADMIN_USER);
        throw e;
      });
  });
  if (!admin.superuser) {
    throw new Error(
      `${ADMIN_TOKEN_ENV} belongs to user "${ADMIN_USER}", who exists and is not a superuser; ` +
        `make "${ADMIN_USER}" a superuser or delete it`,
    );
  }
  const old = (await repos.users.listTokens(ADMIN_USER))
    .filter((t) => t.name === ADMIN_TOKEN_ENV && t.revokedAt === null);
  try {
    await repos.users.importToken(ADMIN_USER, ADMIN_TOKEN_ENV, token, ADMIN_TOKEN_ENV);
  } catch (err) {
    if (!(err instanceof DbConflictError)) throw err;
    // another process sharing the database stored it first; or the value was revoked
    if ((await repos.users.authenticate(token))?.superuser) return "unchanged";
    throw new Error(
      `${ADMIN_TOKEN_ENV} was revoked earlier and cannot be used again; choose a new value`,
    );
  }
  for (const t of old) await repos.users.revokeToken(ADMIN_USER, t.id, ADMIN_TOKEN_ENV);
  return old.length > 0 ? "rotated" : "created";
}

/** The operator's line for an outcome, or null when there is nothing to say. */
export function bootstrapNotice(outcome: BootstrapOutcome): string | null {
  switch (outcome.kind) {
    case "generated":
      return `ajpgate: created superuser "${ADMIN_USER}" with API token ${outcome.token} ` +
        `(shown once; to choose it, set ${ADMIN_TOKEN_ENV} and start again; ` +
        `for another: ajpgate cli token create ${ADMIN_USER})`;
    case "env":
      return `ajpgate: ${ADMIN_TOKEN_ENV} is a superuser token of "${ADMIN_USER}" (${
        outcome.action === "rotated"
          ? "rotated: the previous value is revoked"
          : outcome.action === "created"
          ? "stored"
          : "unchanged"
      })`;
    case "none":
      return null;
  }
}
