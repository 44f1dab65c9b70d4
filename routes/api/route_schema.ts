/**
 * Request and response schemas of routes. Requests are strict; the rule "exactly one of
 * connection and balancer" is checked on the merged result in `route_rules.ts`.
 * @module
 */
import { z } from "@hono/zod-openapi";
import { objectName, routeHost, urlPath } from "./fields.ts";

const fields = {
  host: routeHost.nullable().optional()
    .openapi({ description: "Incoming Host without port, stored lower-case; null = any host." }),
  pathPrefix: urlPath.openapi({ example: "/app" }),
  connection: objectName.nullable().optional()
    .openapi({ description: "Target connection; exactly one of connection and balancer." }),
  balancer: objectName.nullable().optional().openapi({ description: "Target balancer." }),
  backendPath: urlPath.nullable().optional()
    .openapi({ description: "Replaces pathPrefix when forwarding; null (default) keeps it." }),
  preserveHost: z.boolean().optional().openapi({ description: "Default true." }),
  enabled: z.boolean().optional().openapi({ description: "Default true." }),
};

/** POST /routes. */
export const routeCreate = z.strictObject(fields).openapi("RouteCreate");

/** PATCH /routes/{id}: setting one target clears the other unless both are given. */
export const routePatch = z.strictObject({ ...fields, pathPrefix: urlPath.optional() })
  .openapi("RoutePatch");

/** A stored route, or a command-line one (`readOnly`, no times). */
export const routeView = z.object({
  id: z.string(),
  host: z.string().nullable(),
  pathPrefix: z.string(),
  connection: z.string().nullable(),
  balancer: z.string().nullable(),
  backendPath: z.string().nullable(),
  preserveHost: z.boolean(),
  enabled: z.boolean(),
  readOnly: z.boolean(),
  createdAt: z.string().nullable(),
  updatedAt: z.string().nullable(),
}).openapi("Route");

/** The response type of a route. */
export type RouteView = z.infer<typeof routeView>;

/** Path parameter `{id}`. */
export const routeIdParam = z.object({
  id: z.string().openapi({ param: { name: "id", in: "path" }, example: "3fa9c1d2e0" }),
});
