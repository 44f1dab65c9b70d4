/**
 * The HTTP apps the gateway serves, as the composition root needs them. They are built in
 * `routes/` (see routes/mod.ts) and handed to `startGateway`, so that dependencies keep
 * pointing one way: routes -> src, never src -> routes.
 * @module
 */
import type { Repositories } from "../../db/mod.ts";
import type { LiveView } from "../config/live_view.ts";
import type { AccessRecord } from "../observe/access_trace.ts";
import type { TimeSeries } from "../observe/time_series.ts";
import type { ClientInfo } from "../proxy/client_info.ts";
import type { GatewayRuntime } from "../proxy/runtime.ts";

/** Anything that answers requests. */
export interface Fetcher<B = undefined> {
  fetch(req: Request, bindings: B): Response | Promise<Response>;
}

/**
 * One client request as the proxy path reads it. The plain listener makes it directly
 * (no fetch `Request`, which cannot carry every method or a body on GET); the TLS listener
 * makes it from the runtime's `Request`.
 */
export interface ProxyRequest {
  method: string;
  /** The target's path and query as sent, or the request's full URL. */
  target: string;
  headers: Headers;
  body: ReadableStream<Uint8Array> | null;
  /**
   * Whether `body` fails by itself (408) when the client sends nothing for the body timeout,
   * as the plain listener's does; the pre-read then arms no timer of its own.
   */
  bodyTimed: boolean;
  /** Aborted when the client goes away (made on first call). */
  signal: () => AbortSignal;
  client: ClientInfo;
  /**
   * The URL whose authority (from an absolute target or `:authority`) must be checked
   * against Host; null when the listener checked Host, the authority and the header
   * count itself.
   */
  url: string | null;
}

/** Request limits of the proxy path. */
export interface ProxyLimits {
  /** More request header fields are answered 431. Default 100 (Tomcat's maxHeaderCount). */
  maxHeaders: number;
  /** Bodies up to this size are read before a backend socket is taken. Default 64 KiB. */
  preReadBytes: number;
  /** A body that makes no progress for this long during that read gets 408. Default 60 s. */
  bodyTimeoutMs: number;
}

/** One readiness check: passing, or failing with the reason. Always this one shape. */
export interface CheckResult {
  ok: boolean;
  /** Why it fails; absent when `ok`. */
  error?: string;
}

/** What the management listener's app (health, metrics, API, console) is built over. */
export interface ManagementDeps {
  /** True once both listeners are up and the configuration is loaded, false while stopping. */
  ready: () => boolean;
  /** Readiness checks by name. */
  readiness: () => Promise<Record<string, CheckResult>>;
  /** The Prometheus text exposition. */
  metrics: () => string;
  /** True when the request's host name (no port) is this listener's. */
  hostAllowed: (host: string) => boolean;
  repos: Repositories;
  live: LiveView;
  /** This process's id in the instance registry. */
  instanceId: string;
  /** Why a user who is not a superuser may not name this backend, or null. */
  checkBackend: (host: string, port: number) => Promise<string | null>;
  series: TimeSeries;
}

/** The apps' factories, from routes/. */
export interface GatewayApps {
  /** The proxy as a plain handler (no router), for both listeners. */
  proxyHandler(
    runtime: GatewayRuntime,
    access: (record: AccessRecord) => void,
    limits: ProxyLimits,
  ): (req: ProxyRequest) => Promise<Response>;
  management(deps: ManagementDeps): Fetcher;
}
