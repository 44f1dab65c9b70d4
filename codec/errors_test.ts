import assert from "node:assert/strict";
import { AjpEncodeError, AjpProtocolError } from "./errors.ts";

Deno.test("AjpProtocolError is a named Error", () => {
  const err = new AjpProtocolError("unknown container message code 0x11");
  assert.ok(err instanceof Error);
  assert.equal(err.name, "AjpProtocolError");
  assert.equal(err.message, "unknown container message code 0x11");
});

Deno.test("AjpEncodeError carries its reason", () => {
  const err = new AjpEncodeError("overflow", "too big");
  assert.ok(err instanceof Error);
  assert.equal(err.name, "AjpEncodeError");
  assert.equal(err.reason, "overflow");
  assert.equal(new AjpEncodeError("invalid", "bad").reason, "invalid");
});
