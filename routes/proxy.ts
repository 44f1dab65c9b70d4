/**
 * The proxy listener's Hono app: one catch-all handler that routes the request, checks its
 * framing and target, and hands it to the route's connection or balancer. No other
 * middleware on this path.
 * @module
 */
import { Hono } from "hono";
import { Balancer } from "../src/balancer.ts";
import { BodySource } from "../src/body_source.ts";
import { type ClientInfo, serverNameOf } from "../src/build_forward.ts";
import { GatewayError } from "../src/errors.ts";
import { requestBodyLength } from "../src/header_rules.ts";
import { assertNoHiddenDotSegments, splitTarget } from "../src/request_target.ts";
import type { GatewayRuntime } from "../src/runtime.ts";
import type { UpstreamRequest } from "../src/upstream.ts";

/** Per-request bindings the server passes to `app.fetch`. */
export interface ProxyEnv {
  Bindings: { client: ClientInfo };
}

/** Builds the proxy app over a runtime. */
export function createProxyApp(runtime: GatewayRuntime): Hono<ProxyEnv> {
  const app = new Hono<ProxyEnv>();
  app.all("*", (c) => {
    const req = c.req.raw;
    const target = splitTarget(req.url);
    assertNoHiddenDotSegments(target.path);
    const host = serverNameOf(req.headers.get("host"), "").toLowerCase() || null;
    const match = runtime.routes.match(host, target.path);
    if (!match) throw new GatewayError("no_route", `no route for ${target.path}`);
    const { route, backendUri } = match;
    const bodyLength = requestBodyLength(req.headers, req.body !== null);
    const upstreamReq: UpstreamRequest = {
      method: req.method,
      headers: req.headers,
      backendUri,
      query: target.query,
      client: c.env.client,
      preserveHost: route.preserveHost,
      body: new BodySource(req.body, bodyLength),
      bodyLength,
      signal: req.signal,
      warn: runtime.warn,
    };
    const t = route.target;
    if (t instanceof Balancer) return t.send(upstreamReq, target.path);
    if (!t.enabled) {
      throw new GatewayError("unavailable", `connection "${t.name}" is disabled`, {
        retryAfter: 5,
      });
    }
    return t.send(upstreamReq);
  });
  app.onError((err) => {
    if (err instanceof GatewayError) return err.toResponse();
    runtime.warn(`proxy: unexpected error: ${err instanceof Error ? err.message : String(err)}`);
    return new GatewayError("internal", "internal gateway error").toResponse();
  });
  return app;
}
