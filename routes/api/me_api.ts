/**
 * `GET /api/v1/me`: who the bearer token belongs to, their tokens' metadata and the roles
 * they hold on connections; `GET /api/v1/me/tokens` and `DELETE /api/v1/me/tokens/{id}`:
 * any user lists and revokes their own tokens (a leaked one can be stopped at once
 * without a superuser).
 * @module
 */
import { createRoute, z } from "@hono/zod-openapi";
import { ensure } from "./access.ts";
import { ApiProblem } from "./problem.ts";
import { json, problems } from "./problem_schema.ts";
import { meView, tokenView } from "./user_schema.ts";
import type { ApiApp, ApiDeps } from "./types.ts";

const tags = ["users"];
const security = [{ bearerAuth: [] }];

const me = createRoute({
  method: "get",
  path: "/api/v1/me",
  tags,
  security,
  summary: "The caller: name, superuser, tokens, roles",
  responses: { 200: json(meView, "The caller"), ...problems(401) },
});

const myTokens = createRoute({
  method: "get",
  path: "/api/v1/me/tokens",
  tags,
  security,
  summary: "The caller's tokens (metadata only)",
  responses: { 200: json(z.array(tokenView), "The caller's tokens"), ...problems(401) },
});

const revokeMine = createRoute({
  method: "delete",
  path: "/api/v1/me/tokens/{id}",
  tags,
  security,
  summary: "Revoke one of the caller's tokens (also the one in use)",
  request: {
    params: z.object({
      id: z.string().openapi({ param: { name: "id", in: "path" }, example: "3" }),
    }),
  },
  responses: { 200: json(tokenView, "The revoked token"), ...problems(401, 404) },
});

/** Registers the routes above on `app`. */
export function registerMe(app: ApiApp, { repos, live }: ApiDeps): void {
  app.openapi(me, async (c) => {
    const user = c.get("user");
    const [tokens, connections] = await Promise.all([
      repos.users.listTokens(user.name),
      repos.connections.permissionsOf(user.name),
    ]);
    return c.json({ ...user, tokens, connections }, 200);
  });

  app.openapi(myTokens, async (c) => {
    const user = c.get("user");
    ensure(user, "token.own", new Set(), "list their tokens");
    return c.json(await repos.users.listTokens(user.name), 200);
  });

  app.openapi(revokeMine, async (c) => {
    const user = c.get("user");
    ensure(user, "token.own", new Set(), "revoke their tokens");
    const { id } = c.req.valid("param");
    // ids are positive integers; anything else cannot name a token
    if (!/^[1-9][0-9]{0,15}$/.test(id)) throw new ApiProblem(404, `token "${id}" not found`);
    const revoked = await repos.users.revokeToken(user.name, Number(id), user.name);
    await live.refresh();
    return c.json(revoked, 200);
  });
}
