import assert from "node:assert/strict";
import { openApi } from "../../tests/support/api_app.ts";
import { createConsoleApp } from "./app.tsx";
import { SESSION_COOKIE } from "./session.ts";

async function harness() {
  const h = await openApi();
  const app = createConsoleApp({
    repos: h.repos,
    api: (req) => Promise.resolve(h.app.fetch(req)),
  });
  const signIn = async (token: string) => {
    const res = await app.request("http://gw.test/sign-in", {
      method: "POST",
      headers: {
        "content-type": "application/x-www-form-urlencoded",
        origin: "http://gw.test",
      },
      body: new URLSearchParams({ token }),
    });
    assert.equal(res.status, 303);
    const set = res.headers.get("set-cookie") ?? "";
    const cookie = set.split(";")[0];
    const page = await (await app.request("http://gw.test/", { headers: { cookie } })).text();
    const csrf = /name="csrf-token" content="([0-9a-f]+)"/.exec(page)![1];
    return { cookie, csrf, set };
  };
  return Object.assign(h, { console: app, signIn });
}

Deno.test("console app: pages need a session; the cookie is HttpOnly and SameSite=Strict", async () => {
  await using h = await harness();
  const anon = await h.console.request("http://gw.test/connections");
  assert.equal(anon.status, 303);
  assert.equal(anon.headers.get("location"), "/sign-in");
  const { set, cookie } = await h.signIn(h.rootToken);
  assert.match(set, new RegExp(`^${SESSION_COOKIE}=`));
  assert.match(set, /HttpOnly/);
  assert.match(set, /SameSite=Strict/);
  assert.match(set, /Max-Age=\d+/);
  assert.doesNotMatch(set, /Secure/, "no Secure flag over plain HTTP");
  const page = await h.console.request("http://gw.test/connections", { headers: { cookie } });
  assert.equal(page.status, 200);
  assert.equal(page.headers.get("x-frame-options"), "DENY");
  assert.match(page.headers.get("content-security-policy")!, /script-src 'self'/);
  const html = await page.text();
  assert.ok(!html.includes(h.rootToken));
  assert.ok(!html.includes(cookie.split(".")[1]));
  assert.doesNotMatch(html, /<script>(?!<\/script>)/, "no inline script");
});

Deno.test("console app: the cookie is Secure over HTTPS", async () => {
  await using h = await harness();
  const res = await h.console.request("https://gw.test/sign-in", {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", origin: "https://gw.test" },
    body: new URLSearchParams({ token: h.rootToken }),
  });
  assert.match(res.headers.get("set-cookie") ?? "", /Secure/);
});

Deno.test("console app: API calls go through with the session; changes need CSRF and same origin", async () => {
  await using h = await harness();
  const { cookie, csrf } = await h.signIn(h.rootToken);
  const list = await h.console.request("http://gw.test/console/api/v1/connections", {
    headers: { cookie },
  });
  assert.equal(list.status, 200);
  const body = JSON.stringify({ name: "c1", type: "direct", host: "h", port: 8009 });
  const post = (headers: Record<string, string>) =>
    h.console.request("http://gw.test/console/api/v1/connections", {
      method: "POST",
      headers: { cookie, "content-type": "application/json", ...headers },
      body,
    });
  assert.equal((await post({})).status, 403);
  assert.equal((await post({ "x-csrf-token": "0".repeat(64) })).status, 403);
  assert.equal((await post({ "x-csrf-token": csrf, origin: "http://evil.test" })).status, 403);
  assert.equal((await post({ "x-csrf-token": csrf, "sec-fetch-site": "cross-site" })).status, 403);
  const created = await post({ "x-csrf-token": csrf, origin: "http://gw.test" });
  assert.equal(created.status, 201, await created.clone().text());
  const invalid = await h.console.request("http://gw.test/console/api/v1/routes", {
    method: "POST",
    headers: { cookie, "content-type": "application/json", "x-csrf-token": csrf },
    body: JSON.stringify({ pathPrefix: "x", connection: "c1" }),
  });
  assert.equal(invalid.status, 422);
  assert.equal(invalid.headers.get("content-type"), "application/problem+json");
  assert.ok((await invalid.json()).errors.some((e: { field: string }) => e.field === "pathPrefix"));
  const none = await h.console.request("http://gw.test/console/api/v1/connections");
  assert.equal(none.status, 401);
});

Deno.test("console app: capabilities follow the API's permission rule", async () => {
  await using h = await harness();
  const bob = await h.userWithToken("bob");
  await h.call("POST", "/api/v1/connections", {
    body: { name: "c1", type: "direct", host: "h", port: 1 },
  });
  await h.call("POST", "/api/v1/connections", {
    body: { name: "c2", type: "direct", host: "h", port: 1 },
  });
  await h.call("PUT", "/api/v1/connections/c1/permissions", {
    body: { owners: ["root"], admins: [], access: ["bob"] },
  });
  const { cookie } = await h.signIn(bob);
  const caps = await (await h.console.request("http://gw.test/console/can", {
    headers: { cookie },
  })).json();
  assert.equal(caps.superuser, false);
  assert.deepEqual(Object.keys(caps.connections), ["c1"]);
  assert.ok(caps.connections.c1.includes("connection.read"));
  assert.ok(caps.connections.c1.includes("route.create"));
  for (const a of ["connection.update", "connection.delete", "connection.permissions.read"]) {
    assert.ok(!caps.connections.c1.includes(a), a);
  }
  assert.ok(!caps.global.includes("audit.read"));
});

Deno.test("console app: sign-out needs the CSRF token and ends the session", async () => {
  await using h = await harness();
  const { cookie, csrf } = await h.signIn(h.rootToken);
  const form = (fields: Record<string, string>) => ({
    method: "POST",
    headers: { cookie, "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams(fields),
  });
  assert.equal((await h.console.request("http://gw.test/sign-out", form({}))).status, 403);
  const out = await h.console.request("http://gw.test/sign-out", form({ csrf }));
  assert.equal(out.status, 303);
  const after = await h.console.request("http://gw.test/console/api/v1/connections", {
    headers: { cookie },
  });
  assert.equal(after.status, 401);
});

Deno.test("console app: a failed sign-in says why; a huge form is refused", async () => {
  await using h = await harness();
  const bad = await h.console.request("http://gw.test/sign-in", {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ token: "wrong-token-wrong-token" }),
  });
  assert.equal(bad.status, 401);
  assert.match(await bad.text(), /unknown or revoked/);
  const huge = await h.console.request("http://gw.test/sign-in", {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: "token=" + "a".repeat(20_000),
  });
  assert.equal(huge.status, 413);
  const cross = await h.console.request("http://gw.test/sign-in", {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", origin: "http://evil.test" },
    body: new URLSearchParams({ token: h.rootToken }),
  });
  assert.equal(cross.status, 403);
});
