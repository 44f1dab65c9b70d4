/**
 * Typed errors raised by the repositories, so the API layer can map them to a
 * status in one place (404, 409, 400) without parsing SQLite messages.
 * @module
 */

/** Something named does not exist, e.g. `connection "tomcat-a" not found`. */
export class DbNotFoundError extends Error {
  override name = "DbNotFoundError";

  constructor(readonly entity: string, readonly key: string) {
    super(`${entity} "${key}" not found`);
  }
}

/**
 * A change would break a uniqueness rule or a reference: a duplicate name, or
 * deleting a connection that routes still use (`routeIds` lists them).
 */
export class DbConflictError extends Error {
  override name = "DbConflictError";

  constructor(message: string, readonly routeIds: readonly string[] = []) {
    super(message);
  }
}

/** Input the store cannot accept, e.g. a route naming both a connection and a balancer. */
export class DbInvalidError extends Error {
  override name = "DbInvalidError";
}
