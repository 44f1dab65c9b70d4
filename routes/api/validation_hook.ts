/**
 * Turns zod failures of request validation into a 422 problem naming each field, as the
 * `defaultHook` of the API app.
 * @module
 */
import type { ZodError } from "zod";
import { ApiProblem, type FieldError } from "./problem.ts";

/** A zod issue, reduced to what naming a field needs. */
interface Issue {
  code: string;
  path: PropertyKey[];
  message: string;
  keys?: string[];
}

/**
 * One {@linkcode FieldError} per issue; an unknown key becomes one error per key, named by
 * its own path, so `{"pool":{"foo":1}}` names `pool.foo`.
 */
export function fieldErrorsOf(issues: readonly Issue[]): FieldError[] {
  return issues.flatMap((issue) => {
    const path = issue.path.map(String);
    if (issue.code === "unrecognized_keys" && issue.keys !== undefined) {
      return issue.keys.map((key) => ({
        field: [...path, key].join("."),
        message: "unknown field",
      }));
    }
    return [{ field: path.join("."), message: issue.message }];
  });
}

/** The hook: throws the 422 on failure, lets the handler run on success. */
export function validationHook(result: { success: true } | { success: false; error: ZodError }) {
  if (!result.success) throw ApiProblem.validation(fieldErrorsOf(result.error.issues));
}
