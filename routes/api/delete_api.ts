/**
 * `DELETE /api/v1/connections/{name}` and `DELETE /api/v1/balancers/{name}` (owner): the
 * same for both kinds. Routes using the object (and, for a connection, balancers having it
 * as a member) make it a 409 naming them, unless `?force=true`, which deletes them too;
 * the answer lists the routes deleted along.
 * @module
 */
import { createRoute, z } from "@hono/zod-openapi";
import { DbConflictError } from "../../db/mod.ts";
import { ensure, rolesOn } from "./access.ts";
import { OBJECT_KINDS, type ObjectKind } from "./object_kinds.ts";
import { ApiProblem } from "./problem.ts";
import { json, problems } from "./problem_schema.ts";
import type { ApiApp, ApiDeps } from "./types.ts";

/** Registers `DELETE /api/v1/{kind}s/{name}` on `app`. */
export function registerDeleteEndpoint(app: ApiApp, deps: ApiDeps, kind: ObjectKind): void {
  const { repos, live } = deps;
  const { plural, nameParam, repo } = OBJECT_KINDS[kind];
  const store = repo(repos);

  const remove = createRoute({
    method: "delete",
    path: `/api/v1/${plural}/{name}`,
    tags: [plural],
    security: [{ bearerAuth: [] }],
    summary: `Delete a ${kind} (owner); ?force=true also deletes the routes using it`,
    request: {
      params: nameParam,
      query: z.object({
        force: z.enum(["true", "false"]).optional()
          .openapi({ param: { name: "force", in: "query" }, description: "Default false." }),
      }),
    },
    responses: {
      200: json(
        z.object({ name: z.string(), deletedRoutes: z.array(z.string()) }),
        "Deleted, with the routes deleted along",
      ),
      ...problems(401, 403, 404, 409),
    },
  });

  app.openapi(remove, async (c) => {
    const user = c.get("user");
    const { name } = c.req.valid("param");
    const current = await store.get(name);
    const roles = await rolesOn(repos, kind, current.name, user);
    ensure(user, `${kind}.delete`, roles, `delete ${kind} "${current.name}"`);
    const force = c.req.valid("query").force === "true";
    const { deletedRoutes } = await store.delete(current.name, user.name, { force })
      .catch((err) => {
        if (!(err instanceof DbConflictError)) throw err;
        const detail = err.message.replace("delete with force", "DELETE with ?force=true");
        throw new ApiProblem(409, detail, { routes: err.routeIds });
      });
    await live.refresh();
    return c.json({ name: current.name, deletedRoutes }, 200);
  });
}
