/**
 * The rules of a connection that span fields, checked on the whole connection as it would
 * be stored, so a PATCH is judged on its merged result (e.g. pool.max >= pool.initial after
 * merging) exactly as a POST is.
 * @module
 */
import type { Connection, ConnectionInput, ConnectionPatch } from "../../db/mod.ts";
import type { FieldError } from "./problem.ts";

/** The fields the cross-field rules look at, as the stored connection would have them. */
export interface ConnectionShape {
  type: "direct" | "proxy";
  port: number | null;
  secretSet: boolean;
  protocol: string | null;
  path: string | null;
  proxyPort: number | null;
  username: string | null;
  passwordSet: boolean;
  pool: { initial: number; max: number | null };
}

const DIRECT_ONLY = ["port", "secret"] as const;
const PROXY_ONLY = ["protocol", "path", "proxyPort", "username", "password"] as const;

/** Every broken rule, by field; empty when the connection is valid. */
export function connectionIssues(c: ConnectionShape): FieldError[] {
  const issues: FieldError[] = [];
  const set: Record<string, boolean> = {
    port: c.port !== null,
    secret: c.secretSet,
    protocol: c.protocol !== null,
    path: c.path !== null,
    proxyPort: c.proxyPort !== null,
    username: c.username !== null,
    password: c.passwordSet,
  };
  const required = c.type === "direct" ? ["port"] : ["protocol", "proxyPort"];
  const forbidden = c.type === "direct" ? PROXY_ONLY : DIRECT_ONLY;
  for (const f of required) {
    if (!set[f]) issues.push({ field: f, message: `is required for a ${c.type} connection` });
  }
  for (const f of forbidden) {
    if (set[f]) {
      issues.push({ field: f, message: `does not apply to a ${c.type} connection; omit it` });
    }
  }
  if (c.pool.max !== null && c.pool.max < c.pool.initial) {
    issues.push({
      field: "pool.max",
      message: `must be null (unlimited) or at least pool.initial (${c.pool.initial})`,
    });
  }
  return issues;
}

/** The shape a new connection would be stored with (defaults: no pool.initial, max 64). */
export function shapeOfInput(input: ConnectionInput): ConnectionShape {
  return {
    type: input.type,
    port: input.port ?? null,
    secretSet: (input.secret ?? null) !== null,
    protocol: input.protocol ?? null,
    path: input.path ?? null,
    proxyPort: input.proxyPort ?? null,
    username: input.username ?? null,
    passwordSet: (input.password ?? null) !== null,
    pool: {
      initial: input.pool?.initial ?? 0,
      max: input.pool?.max === undefined ? 64 : input.pool.max,
    },
  };
}

/**
 * The patch to store and the shape it leads to. Changing `type` clears the fields of the
 * old type that the patch does not name, so switching direct -> proxy needs no explicit
 * `port: null`.
 */
export function mergeConnectionPatch(
  current: Connection,
  patch: ConnectionPatch,
): { patch: ConnectionPatch; shape: ConnectionShape } {
  const effective: ConnectionPatch = { ...patch };
  if (patch.type !== undefined && patch.type !== current.type) {
    for (const f of current.type === "direct" ? DIRECT_ONLY : PROXY_ONLY) {
      if (effective[f] === undefined) effective[f] = null;
    }
  }
  const pick = <K extends keyof ConnectionShape & keyof ConnectionPatch>(k: K) =>
    effective[k] !== undefined ? effective[k] as ConnectionShape[K] : current[k];
  const secretSet = (given: string | null | undefined, was: boolean) =>
    given === undefined ? was : given !== null;
  return {
    patch: effective,
    shape: {
      type: effective.type ?? current.type,
      port: pick("port"),
      secretSet: secretSet(effective.secret, current.secretSet),
      protocol: pick("protocol"),
      path: pick("path"),
      proxyPort: pick("proxyPort"),
      username: pick("username"),
      passwordSet: secretSet(effective.password, current.passwordSet),
      pool: {
        initial: effective.pool?.initial ?? current.pool.initial,
        max: effective.pool?.max === undefined ? current.pool.max : effective.pool.max,
      },
    },
  };
}

/** Where a connection sends its traffic: host, port (AJP or proxy) and type. */
function addressOf(c: Pick<Connection, "type" | "host" | "port" | "proxyPort" | "protocol">) {
  return JSON.stringify([c.type, c.host.toLowerCase(), c.port, c.proxyPort, c.protocol]);
}

/** The host and port a connection of `shape` and `host` sends to. */
export function backendAddress(
  host: string,
  shape: ConnectionShape,
): { host: string; port: number } {
  return { host, port: (shape.type === "direct" ? shape.port : shape.proxyPort) ?? 0 };
}

/**
 * Whether `patch` points the connection at another backend (host, port, proxy port,
 * protocol or type), and if so the patch with the stored secret and password cleared
 * unless the patch sets them or `keep` (the caller is an owner or superuser): a secret
 * must never follow its connection to a backend its owner did not choose.
 *
 * @example
 * retarget(current, { port: 9009 }, false).patch.secret; // null when a secret was set
 */
export function retarget(
  current: Connection,
  patch: ConnectionPatch,
  keep: boolean,
): { moved: boolean; patch: ConnectionPatch; cleared: ("secret" | "password")[] } {
  const after = {
    type: patch.type ?? current.type,
    host: patch.host ?? current.host,
    port: patch.port !== undefined ? patch.port : current.port,
    proxyPort: patch.proxyPort !== undefined ? patch.proxyPort : current.proxyPort,
    protocol: patch.protocol !== undefined ? patch.protocol : current.protocol,
  };
  const moved = addressOf(after) !== addressOf(current);
  const cleared: ("secret" | "password")[] = [];
  if (!moved || keep) return { moved, patch, cleared };
  const effective = { ...patch };
  if (patch.secret === undefined && current.secretSet) {
    effective.secret = null;
    cleared.push("secret");
  }
  if (patch.password === undefined && current.passwordSet) {
    effective.password = null;
    cleared.push("password");
  }
  return { moved, patch: effective, cleared };
}
