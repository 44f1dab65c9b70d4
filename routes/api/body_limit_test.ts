import assert from "node:assert/strict";
import { Hono } from "hono";
import { bodyLimit } from "./body_limit.ts";
import { ApiProblem } from "./problem.ts";

function app(limit: number) {
  const a = new Hono();
  a.use(bodyLimit(limit));
  a.post("/", async (c) => {
    try {
      return c.text(String((await c.req.arrayBuffer()).byteLength));
    } catch {
      return c.text("read failed", 400);
    }
  });
  a.onError((err) =>
    err instanceof ApiProblem ? err.toResponse() : new Response("?", { status: 500 })
  );
  return a;
}

const post = (a: Hono, body: BodyInit, headers: Record<string, string> = {}) =>
  a.request("/", { method: "POST", body, headers, duplex: "half" } as RequestInit);

Deno.test("bodyLimit: passes bodies up to the limit", async () => {
  const res = await post(app(10), "0123456789");
  assert.equal(await res.text(), "10");
});

Deno.test("bodyLimit: a body past the limit is a 413, whatever the handler made of it", async () => {
  const res = await post(app(10), "0123456789A");
  assert.equal(res.status, 413);
  assert.match((await res.json()).detail, /10 bytes/);
});

Deno.test("bodyLimit: a declared Content-Length past the limit is refused unread", async () => {
  let pulled = 0;
  const body = new ReadableStream<Uint8Array>({
    pull(c) {
      pulled++;
      c.enqueue(new Uint8Array(1));
    },
  });
  const res = await post(app(10), body, { "content-length": "11" });
  assert.equal(res.status, 413);
  await res.body?.cancel();
  assert.ok(pulled <= 1, `pulled ${pulled}`);
});
