/**
 * Environment variables that `ajpgate start` reads directly (not as `--option` values), and
 * the rule on the bootstrap token's length. Kept free of imports so that the deploy checks can
 * use them without loading the database client.
 * @module
 */

/** Carries a superuser token that always works (see src/auth/bootstrap.ts). */
export const ADMIN_TOKEN_ENV = "AJPGATE_ADMIN_TOKEN";

/** Shortest token accepted from {@linkcode ADMIN_TOKEN_ENV}, so a guessable one is refused. */
export const MIN_TOKEN_LENGTH = 32;

/** Carries the auth token of a libSQL server (`libsql://`, `http(s)://` databases). */
export const DB_AUTH_TOKEN_ENV = "AJPGATE_DB_AUTH_TOKEN";
