/**
 * The gateway's HTTP apps, built for the composition root (src/server/gateway.ts), which
 * receives them from the entry point: the proxy handler, and the management app with the API
 * (loaded on its first request) and the console mounted on it.
 * @module
 */
import type { GatewayApps, ManagementDeps } from "../src/server/apps.ts";
import { createAdminApp } from "./admin.ts";
import { createConsoleApp } from "./console/mod.ts";
import { createProxyHandler } from "./proxy.ts";

/** The management listener's app: health, readiness, metrics, `/api/v1` and the console. */
function createManagementApp(deps: ManagementDeps) {
  const app = createAdminApp(deps);
  // The API (zod, OpenAPI) is loaded on its first request: about 7 MiB less idle RSS.
  let api: Promise<{ fetch(req: Request): Response | Promise<Response> }> | undefined;
  app.all("/api/v1/*", async (c) => {
    api ??= import("./api/mod.ts").then((m) =>
      m.createApiApp({
        repos: deps.repos,
        live: deps.live,
        instanceId: deps.instanceId,
        checkBackend: deps.checkBackend,
        series: deps.series,
      })
    );
    return (await api).fetch(c.req.raw);
  });
  app.route(
    "/",
    createConsoleApp({ repos: deps.repos, api: (req) => Promise.resolve(app.fetch(req)) }),
  );
  return app;
}

/** See module doc. */
export const gatewayApps: GatewayApps = {
  proxyHandler: (runtime, access, limits) => createProxyHandler(runtime, access, limits),
  management: (deps) => createManagementApp(deps),
};
