/**
 * The proxy listeners' one handler (the plain and the TLS listener both call it), which
 * reads top to bottom: check the target, route it, decide the body's framing, make the one
 * request object and hand it to the route's connection or balancer (`send`). No other middleware on this path; failures
 * become short plain-text answers in one place (`asGatewayError`), and each request is
 * traced for the access log and metrics when a sink is given.
 * @module
 */
import { BodySource } from "../src/proxy/body_source.ts";
import { asGatewayError, GatewayError } from "../src/proxy/errors.ts";
import { requestBodyLength } from "../src/proxy/header_rules.ts";
import { PRE_READ_DEFAULT, preRead } from "../src/proxy/pre_read.ts";
import { checkExpect, checkHeaderCount, requestAuthority } from "../src/proxy/request_checks.ts";
import { type AccessRecord, AccessTrace, requestIdSource } from "../src/observe/access_trace.ts";
import {
  assertNoHiddenDotSegments,
  type RequestTarget,
  serverNameOf,
  splitTarget,
} from "../src/proxy/request_target.ts";
import type { GatewayRuntime } from "../src/proxy/runtime.ts";
import { wholeBodyOf } from "../src/proxy/whole_body.ts";
import type { UpstreamRequest } from "../src/proxy/upstream.ts";
import type { ProxyLimits, ProxyRequest } from "../src/server/apps.ts";

export type { ProxyLimits, ProxyRequest };

const DEFAULT_LIMITS: ProxyLimits = {
  maxHeaders: 100,
  preReadBytes: PRE_READ_DEFAULT,
  bodyTimeoutMs: 60_000,
};

/** Receives each finished request (access log, metrics). */
export type AccessSink = (record: AccessRecord) => void;

/** Builds the proxy path's one handler: route, trace and send a {@link ProxyRequest}. */
export function createProxyHandler(
  runtime: GatewayRuntime,
  access?: AccessSink,
  limits: ProxyLimits = DEFAULT_LIMITS,
): (req: ProxyRequest) => Promise<Response> {
  const nextId = requestIdSource();
  return async (req) => {
    const target = splitTarget(req.target);
    const trace = access
      ? new AccessTrace(nextId(), req.method, target.path, req.client.remoteAddr, access)
      : undefined;
    let res: Response;
    try {
      res = await proxy(runtime, req, target, limits, trace);
    } catch (err) {
      const gatewayError = asGatewayError(err, runtime.warn);
      res = gatewayError.toResponse(trace?.requestId ?? nextId());
      // a refusal of the client's own request (unknown route, bad framing) is not a failure
      trace?.done(
        gatewayError.source === "downstream" ? "rejected" : "error",
        gatewayError.message,
      );
    }
    if (trace) {
      trace.headers(res.status);
      // (a whole body was traced as done by its exchange; asking for `body` would make a stream)
      if (wholeBodyOf(res) === undefined && res.body === null) trace.done("ok");
    }
    return res;
  };
}

/** Routes one request and hands it to its connection or balancer. */
async function proxy(
  runtime: GatewayRuntime,
  req: ProxyRequest,
  target: RequestTarget,
  limits: ProxyLimits,
  trace: AccessTrace | undefined,
): Promise<Response> {
  assertNoHiddenDotSegments(target.path);
  let headers = req.headers;
  if (req.url !== null) {
    checkHeaderCount(headers, limits.maxHeaders);
    const authority = requestAuthority(req.url, headers.get("host"));
    if (authority !== null) {
      headers = new Headers(headers);
      headers.set("host", authority);
    }
  }
  checkExpect(headers);
  const host = serverNameOf(headers.get("host"), "").toLowerCase() || null;
  const match = runtime.routes.match(host, target.path);
  if (!match) throw new GatewayError("no_route", `no route for ${target.path}`);
  const { route, backendUri } = match;
  if (trace) trace.route = route.id;
  let stream = req.body;
  let bodyLength = requestBodyLength(headers, stream !== null);
  let whole = false;
  if (
    stream !== null && bodyLength !== 0 && limits.preReadBytes > 0 &&
    (bodyLength ?? 0) <= limits.preReadBytes
  ) {
    // A slow client dawdles here, before any backend socket is taken.
    const timeoutMs = req.bodyTimed ? null : limits.bodyTimeoutMs;
    const read = await preRead(stream, limits.preReadBytes, timeoutMs);
    stream = read.stream;
    whole = read.length !== null;
    if (read.length === 0 && bodyLength === null && !headers.has("transfer-encoding")) {
      bodyLength = 0;
    }
  }
  const body = new BodySource(stream, bodyLength, whole);
  // Neither Content-Length nor Transfer-Encoding but a stream: empty unless its first read
  // brings data. RFC 9112 6.3 says no body for HTTP/1.1; HTTP/2 may still send DATA.
  if (bodyLength === null && !headers.has("transfer-encoding") && await body.isEmpty()) {
    bodyLength = 0;
  }
  const request: UpstreamRequest = {
    method: req.method,
    path: target.path,
    headers,
    backendUri,
    query: target.query,
    client: req.client,
    preserveHost: route.preserveHost,
    body,
    bodyLength,
    clientSignal: req.signal,
    warn: runtime.warn,
    requestId: trace?.requestId,
    trace,
  };
  return await route.target.send(request);
}
