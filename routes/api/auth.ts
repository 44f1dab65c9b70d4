/**
 * Bearer-token authentication for the management API: a missing, malformed, unknown or
 * revoked token is a 401 problem with `WWW-Authenticate: Bearer`; a good one puts its user
 * in the context as `user`.
 * @module
 */
import type { MiddlewareHandler } from "hono";
import type { Repositories } from "../../db/mod.ts";
import { parseBearer } from "../../src/auth/bearer.ts";
import { problemResponse } from "./problem.ts";
import type { ApiEnv } from "./types.ts";

/** See module doc. */
export function bearerAuth(repos: Repositories): MiddlewareHandler<ApiEnv> {
  return async (c, next) => {
    const header = c.req.header("authorization");
    const token = parseBearer(header);
    const user = token === null ? null : await repos.users.authenticate(token);
    if (user === null) {
      const detail = header === undefined
        ? "this API needs an Authorization: Bearer <token> header"
        : token === null
        ? "the Authorization header is not of the form Bearer <token>"
        : "the bearer token is unknown or revoked";
      const challenge = header === undefined
        ? 'Bearer realm="ajpgate"'
        : 'Bearer realm="ajpgate", error="invalid_token"';
      return problemResponse(401, detail, {}, { "www-authenticate": challenge });
    }
    c.set("user", user);
    await next();
  };
}
