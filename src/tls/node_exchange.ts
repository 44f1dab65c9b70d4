/**
 * One request on the TLS listener: the node request becomes a web `Request`, the handler
 * answers it, and the answer goes back through the node response. The request's signal
 * aborts when the client goes away before the response finished (as with `Deno.serve`);
 * a request that cannot be represented gets a 400, a handler that throws a 500.
 * @module
 */
import type { ClientInfo } from "../proxy/client_info.ts";
import { GatewayError, proxyErrorResponse } from "../proxy/errors.ts";
import type { TlsHandler } from "./front.ts";
import { type NodeServerRequest, toWebRequest } from "./node_request.ts";
import {
  type NodeServerResponse,
  type ResponseOutcome,
  watchEnd,
  writeWebResponse,
} from "./node_response.ts";
import { hostPort } from "../proxy/host_port.ts";

/** Seams of {@link serveNodeExchange}. */
export interface ExchangeHooks {
  /** Add `Connection: close` to HTTP/1.x responses (the listener drains). */
  closing(): boolean;
  /** Told about a handler that threw something other than a GatewayError. */
  warn(message: string): void;
}

/** See module doc. */
export async function serveNodeExchange(
  req: NodeServerRequest,
  res: NodeServerResponse,
  client: ClientInfo,
  handler: TlsHandler,
  hooks: ExchangeHooks,
): Promise<ResponseOutcome> {
  // Errors of a going-away client also end the exchange through 'close'; without a listener
  // node would throw them.
  req.on("error", ignore);
  res.on("error", ignore);
  const aborter = new AbortController();
  const watch = watchEnd(res);
  void watch.ended.then((outcome) => {
    if (outcome === "client_gone") {
      aborter.abort(new GatewayError("client_aborted", "client went away"));
    }
  });
  let response: Response;
  let release = () => {};
  try {
    const web = toWebRequest(req, authorityOf(client), aborter.signal);
    release = web.release;
    response = await handler(web.request, client);
  } catch (err) {
    response = proxyErrorResponse(err, hooks.warn);
  }
  try {
    if (aborter.signal.aborted) {
      await response.body?.cancel(aborter.signal.reason).catch(ignore);
      return "client_gone";
    }
    return await writeWebResponse(res, response, {
      head: req.method === "HEAD",
      close: hooks.closing(),
    }, watch);
  } finally {
    release();
  }
}

function authorityOf(client: ClientInfo): string {
  return hostPort(client.localAddr, client.localPort);
}

function ignore(): void {}
