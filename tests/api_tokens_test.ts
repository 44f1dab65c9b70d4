/**
 * Users and API tokens through the API: a token is shown once, works until revoked, and
 * `/me` tells who it belongs to.
 */
import assert from "node:assert/strict";
import { PROBLEM_JSON } from "../routes/api/problem.ts";
import { openApi } from "./support/api_app.ts";

Deno.test("tokens: create user and token, use it, revoke it", async () => {
  await using h = await openApi();
  const created = await h.call("POST", "/api/v1/users", { body: { name: "Alice" } });
  assert.equal(created.status, 201);
  assert.equal(created.headers.get("location"), "/api/v1/users/Alice");
  assert.deepEqual((await created.json()).tokens, []);

  const issued = await h.call("POST", "/api/v1/users/alice/tokens", { body: { name: "ci" } });
  assert.equal(issued.status, 201);
  const { token, id, name, user, lastUsedAt, revokedAt } = await issued.json();
  assert.match(token, /^[A-Za-z0-9_-]{43}$/, "32 random bytes, base64url");
  assert.deepEqual({ name, user, lastUsedAt, revokedAt }, {
    name: "ci",
    user: "Alice",
    lastUsedAt: null,
    revokedAt: null,
  });

  // shown once: no later answer carries it, nor does the audit log or the database
  const users = await (await h.call("GET", "/api/v1/users")).text();
  assert.ok(!users.includes(token));
  assert.ok(users.includes('"name":"ci"'), "its metadata is listed");
  assert.ok(!(await (await h.call("GET", "/api/v1/audit")).text()).includes(token));
  const rows = await h.repos.users.listTokens("alice");
  assert.ok(!JSON.stringify(rows).includes(token));

  const me = await h.call("GET", "/api/v1/me", { token });
  assert.equal(me.status, 200);
  const body = await me.json();
  assert.equal(body.name, "Alice");
  assert.equal(body.superuser, false);
  assert.ok(!JSON.stringify(body).includes(token));
  assert.notEqual(body.tokens.find((t: { id: number }) => t.id === id).lastUsedAt, null);
  assert.deepEqual(body.connections, []);

  // a plain user may not manage tokens, not even their own
  const own = await h.call("POST", "/api/v1/users/alice/tokens", { token, body: { name: "x" } });
  assert.equal(own.status, 403);

  const revoked = await h.call("DELETE", `/api/v1/users/alice/tokens/${id}`);
  assert.equal(revoked.status, 200);
  assert.notEqual((await revoked.json()).revokedAt, null);
  const after = await h.call("GET", "/api/v1/me", { token });
  assert.equal(after.status, 401);
  assert.equal(after.headers.get("content-type"), PROBLEM_JSON);
  assert.match(after.headers.get("www-authenticate") ?? "", /^Bearer .*invalid_token/);
  assert.match((await after.json()).detail, /unknown or revoked/);
});

Deno.test("tokens: /me of a superuser lists their roles on connections", async () => {
  await using h = await openApi();
  await h.call("POST", "/api/v1/connections", {
    body: { name: "c1", type: "direct", host: "h", port: 8009 },
  });
  const me = await (await h.call("GET", "/api/v1/me")).json();
  assert.equal(me.name, "root");
  assert.equal(me.superuser, true);
  assert.deepEqual(me.connections, [{ connection: "c1", role: "owner" }]);
});

Deno.test("tokens: missing, malformed and unknown tokens are 401 problems", async () => {
  await using h = await openApi();
  const cases: Record<string, string>[] = [
    {},
    { authorization: "Basic cm9vdDpyb290" },
    { authorization: "Bearer" },
    { authorization: "Bearer not-a-real-token" },
  ];
  for (const headers of cases) {
    const res = await h.app.request("/api/v1/me", { headers });
    assert.equal(res.status, 401);
    assert.equal(res.headers.get("content-type"), PROBLEM_JSON);
    assert.match(res.headers.get("www-authenticate") ?? "", /^Bearer realm="ajpgate"/);
    await res.body?.cancel();
  }
});

Deno.test("users: deleting a user ends their tokens; the last superuser stays", async () => {
  await using h = await openApi();
  const token = await h.userWithToken("bob");
  assert.equal((await h.call("GET", "/api/v1/me", { token })).status, 200);
  assert.equal((await h.call("DELETE", "/api/v1/users/BOB")).status, 204);
  assert.equal((await h.call("GET", "/api/v1/me", { token })).status, 401);
  const last = await h.call("DELETE", "/api/v1/users/root");
  assert.equal(last.status, 409);
  assert.match((await last.json()).detail, /last superuser/);
  await h.userWithToken("root2", true);
  assert.equal((await h.call("DELETE", "/api/v1/users/root")).status, 204);
});
