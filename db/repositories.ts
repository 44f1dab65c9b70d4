/**
 * Builds every repository over one open database and secret box.
 * @module
 */
import { type AuditRepo, createAuditRepo } from "./audit_repo.ts";
import { type BalancersRepo, createBalancersRepo } from "./balancers_repo.ts";
import { readConfigVersion } from "./change_log.ts";
import { type ConnectionsRepo, createConnectionsRepo } from "./connections_repo.ts";
import { createInstancesRepo, type InstancesRepo } from "./instances_repo.ts";
import type { Database } from "./open.ts";
import type { RepoContext } from "./repo_context.ts";
import { createRoutesRepo, type RoutesRepo } from "./routes_repo.ts";
import type { SecretBox } from "./secret_box.ts";
import { createUsersRepo, type UsersRepo } from "./users_repo.ts";

/** The storage API the rest of ajpgate uses. */
export interface Repositories {
  connections: ConnectionsRepo;
  routes: RoutesRepo;
  balancers: BalancersRepo;
  users: UsersRepo;
  audit: AuditRepo;
  /** The ajpgate processes sharing this database; not configuration (no version, no audit). */
  instances: InstancesRepo;
  /** The configuration version; poll it and reload when it moves. */
  configVersion(): Promise<number>;
}

/** Options for {@linkcode createRepositories}. */
export interface RepositoryOptions {
  /** Clock in epoch ms; default `Date.now`. */
  now?: () => number;
}

/**
 * Builds the repositories. Each mutating method runs in one transaction that
 * also bumps `config_version` and appends an audit row; the instance registry alone
 * does neither, as heartbeats are not configuration changes.
 *
 * @example
 * const db = await openDatabase(url);
 * const repos = createRepositories(db, createSecretBox(await loadSecretKey({ env, dbUrl: url })));
 * await repos.connections.create({ name: "tomcat-a", type: "direct", host: "10.0.0.5", port: 8009 }, "admin");
 */
export function createRepositories(
  db: Database,
  box: SecretBox,
  opts: RepositoryOptions = {},
): Repositories {
  const ctx: RepoContext = { db, box, now: opts.now ?? Date.now };
  return {
    connections: createConnectionsRepo(ctx),
    routes: createRoutesRepo(ctx),
    balancers: createBalancersRepo(ctx),
    users: createUsersRepo(ctx),
    audit: createAuditRepo(ctx),
    instances: createInstancesRepo(ctx),
    configVersion: () => db.read(readConfigVersion),
  };
}
