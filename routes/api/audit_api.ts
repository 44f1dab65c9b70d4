/**
 * `GET /api/v1/audit` (superuser): the append-only log of every change, newest first,
 * paged with `limit` (default 100, at most 1000) and `offset`.
 * @module
 */
import { createRoute, z } from "@hono/zod-openapi";
import { allowed } from "./access.ts";
import { json, problems } from "./problem_schema.ts";
import { auditQuery, auditView } from "./user_schema.ts";
import type { ApiApp, ApiDeps } from "./types.ts";

const audit = createRoute({
  middleware: [allowed("audit.read", "read the audit log")] as const,
  method: "get",
  path: "/api/v1/audit",
  tags: ["audit"],
  security: [{ bearerAuth: [] }],
  summary: "Read the audit log, newest first (superuser)",
  request: { query: auditQuery },
  responses: { 200: json(z.array(auditView), "Audit entries"), ...problems(401, 403, 422) },
});

/** Registers `GET /api/v1/audit` on `app`. */
export function registerAudit(app: ApiApp, { repos }: ApiDeps): void {
  app.openapi(audit, async (c) => {
    return c.json(await repos.audit.list(c.req.valid("query")), 200);
  });
}
