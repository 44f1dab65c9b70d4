/**
 * The problem+json body in the OpenAPI document, and the error responses each route lists.
 * @module
 */
import { z } from "@hono/zod-openapi";
import { PROBLEM_JSON } from "./problem.ts";

/** RFC 9457 problem details, with the extensions this API uses. */
export const problemSchema = z.object({
  type: z.string().openapi({ example: "about:blank" }),
  title: z.string(),
  status: z.int(),
  detail: z.string(),
  errors: z.array(z.object({ field: z.string(), message: z.string() })).optional()
    .openapi({ description: "422 only: each failed field." }),
  routes: z.array(z.string()).optional()
    .openapi({ description: "409 on deleting a connection: the routes using it." }),
}).openapi("Problem");

const DESCRIPTIONS = {
  400: "Malformed JSON",
  401: "No, malformed or revoked bearer token",
  403: "Not permitted",
  404: "Not found",
  409: "Conflict: duplicate, still referenced, or read-only",
  413: "Body over 1 MiB",
  415: "Body that is not JSON",
  422: "Validation failed; `errors` names each field",
} as const;

type ErrorStatus = keyof typeof DESCRIPTIONS;

/** One error response of a route definition. */
interface ProblemResponse {
  description: string;
  content: { "application/problem+json": { schema: typeof problemSchema } };
}

/** The error responses `statuses` for a route definition. */
export function problems<S extends ErrorStatus>(...statuses: S[]): Record<S, ProblemResponse> {
  const out = {} as Record<S, ProblemResponse>;
  for (const s of statuses) {
    out[s] = {
      description: DESCRIPTIONS[s],
      content: { [PROBLEM_JSON]: { schema: problemSchema } },
    };
  }
  return out;
}

/** A JSON response for a route definition. */
export function json<T extends z.ZodType>(schema: T, description: string) {
  return { description, content: { "application/json": { schema } } };
}

/** A JSON request body for a route definition (required, so it is always validated). */
export function jsonBody<T extends z.ZodType>(schema: T) {
  return { required: true, content: { "application/json": { schema } } };
}
