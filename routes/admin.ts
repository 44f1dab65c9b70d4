/**
 * The management listener's Hono app: `GET /healthz` (200 while the process serves),
 * `GET /readyz` (200 when the database answers and at least one route exists; each check is
 * `{ "ok": true }` or `{ "ok": false, "error": "..." }`) and
 * `GET /metrics` (Prometheus text). The API is mounted beside these. Requests whose Host
 * the listener does not answer to (see src/auth/admin_host.ts) get 421 before any of them.
 * @module
 */
import { Hono } from "hono";
import type { CheckResult } from "../src/server/apps.ts";

export type { CheckResult };

/** What the admin app reads. */
export interface AdminDeps {
  /** True once both listeners are up and the configuration is loaded, false while stopping. */
  ready: () => boolean;
  /** Readiness checks by name, each `{ ok }` or `{ ok: false, error }`. */
  readiness?: () => Promise<Record<string, CheckResult>>;
  /** The Prometheus text exposition. */
  metrics?: () => string;
  /** True when the request's host name (no port) is this listener's; default: every host. */
  hostAllowed?: (host: string) => boolean;
}

/** Builds the admin app. */
export function createAdminApp(deps: AdminDeps): Hono {
  const app = new Hono();
  const hostAllowed = deps.hostAllowed;
  if (hostAllowed) {
    app.use(async (c, next) => {
      const host = new URL(c.req.url).hostname;
      if (hostAllowed(host)) return await next();
      return c.json({
        error: `misdirected request: this management listener does not answer to host ` +
          `"${host.slice(0, 255)}"; list the name with --admin-host`,
      }, 421);
    });
  }
  app.get(
    "/healthz",
    (c) => deps.ready() ? c.json({ status: "ok" }) : c.json({ status: "starting" }, 503),
  );
  app.get("/readyz", async (c) => {
    if (!deps.ready()) {
      return c.json(
        { status: "not ready", checks: { started: { ok: false, error: "not yet" } } },
        503,
      );
    }
    const checks = deps.readiness ? await deps.readiness() : {};
    const ok = Object.values(checks).every((v) => v.ok);
    return c.json({ status: ok ? "ready" : "not ready", checks }, ok ? 200 : 503);
  });
  if (deps.metrics) {
    const render = deps.metrics;
    app.get(
      "/metrics",
      (c) => c.body(render(), 200, { "content-type": "text/plain; version=0.0.4; charset=utf-8" }),
    );
  }
  app.notFound((c) => c.json({ error: "not found" }, 404));
  app.onError((_err, c) => c.json({ error: "internal error" }, 500));
  return app;
}
