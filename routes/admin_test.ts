import assert from "node:assert/strict";
import { adminHostCheck } from "../src/auth/admin_host.ts";
import { createAdminApp } from "./admin.ts";

Deno.test("admin app: a Host the listener does not answer to is 421 on every path", async () => {
  const app = createAdminApp({
    ready: () => true,
    metrics: () => "up 1\n",
    hostAllowed: adminHostCheck("127.0.0.1", ["admin.example"]),
  });
  app.get("/api/v1/me", (c) => c.json({ reached: true }));
  for (const path of ["/metrics", "/readyz", "/healthz", "/api/v1/me", "/api/v1/openapi.json"]) {
    const res = await app.request(`http://evil.example:9090${path}`);
    assert.equal(res.status, 421, path);
    assert.match((await res.json()).error, /does not answer to host "evil.example"/);
  }
  for (const origin of ["http://127.0.0.1:9090", "http://localhost:9090", "http://admin.example"]) {
    const res = await app.request(`${origin}/metrics`);
    assert.equal(res.status, 200, origin);
    assert.equal(await res.text(), "up 1\n");
  }
});
