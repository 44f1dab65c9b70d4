/**
 * ajpgate's configuration store: open the database, load the secret key, build
 * the repositories.
 *
 * @example
 * const url = "file:data/ajpgate.db";
 * const db = await openDatabase(url);
 * const key = await loadSecretKey({ env: Deno.env.get(SECRET_KEY_ENV), dbUrl: url });
 * const repos = createRepositories(db, createSecretBox(key));
 * @module
 */
export { type Database, openDatabase, type OpenOptions, type Orm } from "./open.ts";
export { createSecretBox, importSecretKey, type SecretBox } from "./secret_box.ts";
export { loadSecretKey, SECRET_KEY_ENV, type SecretKeySource } from "./secret_key.ts";
export { createRepositories, type Repositories, type RepositoryOptions } from "./repositories.ts";
export { DbConflictError, DbInvalidError, DbNotFoundError } from "./errors.ts";
export type {
  Connection,
  ConnectionInput,
  ConnectionPatch,
  ConnectionSecrets,
  PingMode,
  PingSettings,
  PoolSettings,
} from "./connection_rows.ts";
export type { Route, RouteInput, RoutePatch } from "./routes_repo.ts";
export type {
  Balancer,
  BalancerInput,
  BalancerMember,
  BalancerMethod,
  BalancerPatch,
  MemberStatus,
} from "./balancers_repo.ts";
export type { ApiToken, User, UserInput } from "./users_repo.ts";
export type { AuditEntry } from "./audit_repo.ts";
export {
  type Instance,
  INSTANCE_GONE_AFTER_MS,
  INSTANCE_PRUNE_AFTER_MS,
  type InstanceInput,
  type InstancesRepo,
} from "./instances_repo.ts";
export type { ChangeRecord } from "./change_log.ts";
export type { Permission, PermissionRole } from "./permissions.ts";
