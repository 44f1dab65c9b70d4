import assert from "node:assert/strict";
import { decideRetry, type RetryFacts } from "./retry.ts";

const STALE: RetryFacts = {
  kind: "closed",
  clean: true,
  received: false,
  bodyAsked: false,
  sent: true,
  idempotent: true,
  reused: true,
  replayed: false,
  clientGone: false,
};

Deno.test("a stale pooled socket closed before any answer: replay on the same connection", () => {
  assert.equal(decideRetry(STALE), "same_connection");
  assert.equal(decideRetry({ ...STALE, replayed: true }), "other_member");
  assert.equal(decideRetry({ ...STALE, reused: false }), "other_member");
});

Deno.test("a non-idempotent request goes elsewhere only if nothing was sent", () => {
  assert.equal(decideRetry({ ...STALE, idempotent: false }), "none");
  assert.equal(decideRetry({ ...STALE, idempotent: false, sent: false }), "other_member");
});

Deno.test("no retry once the backend answered, asked for body, or half a packet came", () => {
  assert.equal(decideRetry({ ...STALE, received: true }), "none");
  assert.equal(decideRetry({ ...STALE, bodyAsked: true }), "none");
  assert.equal(decideRetry({ ...STALE, clean: false }), "none");
  assert.equal(decideRetry({ ...STALE, kind: "timeout" }), "none");
  assert.equal(decideRetry({ ...STALE, kind: "protocol" }), "none");
  assert.equal(decideRetry({ ...STALE, clientGone: true }), "none");
});

Deno.test("an unreachable backend: another member unless something was sent", () => {
  const down = { ...STALE, kind: "unavailable" as const, sent: false, reused: false };
  assert.equal(decideRetry(down), "other_member");
  assert.equal(decideRetry({ ...down, sent: true }), "none");
});
