/**
 * What the proxy hands to a backend connection, whatever its type (AJP or HTTP): one request
 * object, made by the proxy route and passed by reference down to the socket, and the one
 * method every target has, `send(request)`. Balancers pick among upstreams.
 * @module
 */
import type { BodySource } from "./body_source.ts";
import { GatewayError } from "./errors.ts";
import type { ClientInfo } from "../proxy/client_info.ts";
import type { AccessTrace } from "../observe/access_trace.ts";

/** A request on its way to its upstream. */
export interface UpstreamRequest {
  method: string;
  /** The client's path (for sticky routes in path parameters). */
  path: string;
  headers: Headers;
  /** Backend path in origin form (the route's prefix already replaced). */
  backendUri: string;
  /** Raw query without "?", null when the URL has none. */
  query: string | null;
  client: ClientInfo;
  preserveHost: boolean;
  body: BodySource;
  /** Content-Length, null when unknown (chunked), 0 when there is no body. */
  bodyLength: number | null;
  /**
   * The client's abort signal, made on demand: making one costs the runtime a cancel watch
   * per request (about 6 µs), so AJP exchanges ask for it only once they have waited on the
   * backend across a pool sweep (see the exchange's `tick`).
   */
  clientSignal?: () => AbortSignal;
  /** The balancer member's route, sent as AJP jvm_route; set by the balancer per attempt. */
  jvmRoute?: string;
  /** Receives operator warnings. */
  warn?: (message: string) => void;
  /** Forwarded to the backend as `x-request-id`. */
  requestId?: string;
  /** Filled in as the request goes (connection, bytes, end). */
  trace?: AccessTrace;
}

/** Limits and timeouts every kind of connection has (defaults as in CONNECTION_DEFAULTS). */
export interface ConnectionLimits {
  /** Most sockets (exchanges in flight for HTTP); null = unlimited. Default 64. */
  max: number | null;
  /** How long a request may wait for a free socket. Default 10,000 ms. */
  acquireTimeoutMs: number;
  /** Default 5,000 ms. */
  connectTimeoutMs: number;
  /** Longest wait for the backend's answer. Default 60,000 ms. */
  replyTimeoutMs: number;
  /** Idle sockets older than this are closed. Default 7,200,000 ms (2 h). */
  idleTimeoutMs: number;
  /** Whether requests may use it. Default true. */
  enabled: boolean;
}

/** Live state shared by every kind of connection. */
export type UpstreamState = typeof UPSTREAM_STATES[number];

/** Every {@link UpstreamState}, for schemas and metrics. */
export const UPSTREAM_STATES = ["connected", "error", "disabled", "idle"] as const;

/** Traffic counters of a connection. */
export interface UpstreamCounters {
  requests: number;
  failures: number;
  bytesIn: number;
  bytesOut: number;
}

/** Socket counters of a connection, whatever its kind. */
export interface SocketStats {
  idle: number;
  busy: number;
  /** Requests waiting for a socket. */
  waiting: number;
  opened?: number;
  /** Sockets closed, by reason. */
  closed?: Record<string, number>;
}

/** Where a route sends its requests: a connection or a balancer. */
export interface RouteTarget {
  readonly name: string;
  /** Sends the request; a GatewayError with retry "other_member" may go to another one. */
  send(req: UpstreamRequest): Promise<Response>;
}

/**
 * The check every connection makes first in `send`: it must be enabled; the access trace
 * learns which connection serves the request.
 */
export function admit(upstream: Upstream, req: UpstreamRequest): void {
  if (req.trace) req.trace.connection = upstream.name;
  if (!upstream.enabled) {
    throw new GatewayError("unavailable", `connection "${upstream.name}" is disabled`, {
      retryAfter: 5,
    });
  }
}

/** A backend connection that can serve requests. */
export interface Upstream extends RouteTarget {
  readonly name: string;
  readonly enabled: boolean;
  readonly state: UpstreamState;
  readonly error: { message: string; since: string } | null;
  readonly counters: UpstreamCounters;
  /** Exchanges in flight. */
  readonly inFlight: number;
  /** Idle and busy sockets. */
  sockets(): { idle: number; busy: number };
  /** Socket counters for metrics; `opened` and `closed` only where the gateway owns sockets. */
  poolStats(): SocketStats;
  /** Puts the connection in error (and starts its recovery probe). */
  markError(message: string): void;
  warmUp(): void;
  setEnabled(enabled: boolean): void;
  reset(): Promise<void>;
  close(): void;
}
