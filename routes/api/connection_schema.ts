/**
 * Request and response schemas of connections. Requests are strict: an unknown field is a
 * 422 naming it. Rules across fields (what a type needs, pool.max >= pool.initial) are
 * checked on the merged result in `connection_rules.ts`, so PATCH and POST share them.
 * @module
 */
import { z } from "@hono/zod-openapi";
import { backendHost, hasDotDot, millis, objectName, plainText, port } from "./fields.ts";
import { UPSTREAM_STATES } from "../../src/proxy/upstream.ts";

const secretText = (what: string) =>
  plainText(1024).min(1, `must not be empty; use null for no ${what}`);

/** A proxy connection's path: relative to the proxy, "" or starting with "/". */
const proxyPath = z.string().max(1024, "must be at most 1024 characters")
  .regex(/^(\/(?!\/)[^?#\s\p{Cc}]*)?$/u, 'must be empty or start with a single "/"')
  .refine((s) => !hasDotDot(s), 'must not contain a ".." segment');

/** AJP packet size: 8 KiB to 64 KiB in steps of 1 KiB (Tomcat's packetSize). */
const packetSize = z.int().min(8192, "must be 8192-65536").max(65536, "must be 8192-65536")
  .multipleOf(1024, "must be a multiple of 1024");

/** Pool settings; each omitted one keeps its default (or, in a PATCH, its current value). */
export const poolInput = z.strictObject({
  initial: z.int().min(0, "must be 0-1000").max(1000, "must be 0-1000").optional()
    .openapi({ description: "Sockets opened at start; default 0." }),
  max: z.int().min(1, "must be 1-10000 or null").max(10000, "must be 1-10000 or null")
    .nullable().optional()
    .openapi({ description: "Most sockets; null = unlimited; default 64; >= initial." }),
  idleTimeoutMs: millis(1, 604_800_000).optional().openapi({ description: "Default 7200000." }),
  connectTimeoutMs: millis(1, 600_000).optional().openapi({ description: "Default 5000." }),
  acquireTimeoutMs: millis(1, 600_000).optional().openapi({ description: "Default 10000." }),
  replyTimeoutMs: millis(1, 86_400_000).optional().openapi({ description: "Default 60000." }),
  headTimeoutMs: millis(1, 86_400_000).optional().openapi({
    description: "Direct only: from the last request byte sent to the complete response head " +
      "(then 504); default 60000.",
  }),
  bodyTimeoutMs: millis(1, 86_400_000).optional().openapi({
    description: "Direct only: the client's request body may make no progress this long while " +
      "Tomcat asks for it (then 408); default 60000.",
  }),
  writeTimeoutMs: millis(1, 86_400_000).optional().openapi({
    description: "Direct only: the client may read nothing of a streamed response this long " +
      "(then it is cut); default 60000.",
  }),
}).openapi("PoolInput");

/** CPING health-check settings. */
export const pingInput = z.strictObject({
  mode: z.enum(["none", "connect", "prepost", "interval"]).optional()
    .openapi({ description: 'Default "none".' }),
  timeoutMs: millis(1, 600_000).optional().openapi({ description: "Default 5000." }),
  intervalMs: millis(1000, 86_400_000).optional().openapi({ description: "Default 10000." }),
}).openapi("PingInput");

const common = {
  host: backendHost,
  port: port.nullable().optional().openapi({ description: "AJP port; direct only." }),
  secret: secretText("secret").nullable().optional()
    .openapi({ description: "AJP secret (write-only); direct only; null clears it." }),
  packetSize: packetSize.optional()
    .openapi({ description: "8192-65536, a multiple of 1024; default 8192." }),
  protocol: z.enum(["http", "https"]).nullable().optional()
    .openapi({ description: "Proxy only." }),
  path: proxyPath.nullable().optional().openapi({ description: "Proxy only; relative path." }),
  proxyPort: port.nullable().optional().openapi({ description: "Proxy only." }),
  username: plainText(255).min(1, "must not be empty").nullable().optional().openapi({
    description: "Proxy only.",
  }),
  password: secretText("password").nullable().optional()
    .openapi({ description: "Proxy password (write-only); null clears it." }),
  pool: poolInput.optional(),
  ping: pingInput.optional(),
  enabled: z.boolean().optional().openapi({ description: "Default true." }),
  description: plainText(1024, true).nullable().optional(),
};

/** POST /connections. */
export const connectionCreate = z.strictObject({
  name: objectName,
  type: z.enum(["direct", "proxy"]),
  ...common,
}).openapi("ConnectionCreate");

/** PATCH /connections/{name}: every field optional; the merged result must be valid. */
export const connectionPatch = z.strictObject({
  name: objectName.optional(),
  type: z.enum(["direct", "proxy"]).optional()
    .openapi({ description: "Changing it clears the old type's fields not given here." }),
  ...common,
  host: backendHost.optional(),
}).openapi("ConnectionPatch");

/** A connection as shown: stored settings (no secrets), live state, references, owners. */
export const connectionView = z.object({
  id: z.int(),
  name: z.string(),
  type: z.enum(["direct", "proxy"]),
  host: z.string(),
  port: z.int().nullable(),
  secretSet: z.boolean(),
  packetSize: z.int(),
  protocol: z.enum(["http", "https"]).nullable(),
  path: z.string().nullable(),
  proxyPort: z.int().nullable(),
  username: z.string().nullable(),
  passwordSet: z.boolean(),
  pool: z.object({
    initial: z.int(),
    max: z.int().nullable(),
    idleTimeoutMs: z.int(),
    connectTimeoutMs: z.int(),
    acquireTimeoutMs: z.int(),
    replyTimeoutMs: z.int(),
    headTimeoutMs: z.int(),
    bodyTimeoutMs: z.int(),
    writeTimeoutMs: z.int(),
  }),
  ping: z.object({
    mode: z.enum(["none", "connect", "prepost", "interval"]),
    timeoutMs: z.int(),
    intervalMs: z.int(),
  }),
  enabled: z.boolean(),
  description: z.string().nullable(),
  restricted: z.boolean().openapi({
    description: "Its backend was last set by a user who is not a superuser, so every " +
      "address the gateway connects to is checked against the backend policy.",
  }),
  createdAt: z.string(),
  updatedAt: z.string(),
  state: z.enum(UPSTREAM_STATES).openapi({
    description: '"idle": enabled, and no exchange has reached the backend since this ' +
      'instance started (nothing sent yet, or no request yet); "connected": the last attempt ' +
      'reached it; "error": the last attempt failed (see error); "disabled": switched off.',
  }),
  error: z.object({ message: z.string(), since: z.string() }).nullable(),
  stats: z.object({
    idle: z.int(),
    busy: z.int(),
    requests: z.int(),
    failures: z.int(),
    bytesIn: z.int(),
    bytesOut: z.int(),
  }),
  references: z.array(z.string()).openapi({ description: "Ids of the routes using it." }),
  usedBy: z.array(z.string()).openapi({
    description: 'What uses it, as people name it: "route HOST/PREFIX" (a route without a ' +
      'host: "route /PREFIX") and "balancer NAME".',
    example: ["route /shop", "balancer lb"],
  }),
  owners: z.array(z.string()),
  cleared: z.array(z.enum(["secret", "password"])).optional().openapi({
    description: "In a PATCH response: the stored secrets removed because the connection " +
      "now points at another backend (host, port or type) and the request did not set them.",
  }),
}).openapi("Connection");

/** The response type of a connection. */
export type ConnectionView = z.infer<typeof connectionView>;

/** Path parameter `{name}`. */
export const connectionNameParam = z.object({
  name: z.string().openapi({ param: { name: "name", in: "path" }, example: "tomcat-a" }),
});
