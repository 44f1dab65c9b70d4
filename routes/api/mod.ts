/**
 * The authenticated management API under `/api/v1`, as one Hono app to mount on the
 * management listener at "/".
 *
 * Every request but `GET /api/v1/openapi.json` needs `Authorization: Bearer <token>`.
 * Bodies are JSON, at most 1 MiB (counted as they stream), validated by strict zod schemas
 * that also generate the OpenAPI document. Every error, including unknown paths under
 * `/api/v1`, is an RFC 9457 `application/problem+json` response.
 *
 * @example
 * const admin = createAdminApp({ ready });
 * admin.route("/", createApiApp({ repos, live }));
 * @module
 */
import { OpenAPIHono } from "@hono/zod-openapi";
import { registerAudit } from "./audit_api.ts";
import { bearerAuth } from "./auth.ts";
import { registerBalancerActions } from "./balancer_actions_api.ts";
import { registerBalancers } from "./balancers_api.ts";
import { bodyLimit } from "./body_limit.ts";
import { jsonGuard } from "./json_guard.ts";
import { registerConnectionActions } from "./connection_actions_api.ts";
import { registerConnections } from "./connections_api.ts";
import { registerInstances } from "./instances_api.ts";
import { registerMe } from "./me_api.ts";
import { registerObserve } from "./observe_api.ts";
import { apiErrorHandler } from "./on_error.ts";
import { registerOpenApiDoc } from "./openapi_doc.ts";
import { registerPermissionEndpoints } from "./permissions_api.ts";
import { ApiProblem, problemResponse } from "./problem.ts";
import { registerRoutes } from "./routes_api.ts";
import type { ApiDeps, ApiEnv } from "./types.ts";
import { registerUsers } from "./users_api.ts";
import { validationHook } from "./validation_hook.ts";

export type { ApiApp, ApiDeps, ApiEnv } from "./types.ts";
export { API_BODY_LIMIT } from "./body_limit.ts";
export { OPENAPI_PATH } from "./openapi_doc.ts";

/** The version the OpenAPI document states. */
const API_VERSION = "1.0.0";

/** Builds the API app; see the module doc. */
export function createApiApp(deps: ApiDeps): OpenAPIHono<ApiEnv> {
  const app = new OpenAPIHono<ApiEnv>({ defaultHook: validationHook });
  app.onError(apiErrorHandler(deps.log ?? ((message, err) => console.error(message, err))));
  registerOpenApiDoc(app, API_VERSION);
  app.use("/api/v1/*", bearerAuth(deps.repos));
  app.use("/api/v1/*", bodyLimit());
  app.use("/api/v1/*", jsonGuard());
  registerMe(app, deps);
  registerConnections(app, deps);
  registerConnectionActions(app, deps);
  registerPermissionEndpoints(app, deps, "connection");
  registerBalancers(app, deps);
  registerBalancerActions(app, deps);
  registerPermissionEndpoints(app, deps, "balancer");
  registerRoutes(app, deps);
  registerPermissionEndpoints(app, deps, "route");
  registerUsers(app, deps);
  registerAudit(app, deps);
  registerInstances(app, deps);
  registerObserve(app, deps);
  // registered last: reached only when no route above answered, also once mounted
  app.all("/api/v1/*", (c) => {
    throw new ApiProblem(404, `no ${c.req.method} ${new URL(c.req.url).pathname} in this API`);
  });
  app.notFound(() => problemResponse(404, "not found"));
  return app;
}
