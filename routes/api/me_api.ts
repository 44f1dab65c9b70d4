/**
 * `GET /api/v1/me`: who the bearer token belongs to, their tokens' metadata and the roles
 * they hold on connections.
 * @module
 */
import { createRoute } from "@hono/zod-openapi";
import { json, problems } from "./problem_schema.ts";
import { meView } from "./user_schema.ts";
import type { ApiApp, ApiDeps } from "./types.ts";

const me = createRoute({
  method: "get",
  path: "/api/v1/me",
  tags: ["users"],
  security: [{ bearerAuth: [] }],
  summary: "The caller: name, superuser, tokens, roles",
  responses: { 200: json(meView, "The caller"), ...problems(401) },
});

/** Registers `GET /api/v1/me` on `app`. */
export function registerMe(app: ApiApp, { repos }: ApiDeps): void {
  app.openapi(me, async (c) => {
    const user = c.get("user");
    const [tokens, connections] = await Promise.all([
      repos.users.listTokens(user.name),
      repos.connections.permissionsOf(user.name),
    ]);
    return c.json({ ...user, tokens, connections }, 200);
  });
}
