/**
 * Request and response schemas of users, tokens, `/me` and the audit log.
 * @module
 */
import { z } from "@hono/zod-openapi";
import { plainText, userName } from "./fields.ts";

/** POST /users. */
export const userCreate = z.strictObject({
  name: userName,
  superuser: z.boolean().optional().openapi({ description: "Default false." }),
}).openapi("UserCreate");

/** POST /users/{name}/tokens. */
export const tokenCreate = z.strictObject({
  name: plainText(64).min(1, "must not be empty")
    .openapi({ description: "What the token is for, e.g. ci." }),
}).openapi("TokenCreate");

/** A token's metadata; the token itself is never shown again. */
export const tokenView = z.object({
  id: z.int(),
  user: z.string(),
  name: z.string(),
  createdAt: z.string(),
  lastUsedAt: z.string().nullable(),
  revokedAt: z.string().nullable(),
}).openapi("Token");

/** The one response that shows a token: right after creating it. */
export const createdTokenView = tokenView.extend({
  token: z.string().openapi({ description: "Shown once; only its SHA-256 is stored." }),
}).openapi("CreatedToken");

/** A user with their tokens' metadata. */
export const userView = z.object({
  id: z.int(),
  name: z.string(),
  superuser: z.boolean(),
  createdAt: z.string(),
  tokens: z.array(tokenView),
}).openapi("User");

/** GET /me: who the token belongs to, and the roles they hold. */
export const meView = userView.extend({
  connections: z.array(z.object({
    connection: z.string(),
    role: z.enum(["owner", "admin", "access"]),
  })),
}).openapi("Me");

/** Path parameters of user and token routes. */
export const userNameParam = z.object({
  name: z.string().openapi({ param: { name: "name", in: "path" }, example: "alice" }),
});
export const tokenParams = userNameParam.extend({
  id: z.string().openapi({ param: { name: "id", in: "path" }, example: "3" }),
});

/** GET /audit query. */
export const auditQuery = z.object({
  limit: z.coerce.number().int().min(1).max(1000).optional()
    .openapi({ param: { name: "limit", in: "query" }, description: "Default 100." }),
  offset: z.coerce.number().int().min(0).optional()
    .openapi({ param: { name: "offset", in: "query" }, description: "Default 0." }),
});

/** One audit entry; before/after never hold secrets. */
export const auditView = z.object({
  id: z.int(),
  at: z.string(),
  actor: z.string(),
  action: z.string(),
  target: z.string(),
  before: z.unknown(),
  after: z.unknown(),
}).openapi("AuditEntry");
