/**
 * The probe's findings against the API, one test each: a user with a connection of their
 * own shadowing someone else's route, a user with `access` taking over a route, a secret
 * read back by pointing its connection elsewhere, internal addresses as backends, and
 * tokens their owner cannot revoke.
 */
import assert from "node:assert/strict";
import { openApi } from "./support/api_app.ts";

/** root's connection "root-conn" (secret set) with route /private; bob with "bob-conn". */
async function probe() {
  const h = await openApi();
  const bob = await h.userWithToken("bob");
  const carol = await h.userWithToken("carol");
  await h.repos.connections.create(
    { name: "root-conn", type: "direct", host: "a", port: 8009, secret: "s3cret" },
    "root",
  );
  const priv = await h.repos.routes.create(
    { pathPrefix: "/private", connection: "root-conn" },
    "root",
  );
  const created = await h.call("POST", "/api/v1/connections", {
    token: bob,
    body: { name: "bob-conn", type: "direct", host: "b", port: 8009 },
  });
  assert.equal(created.status, 201);
  await created.body?.cancel();
  return Object.assign(h, { bob, carol, priv });
}

const detail = async (res: Response) => (await res.json()).detail as string;

Deno.test("finding 1: a route of one's own cannot take another route's requests", async () => {
  await using h = await probe();
  const host = await h.call("POST", "/api/v1/routes", {
    token: h.bob,
    body: { host: "127.0.0.1", pathPrefix: "/legacy", connection: "bob-conn" },
  });
  assert.equal(host.status, 403);
  assert.match(await detail(host), /route cli-1 .*from the command line.*only a superuser/);
  const longer = await h.call("POST", "/api/v1/routes", {
    token: h.bob,
    body: { pathPrefix: "/private/info", connection: "bob-conn" },
  });
  assert.equal(longer.status, 403);
  assert.match(await detail(longer), new RegExp(`would take requests from route ${h.priv.id}`));
  const own = await h.call("POST", "/api/v1/routes", {
    token: h.bob,
    body: { pathPrefix: "/bob", connection: "bob-conn" },
  });
  assert.equal(own.status, 201, "a prefix nobody serves is free");
  const under = await h.call("POST", "/api/v1/routes", {
    token: h.bob,
    body: { pathPrefix: "/bob/more", connection: "bob-conn" },
  });
  assert.equal(under.status, 201, "shadowing one's own route is allowed");
  assert.deepEqual(
    (await (await h.call("GET", `/api/v1/routes/${(await own.json()).id}/permissions`, {
      token: h.bob,
    })).json()).owners,
    ["bob"],
    "the creator owns the route",
  );
});

Deno.test("finding 2: access on the target is not a role on the route", async () => {
  await using h = await probe();
  await h.repos.connections.setPermissions("root-conn", [
    { user: "root", role: "owner" },
    { user: "carol", role: "access" },
  ], "root");
  await h.call("POST", "/api/v1/connections", {
    token: h.carol,
    body: { name: "carol-conn", type: "direct", host: "b", port: 8010 },
  });
  const move = await h.call("PATCH", `/api/v1/routes/${h.priv.id}`, {
    token: h.carol,
    body: { connection: "carol-conn" },
  });
  assert.equal(move.status, 403);
  assert.match(await detail(move), new RegExp(`may not change route ${h.priv.id}`));
  const del = await h.call("DELETE", `/api/v1/routes/${h.priv.id}`, { token: h.carol });
  assert.equal(del.status, 403);
  assert.equal((await h.repos.routes.get(h.priv.id)).connection, "root-conn");
});

Deno.test("finding 3: pointing a connection elsewhere drops its secret", async () => {
  await using h = await probe();
  await h.repos.connections.setPermissions("root-conn", [
    { user: "root", role: "owner" },
    { user: "carol", role: "admin" },
  ], "root");
  const res = await h.call("PATCH", "/api/v1/connections/root-conn", {
    token: h.carol,
    body: { port: 9009 },
  });
  assert.equal(res.status, 200);
  const view = await res.json();
  assert.deepEqual(view.cleared, ["secret"]);
  assert.equal(view.secretSet, false);
  assert.equal(view.restricted, true);
  assert.deepEqual(await h.repos.connections.getSecrets("root-conn"), {
    secret: null,
    password: null,
  });
  // a change that keeps the backend keeps nothing from being cleared
  const same = await h.call("PATCH", "/api/v1/connections/root-conn", {
    token: h.carol,
    body: { description: "x", secret: "carols" },
  });
  assert.equal((await same.json()).cleared, undefined);
  // the owner (here a superuser) moving it keeps the secret
  const owner = await h.call("PATCH", "/api/v1/connections/root-conn", { body: { port: 8009 } });
  const ownerView = await owner.json();
  assert.equal(ownerView.secretSet, true);
  assert.equal(ownerView.restricted, false, "a superuser vouched for the backend");
  assert.equal((await h.repos.connections.getSecrets("root-conn")).secret, "carols");
});

Deno.test("finding 3: a proxy connection's password stays with its backend", async () => {
  await using h = await probe();
  await h.repos.connections.create({
    name: "px",
    type: "proxy",
    host: "a",
    protocol: "https",
    proxyPort: 443,
    username: "u",
    password: "pw",
  }, "root");
  await h.repos.connections.setPermissions("px", [{ user: "carol", role: "admin" }], "root");
  const res = await h.call("PATCH", "/api/v1/connections/px", {
    token: h.carol,
    body: { host: "tomcat" },
  });
  assert.equal(res.status, 200);
  assert.deepEqual((await res.json()).cleared, ["password"]);
  assert.equal((await h.repos.connections.getSecrets("px")).password, null);
});

Deno.test("finding 4: only a superuser names internal backends", async () => {
  await using h = await probe();
  for (const host of ["127.0.0.1", "localhost", "rebind.example", "::1", "169.254.169.254"]) {
    const res = await h.call("POST", "/api/v1/connections", {
      token: h.bob,
      body: { name: "ssrf", type: "proxy", host, protocol: "http", proxyPort: 9090 },
    });
    assert.equal(res.status, 403, host);
    assert.match(await detail(res), /may not point connection "ssrf" at .*only a superuser may/);
  }
  const patch = await h.call("PATCH", "/api/v1/connections/bob-conn", {
    token: h.bob,
    body: { host: "127.0.0.1" },
  });
  assert.equal(patch.status, 403);
  assert.equal((await h.repos.connections.get("bob-conn")).host, "b");
  const bobs = await h.call("GET", "/api/v1/connections/bob-conn", { token: h.bob });
  assert.equal((await bobs.json()).restricted, true, "set by a non-superuser: checked on connect");
  const root = await h.call("POST", "/api/v1/connections", {
    body: { name: "local", type: "direct", host: "127.0.0.1", port: 8009 },
  });
  assert.equal(root.status, 201);
  assert.equal((await root.json()).restricted, false);
});

Deno.test("tokens: a user lists and revokes their own, not another's", async () => {
  await using h = await probe();
  const mine = await h.call("GET", "/api/v1/me/tokens", { token: h.bob });
  const [token] = await mine.json();
  assert.equal(token.user, "bob");
  const carols = (await h.repos.users.listTokens("carol"))[0];
  const other = await h.call("DELETE", `/api/v1/me/tokens/${carols.id}`, { token: h.bob });
  assert.equal(other.status, 404);
  const viaUsers = await h.call("DELETE", `/api/v1/users/carol/tokens/${carols.id}`, {
    token: h.bob,
  });
  assert.equal(viaUsers.status, 403);
  const revoked = await h.call("DELETE", `/api/v1/me/tokens/${token.id}`, { token: h.bob });
  assert.equal(revoked.status, 200);
  assert.notEqual((await revoked.json()).revokedAt, null);
  const after = await h.call("GET", "/api/v1/me", { token: h.bob });
  assert.equal(after.status, 401, "revoked at once");
});
