import assert from "node:assert/strict";
import { Hono } from "hono";
import { jsonGuard, nestsDeeperThan } from "./json_guard.ts";
import { ApiProblem } from "./problem.ts";

const enc = new TextEncoder();

Deno.test("nestsDeeperThan counts brackets outside strings only", () => {
  assert.equal(nestsDeeperThan(enc.encode("[[[]]]"), 3), false);
  assert.equal(nestsDeeperThan(enc.encode("[[[[]]]]"), 3), true);
  assert.equal(nestsDeeperThan(enc.encode('{"a":"[[[[[[\\"[["}'), 1), false);
  assert.equal(nestsDeeperThan(enc.encode("[".repeat(500_000)), 32), true);
});

function app(options = {}, gate?: Promise<void>) {
  const a = new Hono();
  a.use(jsonGuard(options));
  a.post("/", async (c) => {
    const body = await c.req.json();
    await gate;
    return c.json(body);
  });
  a.onError((err) =>
    err instanceof ApiProblem ? err.toResponse() : new Response("?", { status: 500 })
  );
  return a;
}

Deno.test("jsonGuard: deep nesting is a 400 before parsing; normal bodies pass", async () => {
  const a = app();
  const deep = await a.request("/", { method: "POST", body: "[".repeat(500_000) });
  assert.equal(deep.status, 400);
  assert.match((await deep.json()).detail, /deeper than 32/);
  const ok = await a.request("/", { method: "POST", body: '{"a":[1,[2]]}' });
  assert.deepEqual(await ok.json(), { a: [1, [2]] });
});

Deno.test("jsonGuard: bodies beyond the concurrency and queue get 503", async () => {
  let open!: () => void;
  const gate = new Promise<void>((r) => open = r);
  const a = app({ concurrency: 1, queue: 1 }, gate);
  const post = () => a.request("/", { method: "POST", body: "[1]" });
  const first = post();
  const second = post();
  await new Promise((r) => setTimeout(r, 20));
  const third = await post();
  assert.equal(third.status, 503);
  open();
  assert.equal((await first).status, 200);
  assert.equal((await second).status, 200);
});
