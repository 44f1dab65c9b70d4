/**
 * What the console needs beyond the configuration:
 * - `POST /api/v1/connections/{name}/test` (any role): opens a fresh socket to a direct
 *   connection's backend, sends CPING and answers the CPONG time or the exact error (200
 *   either way: the test ran). The pool is not touched.
 * - `GET /api/v1/series`: this instance's last 15 minutes of request rate, error rate and
 *   p50/p99 latency per route and per connection (only connections the caller holds a
 *   role on; all for a superuser).
 * @module
 */
import { createRoute, z } from "@hono/zod-openapi";
import { cpingProbe } from "../../src/ajp/cping_probe.ts";
import { ensure, rolesOn } from "./access.ts";
import { connectionNameParam } from "./connection_schema.ts";
import { ApiProblem } from "./problem.ts";
import { json, problems } from "./problem_schema.ts";
import type { ApiApp, ApiDeps } from "./types.ts";

const testResult = z.object({
  connection: z.string(),
  target: z.string().openapi({ example: "127.0.0.1:8009" }),
  ok: z.boolean(),
  connectMs: z.number().optional(),
  cpongMs: z.number().optional().openapi({ description: "CPING sent to CPONG read." }),
  step: z.enum(["connect", "cping"]).optional().openapi({ description: "Where it failed." }),
  error: z.string().optional(),
  elapsedMs: z.number().optional(),
}).openapi("ConnectionTest");

const test = createRoute({
  method: "post",
  path: "/api/v1/connections/{name}/test",
  tags: ["connections"],
  security: [{ bearerAuth: [] }],
  summary: "Send CPING on a fresh socket and report the CPONG time or the error (any role)",
  request: { params: connectionNameParam },
  responses: { 200: json(testResult, "The test's outcome"), ...problems(401, 403, 404, 422) },
});

const seriesOf = z.object({
  rate: z.array(z.number()).openapi({ description: "Requests per second per slot." }),
  errorRate: z.array(z.number().nullable()).openapi({ description: "0-1; null: no request." }),
  p50: z.array(z.number().nullable()).openapi({ description: "ms; null: no request." }),
  p99: z.array(z.number().nullable()),
  total: z.int(),
});
const snapshot = z.object({
  stepMs: z.int(),
  times: z.array(z.number()).openapi({ description: "Slot starts, epoch ms, oldest first." }),
  routes: z.record(z.string(), seriesOf).openapi({ description: "By route id." }),
  connections: z.record(z.string(), seriesOf).openapi({ description: "By connection name." }),
}).openapi("Series");

const series = createRoute({
  method: "get",
  path: "/api/v1/series",
  tags: ["observe"],
  security: [{ bearerAuth: [] }],
  summary: "This instance's last minutes of traffic per route and connection",
  responses: { 200: json(snapshot, "The window, oldest slot first"), ...problems(401, 404) },
});

/** Default wait for the connect and for CPONG in a test. */
const TEST_TIMEOUT_MS = 5000;

/** Registers both routes on `app`. */
export function registerObserve(app: ApiApp, deps: ApiDeps): void {
  const { repos } = deps;
  app.openapi(test, async (c) => {
    const user = c.get("user");
    const conn = await repos.connections.get(c.req.valid("param").name);
    const roles = await rolesOn(repos, "connection", conn.name, user);
    ensure(user, "connection.read", roles, `test connection "${conn.name}"`);
    if (conn.type !== "direct" || conn.port === null) {
      throw new ApiProblem(
        422,
        `connection "${conn.name}" is of type ${conn.type}: the CPING test opens direct AJP sockets only`,
      );
    }
    const timeoutMs = Math.min(conn.pool.connectTimeoutMs, TEST_TIMEOUT_MS);
    const result = await cpingProbe(conn.host, conn.port, timeoutMs);
    return c.json({ connection: conn.name, target: `${conn.host}:${conn.port}`, ...result }, 200);
  });

  app.openapi(series, async (c) => {
    if (deps.series === undefined) throw new ApiProblem(404, "this process keeps no time series");
    const user = c.get("user");
    const snap = deps.series.snapshot();
    if (!user.superuser) {
      const mine = new Set(
        (await repos.connections.permissionsOf(user.name)).map((p) => p.connection.toLowerCase()),
      );
      for (const name of Object.keys(snap.connections)) {
        if (!mine.has(name.toLowerCase())) delete snap.connections[name];
      }
    }
    return c.json(snap, 200);
  });
}
