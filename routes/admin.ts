/**
 * The management listener's Hono app. For now: `GET /healthz`, 200 once the gateway is
 * ready (503 before and while stopping).
 * @module
 */
import { Hono } from "hono";

/** What the admin app reads. */
export interface AdminDeps {
  /** True once both listeners are up and the configuration is loaded. */
  ready: () => boolean;
}

/** Builds the admin app. */
export function createAdminApp(deps: AdminDeps): Hono {
  const app = new Hono();
  app.get(
    "/healthz",
    (c) => deps.ready() ? c.json({ status: "ok" }) : c.json({ status: "starting" }, 503),
  );
  app.notFound((c) => c.json({ error: "not found" }, 404));
  app.onError((_err, c) => c.json({ error: "internal error" }, 500));
  return app;
}
