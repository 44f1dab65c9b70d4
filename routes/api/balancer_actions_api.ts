/**
 * `POST /api/v1/balancers/{name}/disable|enable` (admin or owner): change the stored
 * `enabled` flag (audited) and apply it at once. A disabled balancer keeps its definition
 * and members; its routes answer 503.
 * @module
 */
import { createRoute } from "@hono/zod-openapi";
import { ensure, rolesOn } from "./access.ts";
import { balancerNameParam, balancerView } from "./balancer_schema.ts";
import { viewBalancer } from "./balancer_view.ts";
import { json, problems } from "./problem_schema.ts";
import type { ApiApp, ApiDeps } from "./types.ts";

const ACTIONS = {
  disable: "Stop using the balancer, keeping its definition; its routes answer 503",
  enable: "Use the balancer again",
} as const;

/** Registers the two action routes on `app`. */
export function registerBalancerActions(app: ApiApp, deps: ApiDeps): void {
  const { repos, live } = deps;
  for (const [verb, summary] of Object.entries(ACTIONS) as [keyof typeof ACTIONS, string][]) {
    const route = createRoute({
      method: "post",
      path: `/api/v1/balancers/{name}/${verb}`,
      tags: ["balancers"],
      security: [{ bearerAuth: [] }],
      summary: `${summary} (admin or owner)`,
      request: { params: balancerNameParam },
      responses: { 200: json(balancerView, "The balancer"), ...problems(401, 403, 404) },
    });
    app.openapi(route, async (c) => {
      const user = c.get("user");
      const current = await repos.balancers.get(c.req.valid("param").name);
      const roles = await rolesOn(repos, "balancer", current.name, user);
      ensure(user, `balancer.${verb}`, roles, `${verb} balancer "${current.name}"`);
      const after = await repos.balancers.update(
        current.name,
        { enabled: verb === "enable" },
        user.name,
      );
      await live.refresh();
      return c.json(await viewBalancer(deps, after), 200);
    });
  }
}
