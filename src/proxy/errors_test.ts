import assert from "node:assert/strict";
import { GatewayError } from "./errors.ts";

Deno.test("GatewayError.toResponse: backend detail stays out of the client's answer", async () => {
  const err = new GatewayError(
    "unavailable",
    'connection "tc": cannot connect to 127.0.0.1:18999: Connection refused',
    { retryAfter: 5 },
  );
  const res = err.toResponse("ab12-3");
  assert.equal(res.status, 503);
  assert.equal(res.headers.get("x-request-id"), "ab12-3");
  assert.equal(res.headers.get("retry-after"), "5");
  assert.equal(await res.text(), "service unavailable (request id ab12-3)\n");
  const timeout = new GatewayError("timeout", "no reply from 10.0.0.1:8009 within 60 s");
  assert.equal(
    await timeout.toResponse().text(),
    "gateway timeout: the application did not answer in time\n",
  );
});

Deno.test("GatewayError.toResponse: a refusal of the client's request keeps its reason", async () => {
  const res = new GatewayError("no_route", "no route for /nope").toResponse("x-1");
  assert.equal(res.status, 404);
  assert.equal(await res.text(), "no route for /nope (request id x-1)\n");
});
