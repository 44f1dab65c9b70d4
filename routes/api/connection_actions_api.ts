/**
 * `POST /api/v1/connections/{name}/reset|disable|enable` (admin or owner). Reset closes
 * every socket (the pool then opens `initial` anew) and is audited as an event; disable
 * and enable change the stored `enabled` flag (audited) and apply it at once: a disabled
 * connection keeps its definition and its routes answer 503.
 * @module
 */
import { createRoute } from "@hono/zod-openapi";
import { ensure, rolesOn } from "./access.ts";
import { connectionNameParam, connectionView } from "./connection_schema.ts";
import { viewConnection } from "./connection_view.ts";
import { json, problems } from "./problem_schema.ts";
import type { ApiApp, ApiDeps } from "./types.ts";

const ACTIONS = {
  reset: "Close every socket of the connection and open pool.initial anew",
  disable: "Stop using the connection, keeping its definition; its routes answer 503",
  enable: "Use the connection again",
} as const;

/** Registers the three action routes on `app`. */
export function registerConnectionActions(app: ApiApp, deps: ApiDeps): void {
  const { repos, live } = deps;
  for (const [verb, summary] of Object.entries(ACTIONS) as [keyof typeof ACTIONS, string][]) {
    const route = createRoute({
      method: "post",
      path: `/api/v1/connections/{name}/${verb}`,
      tags: ["connections"],
      security: [{ bearerAuth: [] }],
      summary: `${summary} (admin or owner)`,
      request: { params: connectionNameParam },
      responses: { 200: json(connectionView, "The connection"), ...problems(401, 403, 404) },
    });
    app.openapi(route, async (c) => {
      const user = c.get("user");
      const current = await repos.connections.get(c.req.valid("param").name);
      const roles = await rolesOn(repos, "connection", current.name, user);
      ensure(user, `connection.${verb}`, roles, `${verb} connection "${current.name}"`);
      let after = current;
      if (verb === "reset") {
        await live.reset(current.name);
        await repos.audit.append({
          actor: user.name,
          action: "connection.reset",
          target: current.name,
        });
      } else {
        after = await repos.connections.update(
          current.name,
          { enabled: verb === "enable" },
          user.name,
        );
        await live.refresh();
      }
      return c.json(await viewConnection(deps, after), 200);
    });
  }
}
