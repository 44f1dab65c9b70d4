/**
 * `/api/v1/users` and their tokens (superusers only, except that any user may revoke a
 * token of their own here as under `/api/v1/me/tokens`). A token is shown once, in the
 * response that creates it; afterwards only its metadata is listed. Deleting the last
 * superuser is refused, so the API cannot lock itself out.
 * @module
 */
import { createRoute, z } from "@hono/zod-openapi";
import type { User } from "../../db/mod.ts";
import type { MiddlewareHandler } from "hono";
import { allowed, ensure } from "./access.ts";
import { ApiProblem } from "./problem.ts";
import { json, jsonBody, problems } from "./problem_schema.ts";
import {
  createdTokenView,
  tokenCreate,
  tokenParams,
  tokenView,
  userCreate,
  userNameParam,
  userView,
} from "./user_schema.ts";
import type { ApiApp, ApiDeps, ApiEnv } from "./types.ts";

const tags = ["users"];
const security = [{ bearerAuth: [] }];

const list = createRoute({
  middleware: [allowed("user.list", "list users")] as const,
  method: "get",
  path: "/api/v1/users",
  tags,
  security,
  summary: "List users with their tokens' metadata (superuser)",
  responses: { 200: json(z.array(userView), "The users"), ...problems(401, 403) },
});

const create = createRoute({
  middleware: [allowed("user.create", "create users")] as const,
  method: "post",
  path: "/api/v1/users",
  tags,
  security,
  summary: "Create a user (superuser)",
  request: { body: jsonBody(userCreate) },
  responses: { 201: json(userView, "Created"), ...problems(400, 401, 403, 409, 413, 415, 422) },
});

const remove = createRoute({
  middleware: [allowed("user.delete", "delete users")] as const,
  method: "delete",
  path: "/api/v1/users/{name}",
  tags,
  security,
  summary: "Delete a user with their tokens and grants (superuser)",
  request: { params: userNameParam },
  responses: { 204: { description: "Deleted" }, ...problems(401, 403, 404, 409) },
});

const createToken = createRoute({
  middleware: [allowed("token.create", "create tokens")] as const,
  method: "post",
  path: "/api/v1/users/{name}/tokens",
  tags,
  security,
  summary: "Create an API token; the response is the only time it is shown (superuser)",
  request: { params: userNameParam, body: jsonBody(tokenCreate) },
  responses: {
    201: json(createdTokenView, "Created; keep `token`, it is not shown again"),
    ...problems(400, 401, 403, 404, 413, 415, 422),
  },
});

/** Revoking a token: a superuser's, or the caller's own (`{name}` is the caller). */
const revokeAllowed: MiddlewareHandler<ApiEnv> = async (c, next) => {
  const user = c.get("user");
  const own = c.req.param("name")?.toLowerCase() === user.name.toLowerCase();
  ensure(user, own ? "token.own" : "token.revoke", new Set(), "revoke other users' tokens");
  await next();
};

const revokeToken = createRoute({
  middleware: [revokeAllowed] as const,
  method: "delete",
  path: "/api/v1/users/{name}/tokens/{id}",
  tags,
  security,
  summary: "Revoke an API token (superuser, or the token's own user)",
  request: { params: tokenParams },
  responses: { 200: json(tokenView, "The revoked token"), ...problems(401, 403, 404) },
});

/** Registers the routes above on `app`. */
export function registerUsers(app: ApiApp, deps: ApiDeps): void {
  const { repos, live } = deps;
  const withTokens = async (u: User) => ({ ...u, tokens: await repos.users.listTokens(u.name) });

  app.openapi(list, async (c) => {
    return c.json(await Promise.all((await repos.users.list()).map(withTokens)), 200);
  });

  app.openapi(create, async (c) => {
    const actor = c.get("user");
    const created = await repos.users.create(c.req.valid("json"), actor.name);
    await live.refresh();
    c.header("location", `/api/v1/users/${encodeURIComponent(created.name)}`);
    return c.json({ ...created, tokens: [] }, 201);
  });

  app.openapi(remove, async (c) => {
    const actor = c.get("user");
    const target = await repos.users.get(c.req.valid("param").name);
    if (target.superuser && (await repos.users.list()).filter((u) => u.superuser).length === 1) {
      throw new ApiProblem(
        409,
        `user "${target.name}" is the last superuser and cannot be deleted`,
      );
    }
    await repos.users.delete(target.name, actor.name);
    await live.refresh();
    return c.body(null, 204);
  });

  app.openapi(createToken, async (c) => {
    const actor = c.get("user");
    const { name } = c.req.valid("param");
    const { token, info } = await repos.users.createToken(
      name,
      c.req.valid("json").name,
      actor.name,
    );
    await live.refresh();
    return c.json({ ...info, token }, 201);
  });

  app.openapi(revokeToken, async (c) => {
    const actor = c.get("user");
    const { name, id } = c.req.valid("param");
    // ids are positive integers; anything else cannot name a token
    if (!/^[1-9][0-9]{0,15}$/.test(id)) {
      throw new ApiProblem(404, `token "${name}/${id}" not found`);
    }
    const revoked = await repos.users.revokeToken(name, Number(id), actor.name);
    await live.refresh();
    return c.json(revoked, 200);
  });
}
