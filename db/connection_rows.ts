/**
 * The public shapes of a connection and their mapping to and from table rows.
 * A public shape says whether a secret is set, never what it is.
 * @module
 */
import { definedOnly, iso, nameKey } from "./repo_context.ts";
import type { connections, pingModes } from "./schema.ts";

/** When the runtime checks a backend with CPING. */
export type PingMode = typeof pingModes[number];

/**
 * Pool limits and timeouts; defaults 0, 64, 7 200 000, 5 000, 10 000, 60 000, and 60 000 for
 * each of the AJP exchange limits (head, body, write).
 */
export interface PoolSettings {
  initial: number;
  /** null means unlimited. */
  max: number | null;
  idleTimeoutMs: number;
  connectTimeoutMs: number;
  acquireTimeoutMs: number;
  replyTimeoutMs: number;
  /** AJP: from the last request byte sent to the complete response head. */
  headTimeoutMs: number;
  /** AJP: the client's request body may make no progress this long while Tomcat asks for it. */
  bodyTimeoutMs: number;
  /** AJP: the client may read nothing of a streamed response this long. */
  writeTimeoutMs: number;
}

/** Backend health checks; defaults "none", 5 000, 10 000. */
export interface PingSettings {
  mode: PingMode;
  timeoutMs: number;
  intervalMs: number;
}

/** A connection as the API shows it: `secretSet`/`passwordSet` instead of secrets. */
export interface Connection {
  id: number;
  name: string;
  type: "direct" | "proxy";
  host: string;
  port: number | null;
  secretSet: boolean;
  packetSize: number;
  protocol: "http" | "https" | null;
  path: string | null;
  proxyPort: number | null;
  username: string | null;
  passwordSet: boolean;
  pool: PoolSettings;
  ping: PingSettings;
  enabled: boolean;
  description: string | null;
  /** The address was last set by a user who is not a superuser: checked at connect time. */
  restricted: boolean;
  createdAt: string;
  updatedAt: string;
}

/** A new connection; omitted settings take the defaults above. */
export interface ConnectionInput {
  name: string;
  type: "direct" | "proxy";
  host: string;
  port?: number | null;
  /** Plain AJP secret; stored encrypted. null or omitted: none. */
  secret?: string | null;
  /** Default 8192. */
  packetSize?: number;
  protocol?: "http" | "https" | null;
  path?: string | null;
  proxyPort?: number | null;
  username?: string | null;
  /** Plain proxy password; stored encrypted. */
  password?: string | null;
  pool?: Partial<PoolSettings>;
  ping?: Partial<PingSettings>;
  /** Default true. */
  enabled?: boolean;
  description?: string | null;
  /** Set by the API, not by clients: see {@linkcode Connection.restricted}. Default false. */
  restricted?: boolean;
}

/** Fields to change; omitted ones stay, `secret: null` clears the secret. */
export type ConnectionPatch = Partial<ConnectionInput>;

/** The decrypted secrets, for the proxy runtime only; never send them to a client. */
export interface ConnectionSecrets {
  secret: string | null;
  password: string | null;
}

/** A `connections` row. */
export type Row = typeof connections.$inferSelect;

/** Maps a row to its public shape. */
export function toConnection(r: Row): Connection {
  return {
    id: r.id,
    name: r.name,
    type: r.type,
    host: r.host,
    port: r.port,
    secretSet: r.secret !== null,
    packetSize: r.packetSize,
    protocol: r.protocol,
    path: r.path,
    proxyPort: r.proxyPort,
    username: r.username,
    passwordSet: r.password !== null,
    pool: {
      initial: r.poolInitial,
      max: r.poolMax,
      idleTimeoutMs: r.idleTimeoutMs,
      connectTimeoutMs: r.connectTimeoutMs,
      acquireTimeoutMs: r.acquireTimeoutMs,
      replyTimeoutMs: r.replyTimeoutMs,
      headTimeoutMs: r.headTimeoutMs,
      bodyTimeoutMs: r.bodyTimeoutMs,
      writeTimeoutMs: r.writeTimeoutMs,
    },
    ping: { mode: r.pingMode, timeoutMs: r.pingTimeoutMs, intervalMs: r.pingIntervalMs },
    enabled: r.enabled,
    description: r.description,
    restricted: r.restricted,
    createdAt: iso(r.createdAt),
    updatedAt: iso(r.updatedAt),
  };
}

/** The columns a patch sets, secrets excluded (they need encrypting first). */
export function toColumns(p: ConnectionPatch): Partial<Row> {
  return definedOnly({
    name: p.name,
    nameKey: p.name === undefined ? undefined : nameKey(p.name),
    type: p.type,
    host: p.host,
    port: p.port,
    packetSize: p.packetSize,
    protocol: p.protocol,
    path: p.path,
    proxyPort: p.proxyPort,
    username: p.username,
    poolInitial: p.pool?.initial,
    poolMax: p.pool?.max,
    idleTimeoutMs: p.pool?.idleTimeoutMs,
    connectTimeoutMs: p.pool?.connectTimeoutMs,
    acquireTimeoutMs: p.pool?.acquireTimeoutMs,
    replyTimeoutMs: p.pool?.replyTimeoutMs,
    headTimeoutMs: p.pool?.headTimeoutMs,
    bodyTimeoutMs: p.pool?.bodyTimeoutMs,
    writeTimeoutMs: p.pool?.writeTimeoutMs,
    pingMode: p.ping?.mode,
    pingTimeoutMs: p.ping?.timeoutMs,
    pingIntervalMs: p.ping?.intervalMs,
    enabled: p.enabled,
    description: p.description,
    restricted: p.restricted,
  });
}
