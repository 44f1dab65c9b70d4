/**
 * The types the API's files share: its dependencies, its Hono environment, its app.
 * @module
 */
import type { OpenAPIHono } from "@hono/zod-openapi";
import type { Repositories, User } from "../../db/mod.ts";
import type { LiveView } from "../../src/config/live_view.ts";
import type { TimeSeries } from "../../src/observe/time_series.ts";

/** What the management API is built over. */
export interface ApiDeps {
  repos: Repositories;
  live: LiveView;
  /** This process's id in the instance registry, marked `self` by `GET /instances`. */
  instanceId?: string;
  /**
   * Why a user who is not a superuser may not name backend `host`:`port` (loopback, the
   * gateway's own listeners, outside the allow-list...), or null; see src/proxy/backend_policy.ts.
   * Default: a policy with an empty allow-list.
   */
  checkBackend?: (host: string, port: number) => Promise<string | null>;
  /** This process's traffic per route and connection, for `GET /series`; absent: 404. */
  series?: TimeSeries;
  /** Where unexpected errors are logged (never sent to the client); default console.error. */
  log?: (message: string, error: unknown) => void;
}

/** Context variables: the authenticated user, set by the bearer middleware. */
export interface ApiEnv {
  Variables: { user: User };
}

/** The API's Hono app. */
export type ApiApp = OpenAPIHono<ApiEnv>;
