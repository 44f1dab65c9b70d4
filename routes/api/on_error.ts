/**
 * The API's one error mapping: ApiProblem as itself, Hono's HTTPException (malformed JSON,
 * unsupported media type) and repository errors to their status, anything else to a 500
 * that is logged and never shows a stack trace.
 * @module
 */
import type { ErrorHandler } from "hono";
import { HTTPException } from "hono/http-exception";
import { DbConflictError, DbInvalidError, DbNotFoundError } from "../../db/mod.ts";
import { ApiProblem, problemResponse, type ProblemStatus } from "./problem.ts";

const PASSED_ON: readonly number[] = [400, 401, 403, 404, 409, 413, 415, 422];

/** Builds the handler; `log` receives unexpected errors. */
export function apiErrorHandler(log: (message: string, error: unknown) => void): ErrorHandler {
  return (err) => {
    if (err instanceof ApiProblem) return err.toResponse();
    if (err instanceof HTTPException && PASSED_ON.includes(err.status)) {
      return problemResponse(err.status as ProblemStatus, err.message || "bad request");
    }
    if (err instanceof DbNotFoundError) return problemResponse(404, err.message);
    if (err instanceof DbConflictError) {
      return problemResponse(
        409,
        err.message,
        err.routeIds.length > 0 ? { routes: err.routeIds } : {},
      );
    }
    if (err instanceof DbInvalidError) return problemResponse(422, err.message);
    log("ajpgate: management API request failed", err);
    return problemResponse(500, "internal error; see the server log");
  };
}
