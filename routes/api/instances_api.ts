/**
 * `GET /api/v1/instances` (superuser): the ajpgate processes sharing this database, as
 * each registered itself, with `status` "live" (heartbeat within 30 s, not stopped) or
 * "gone", and `self` true for the instance answering. `?status=live` or `?status=gone`
 * filters. Superuser-only because it shows hosts, pids and listen addresses.
 * @module
 */
import { createRoute, z } from "@hono/zod-openapi";
import type { MiddlewareHandler } from "hono";
import { ApiProblem } from "./problem.ts";
import { json, problems } from "./problem_schema.ts";
import type { ApiApp, ApiDeps, ApiEnv } from "./types.ts";

const statuses = ["live", "gone"] as const;

/** One registered instance. */
export const instanceView = z.object({
  id: z.string().openapi({ description: "A random UUID per process start." }),
  host: z.string(),
  pid: z.int(),
  version: z.string().openapi({ description: "ajpgate's version." }),
  proxyListen: z.string().openapi({ example: "0.0.0.0:8080" }),
  adminListen: z.string().openapi({ example: "127.0.0.1:9090" }),
  startedAt: z.string(),
  heartbeatAt: z.string().openapi({ description: "Moves every 5 s while running." }),
  stoppedAt: z.string().nullable()
    .openapi({ description: "Set by a clean shutdown; null while running or after a crash." }),
  status: z.enum(statuses).openapi({
    description: '"live": heartbeat within the last 30 s and not stopped; else "gone".',
  }),
  self: z.boolean().openapi({ description: "True for the instance answering this request." }),
}).openapi("Instance");

const listQuery = z.object({
  status: z.enum(statuses).optional()
    .openapi({ param: { name: "status", in: "query" }, description: "Default: both." }),
});

// Decided before validation, like `allowed()` in access.ts; listing instances is not one
// of the permission model's actions (src/auth/permissions.ts), so the rule is stated here.
const superuserOnly: MiddlewareHandler<ApiEnv> = async (c, next) => {
  const user = c.get("user");
  if (!user.superuser) {
    throw new ApiProblem(403, `user "${user.name}" may not list instances (superusers only)`);
  }
  await next();
};

const list = createRoute({
  middleware: [superuserOnly] as const,
  method: "get",
  path: "/api/v1/instances",
  tags: ["instances"],
  security: [{ bearerAuth: [] }],
  summary: "List the ajpgate instances sharing this database, live and gone (superuser)",
  request: { query: listQuery },
  responses: {
    200: json(z.array(instanceView), "Instances, oldest start first"),
    ...problems(401, 403, 422),
  },
});

/** Registers `GET /api/v1/instances` on `app`. */
export function registerInstances(app: ApiApp, { repos, instanceId }: ApiDeps): void {
  app.openapi(list, async (c) => {
    const { status } = c.req.valid("query");
    const all = await repos.instances.list();
    return c.json(
      all.filter((i) => status === undefined || i.status === status)
        .map((i) => ({ ...i, self: i.id === instanceId })),
      200,
    );
  });
}
