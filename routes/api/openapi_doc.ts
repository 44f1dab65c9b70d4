/**
 * `GET /api/v1/openapi.json`: the OpenAPI 3.1 document, generated from the same zod
 * schemas that validate requests. Public: it holds no data, only the API's shape.
 * @module
 */
import { createRoute, z } from "@hono/zod-openapi";
import { json } from "./problem_schema.ts";
import type { ApiApp } from "./types.ts";

/** Where the document is served. */
export const OPENAPI_PATH = "/api/v1/openapi.json";

const doc = createRoute({
  method: "get",
  path: OPENAPI_PATH,
  tags: ["meta"],
  security: [],
  summary: "This document",
  responses: { 200: json(z.record(z.string(), z.unknown()), "OpenAPI 3.1 document") },
});

/**
 * Registers the document route. Register it before the bearer middleware: it answers
 * without calling `next`, so the middleware does not run for it.
 */
export function registerOpenApiDoc(app: ApiApp, version: string): void {
  app.openAPIRegistry.registerComponent("securitySchemes", "bearerAuth", {
    type: "http",
    scheme: "bearer",
    description: "An API token: Authorization: Bearer <token>",
  });
  app.openapi(doc, (c) => {
    const document = app.getOpenAPI31Document({
      openapi: "3.1.0",
      info: {
        title: "ajpgate management API",
        version,
        description: "Connections, routes, users and permissions of an ajpgate instance. " +
          "Errors are RFC 9457 problem+json.",
      },
    });
    return c.json(document as unknown as Record<string, unknown>, 200);
  });
}
