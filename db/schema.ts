/**
 * Drizzle table definitions for ajpgate's configuration store.
 *
 * drizzle-kit generates the SQL migrations in `db/migrations/` from this file
 * (`deno task db:generate`). Times are integer epoch milliseconds. Names are
 * stored as given plus a lower-case `name_key` that carries the unique index, so
 * lookups and uniqueness are case-insensitive while display keeps the user's case.
 * Secret columns hold `v1:` ciphertext from `secret_box.ts`, never plain text.
 */
import { sql } from "drizzle-orm";
import {
  check,
  index,
  integer,
  primaryKey,
  sqliteTable,
  text,
  uniqueIndex,
} from "drizzle-orm/sqlite-core";

/** Roles a user can hold on a connection, balancer or route, strongest first. */
export const permissionRoles = ["owner", "admin", "access"] as const;
/** Ping modes: none, on connect, before/after each request, or on an interval. */
export const pingModes = ["none", "connect", "prepost", "interval"] as const;
/** Load-balancing methods, named as in mod_proxy_balancer. */
export const balancerMethods = ["byrequests", "bytraffic", "bybusyness"] as const;
/** Balancer member states. */
export const memberStatuses = ["active", "disabled", "draining", "standby"] as const;

/** AJP backends: reached directly over TCP or through an HTTP(S) proxy. */
export const connections = sqliteTable("connections", {
  id: integer("id").primaryKey({ autoIncrement: true }),
  name: text("name").notNull(),
  nameKey: text("name_key").notNull().unique(),
  type: text("type", { enum: ["direct", "proxy"] }).notNull(),
  host: text("host").notNull(),
  port: integer("port"),
  secret: text("secret"),
  packetSize: integer("packet_size").notNull().default(8192),
  protocol: text("protocol", { enum: ["http", "https"] }),
  path: text("path"),
  proxyPort: integer("proxy_port"),
  username: text("username"),
  password: text("password"),
  poolInitial: integer("pool_initial").notNull().default(0),
  // null means unlimited
  poolMax: integer("pool_max").default(64),
  idleTimeoutMs: integer("idle_timeout_ms").notNull().default(7_200_000),
  connectTimeoutMs: integer("connect_timeout_ms").notNull().default(5_000),
  acquireTimeoutMs: integer("acquire_timeout_ms").notNull().default(10_000),
  replyTimeoutMs: integer("reply_timeout_ms").notNull().default(60_000),
  // AJP exchange limits: complete response head, client body progress, client reading
  headTimeoutMs: integer("head_timeout_ms").notNull().default(60_000),
  bodyTimeoutMs: integer("body_timeout_ms").notNull().default(60_000),
  writeTimeoutMs: integer("write_timeout_ms").notNull().default(60_000),
  pingMode: text("ping_mode", { enum: pingModes }).notNull().default("none"),
  pingTimeoutMs: integer("ping_timeout_ms").notNull().default(5_000),
  pingIntervalMs: integer("ping_interval_ms").notNull().default(10_000),
  enabled: integer("enabled", { mode: "boolean" }).notNull().default(true),
  description: text("description"),
  // the backend address was last set by a user who is not a superuser, so the runtime
  // checks every resolved address against the backend policy when it connects
  restricted: integer("restricted", { mode: "boolean" }).notNull().default(false),
  createdAt: integer("created_at").notNull(),
  updatedAt: integer("updated_at").notNull(),
});

/** Groups of connections that share traffic. */
export const balancers = sqliteTable("balancers", {
  id: integer("id").primaryKey({ autoIncrement: true }),
  name: text("name").notNull(),
  nameKey: text("name_key").notNull().unique(),
  method: text("method", { enum: balancerMethods }).notNull().default("byrequests"),
  // cookie or path parameter carrying the route, e.g. JSESSIONID; null = not sticky
  stickySession: text("sticky_session"),
  // fail rather than move a sticky session to another member
  stickyForce: integer("sticky_force", { mode: "boolean" }).notNull().default(false),
  enabled: integer("enabled", { mode: "boolean" }).notNull().default(true),
  description: text("description"),
  createdAt: integer("created_at").notNull(),
  updatedAt: integer("updated_at").notNull(),
});

export const balancerMembers = sqliteTable(
  "balancer_members",
  {
    balancerId: integer("balancer_id").notNull()
      .references(() => balancers.id, { onDelete: "cascade" }),
    connectionId: integer("connection_id").notNull().references(() => connections.id),
    loadFactor: integer("load_factor").notNull().default(1),
    // the backend's jvmRoute, matched against the sticky session suffix
    route: text("route"),
    status: text("status", { enum: memberStatuses }).notNull().default("active"),
  },
  (t) => [
    primaryKey({ columns: [t.balancerId, t.connectionId] }),
    index("balancer_members_connection_idx").on(t.connectionId),
    check("balancer_members_load_factor", sql`${t.loadFactor} BETWEEN 1 AND 100`),
  ],
);

/** Incoming host + path prefix mapped to a connection or a balancer. */
export const routes = sqliteTable(
  "routes",
  {
    id: text("id").primaryKey(),
    host: text("host"),
    // lower-case host, '' for any host, so (host, prefix) uniqueness also covers null
    hostKey: text("host_key").notNull().default(""),
    pathPrefix: text("path_prefix").notNull(),
    connectionId: integer("connection_id").references(() => connections.id),
    balancerId: integer("balancer_id").references(() => balancers.id),
    // replaces pathPrefix when forwarding; null keeps the path as is
    backendPath: text("backend_path"),
    preserveHost: integer("preserve_host", { mode: "boolean" }).notNull().default(true),
    enabled: integer("enabled", { mode: "boolean" }).notNull().default(true),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [
    uniqueIndex("routes_host_prefix_idx").on(t.hostKey, t.pathPrefix),
    index("routes_connection_idx").on(t.connectionId),
    index("routes_balancer_idx").on(t.balancerId),
  ],
);

export const users = sqliteTable("users", {
  id: integer("id").primaryKey({ autoIncrement: true }),
  name: text("name").notNull(),
  nameKey: text("name_key").notNull().unique(),
  superuser: integer("superuser", { mode: "boolean" }).notNull().default(false),
  createdAt: integer("created_at").notNull(),
});

/** API tokens; only the SHA-256 hex of each token is kept. */
export const apiTokens = sqliteTable(
  "api_tokens",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    userId: integer("user_id").notNull().references(() => users.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    hash: text("hash").notNull().unique(),
    createdAt: integer("created_at").notNull(),
    lastUsedAt: integer("last_used_at"),
    revokedAt: integer("revoked_at"),
  },
  (t) => [index("api_tokens_user_idx").on(t.userId)],
);

export const connectionPermissions = sqliteTable(
  "connection_permissions",
  {
    connectionId: integer("connection_id").notNull()
      .references(() => connections.id, { onDelete: "cascade" }),
    userId: integer("user_id").notNull().references(() => users.id, { onDelete: "cascade" }),
    role: text("role", { enum: permissionRoles }).notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.connectionId, t.userId, t.role] }),
    index("connection_permissions_user_idx").on(t.userId),
  ],
);

export const balancerPermissions = sqliteTable(
  "balancer_permissions",
  {
    balancerId: integer("balancer_id").notNull()
      .references(() => balancers.id, { onDelete: "cascade" }),
    userId: integer("user_id").notNull().references(() => users.id, { onDelete: "cascade" }),
    role: text("role", { enum: permissionRoles }).notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.balancerId, t.userId, t.role] }),
    index("balancer_permissions_user_idx").on(t.userId),
  ],
);

export const routePermissions = sqliteTable(
  "route_permissions",
  {
    routeId: text("route_id").notNull().references(() => routes.id, { onDelete: "cascade" }),
    userId: integer("user_id").notNull().references(() => users.id, { onDelete: "cascade" }),
    role: text("role", { enum: permissionRoles }).notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.routeId, t.userId, t.role] }),
    index("route_permissions_user_idx").on(t.userId),
  ],
);

/** Append-only log of configuration changes; before/after are JSON without secrets. */
export const audit = sqliteTable("audit", {
  id: integer("id").primaryKey({ autoIncrement: true }),
  at: integer("at").notNull(),
  actor: text("actor").notNull(),
  action: text("action").notNull(),
  target: text("target").notNull(),
  before: text("before"),
  after: text("after"),
});

/**
 * One row (id 1) whose counter is bumped in every configuration transaction, so
 * running instances can poll it cheaply and reload when it moves.
 */
export const configVersion = sqliteTable(
  "config_version",
  {
    id: integer("id").primaryKey(),
    version: integer("version").notNull(),
  },
  (t) => [check("config_version_single_row", sql`${t.id} = 1`)],
);

/**
 * The ajpgate processes sharing this database, one row per process start, so every
 * instance can list the others. Not configuration: registering and heartbeating neither
 * bump `config_version` nor write audit rows. `heartbeat_at` moves every few seconds;
 * `stopped_at` is set by a clean shutdown.
 */
export const instances = sqliteTable(
  "instances",
  {
    // a random UUID per process start
    id: text("id").primaryKey(),
    host: text("host").notNull(),
    pid: integer("pid").notNull(),
    version: text("version").notNull(),
    // "host:port" as listened on
    proxyListen: text("proxy_listen").notNull(),
    adminListen: text("admin_listen").notNull(),
    startedAt: integer("started_at").notNull(),
    heartbeatAt: integer("heartbeat_at").notNull(),
    stoppedAt: integer("stopped_at"),
  },
  (t) => [index("instances_heartbeat_idx").on(t.heartbeatAt)],
);
