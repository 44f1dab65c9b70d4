/**
 * The proxy listener's Hono app: one catch-all handler that routes the request, checks its
 * framing and target, and runs the AJP exchange. No other middleware on this path.
 * @module
 */
import { Hono } from "hono";
import { buildForwardRequest, type ClientInfo, serverNameOf } from "../src/build_forward.ts";
import { GatewayError } from "../src/errors.ts";
import { runExchange } from "../src/exchange.ts";
import { requestBodyLength } from "../src/header_rules.ts";
import { assertNoHiddenDotSegments, splitTarget } from "../src/request_target.ts";
import type { GatewayRuntime } from "../src/runtime.ts";

/** Per-request bindings the server passes to `app.fetch`. */
export interface ProxyEnv {
  Bindings: { client: ClientInfo };
}

/** Builds the proxy app over a runtime. */
export function createProxyApp(runtime: GatewayRuntime): Hono<ProxyEnv> {
  const app = new Hono<ProxyEnv>();
  app.all("*", (c) => {
    const req = c.req.raw;
    const client = c.env.client;
    const target = splitTarget(req.url);
    assertNoHiddenDotSegments(target.path);
    const hostHeader = req.headers.get("host");
    const host = serverNameOf(hostHeader, "").toLowerCase() || null;
    const match = runtime.routes.match(host, target.path);
    if (!match) throw new GatewayError("no_route", `no route for ${target.path}`);
    const { route, backendUri } = match;
    const backend = route.backend;
    if (!backend.settings.enabled) {
      throw new GatewayError("unavailable", `connection "${backend.name}" is disabled`, {
        retryAfter: 5,
      });
    }
    const bodyLength = requestBodyLength(req.headers, req.body !== null);
    const forward = buildForwardRequest({
      method: req.method,
      headers: req.headers,
      backendUri,
      query: target.query,
      client,
      secret: backend.settings.secret,
      preserveHost: route.preserveHost,
      backendHost: backend.settings.host,
    });
    return runExchange({
      backend,
      forward,
      body: req.body,
      bodyLength,
      signal: req.signal,
      warn: runtime.warn,
    });
  });
  app.onError((err) => {
    if (err instanceof GatewayError) return err.toResponse();
    runtime.warn(`proxy: unexpected error: ${err instanceof Error ? err.message : String(err)}`);
    return new GatewayError("internal", "internal gateway error").toResponse();
  });
  return app;
}
