import assert from "node:assert/strict";
import { Hono } from "hono";
import { PROBLEM_JSON } from "./problem.ts";
import { openApi } from "../../tests/support/api_app.ts";

Deno.test("createApiApp: mounted at / under another app, it keeps its problems and auth", async () => {
  await using h = await openApi();
  const admin = new Hono();
  admin.get("/healthz", (c) => c.json({ status: "ok" }));
  admin.route("/", h.app);
  admin.notFound((c) => c.json({ error: "not found" }, 404));
  const get = (path: string, token: string | null = h.rootToken) =>
    admin.request(path, { headers: token ? { authorization: `Bearer ${token}` } : {} });

  assert.equal((await get("/healthz", null)).status, 200);
  assert.equal((await get("/api/v1/openapi.json", null)).status, 200);
  const anon = await get("/api/v1/me", null);
  assert.equal(anon.status, 401);
  assert.equal(anon.headers.get("content-type"), PROBLEM_JSON);
  const unknown = await get("/api/v1/unknown");
  assert.equal(unknown.status, 404);
  assert.equal(unknown.headers.get("content-type"), PROBLEM_JSON);
  const missing = await get("/api/v1/connections/ghost");
  assert.equal(missing.status, 404);
  assert.equal(missing.headers.get("content-type"), PROBLEM_JSON);
  assert.equal((await get("/elsewhere")).headers.get("content-type"), "application/json");
});

Deno.test("createApiApp: an unexpected failure is a logged 500 problem", async () => {
  await using h = await openApi();
  h.live.refresh = () => Promise.reject(new Error("boom at /secret/path"));
  const res = await h.call("POST", "/api/v1/users", { body: { name: "x" } });
  assert.equal(res.status, 500);
  assert.equal(res.headers.get("content-type"), PROBLEM_JSON);
  const text = await res.text();
  assert.ok(!text.includes("boom") && !text.includes("/secret/path"), text);
  assert.equal(h.logged.length, 1);
});
