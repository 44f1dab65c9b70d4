/**
 * RFC 9457 problem details: the one error type the management API throws, and the
 * `application/problem+json` response it becomes (in `on_error.ts`).
 * @module
 */

/** One field that failed validation, named by its dotted path (`pool.max`, `owners.1`). */
export interface FieldError {
  field: string;
  message: string;
}

/** The statuses the API answers problems with. */
export type ProblemStatus = 400 | 401 | 403 | 404 | 409 | 413 | 415 | 422 | 500 | 503;

/** Titles per status (RFC 9110 reason phrases), as RFC 9457 asks for type `about:blank`. */
const TITLES: Record<ProblemStatus, string> = {
  400: "Bad Request",
  401: "Unauthorized",
  403: "Forbidden",
  404: "Not Found",
  409: "Conflict",
  413: "Content Too Large",
  415: "Unsupported Media Type",
  422: "Unprocessable Content",
  500: "Internal Server Error",
  503: "Service Unavailable",
};

/** The problem+json media type. */
export const PROBLEM_JSON = "application/problem+json";

/**
 * An API error that knows its response. `extra` adds extension members, e.g. `errors`
 * for 422 or `routes` for a 409 on a referenced connection.
 *
 * @example
 * throw new ApiProblem(404, 'connection "tomcat-a" not found');
 */
export class ApiProblem extends Error {
  override name = "ApiProblem";

  constructor(
    readonly status: ProblemStatus,
    detail: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(detail);
  }

  /** 422 naming each failed field. */
  static validation(errors: readonly FieldError[]): ApiProblem {
    const fields = errors.map((e) => e.field || "body");
    return new ApiProblem(422, `invalid ${[...new Set(fields)].join(", ")}`, {
      errors: errors.map((e) => ({ field: e.field || "body", message: e.message })),
    });
  }

  /** This problem as a response; `headers` are added (e.g. WWW-Authenticate). */
  toResponse(headers: Record<string, string> = {}): Response {
    return problemResponse(this.status, this.message, this.extra, headers);
  }
}

/** Builds an `application/problem+json` response. */
export function problemResponse(
  status: ProblemStatus,
  detail: string,
  extra: Record<string, unknown> = {},
  headers: Record<string, string> = {},
): Response {
  const body = { type: "about:blank", title: TITLES[status], status, detail, ...extra };
  return new Response(JSON.stringify(body), {
    status,
    headers: { ...headers, "content-type": PROBLEM_JSON },
  });
}
