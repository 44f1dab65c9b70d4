import assert from "node:assert/strict";
import { openApi } from "../../tests/support/api_app.ts";
import { csrfFor, sameSecret, SESSION_TOKEN_NAME, Sessions, SignInError } from "./session.ts";

Deno.test("sessions: sign-in issues a session token; sign-out revokes it", async () => {
  await using h = await openApi();
  const sessions = new Sessions(h.repos);
  const { cookie, session } = await sessions.signIn(h.rootToken, "");
  assert.equal(session.user.name, "root");
  assert.notEqual(session.token, h.rootToken, "the session has its own token");
  assert.equal(session.csrf, await csrfFor(session.token));
  assert.ok(!session.csrf.includes(session.token));
  const tokens = await h.repos.users.listTokens("root");
  assert.ok(tokens.some((t) => t.id === session.tokenId && t.name === SESSION_TOKEN_NAME));
  assert.equal((await sessions.resolve(cookie))?.user.name, "root");
  await sessions.signOut(session);
  assert.equal(await sessions.resolve(cookie), null);
  assert.equal(await h.repos.users.authenticate(session.token), null, "revoked everywhere");
});

Deno.test("sessions: wrong user, unknown token and empty input are refused with a reason", async () => {
  await using h = await openApi();
  const bob = await h.userWithToken("bob");
  const sessions = new Sessions(h.repos);
  await assert.rejects(sessions.signIn(bob, "root"), (err: Error) => {
    assert.ok(err instanceof SignInError);
    assert.match(err.message, /does not belong to user "root"/);
    return true;
  });
  await assert.rejects(sessions.signIn("nope-nope-nope-nope", ""), /unknown or revoked/);
  await assert.rejects(sessions.signIn("  ", ""), /enter an API token/);
  assert.equal((await sessions.signIn(bob, "BOB")).session.user.name, "bob");
});

Deno.test("sessions: an expired session is refused and revoked; a plain API token is no cookie", async () => {
  await using h = await openApi();
  let now = Date.now();
  const sessions = new Sessions(h.repos, 60_000, () => now);
  const { cookie, session } = await sessions.signIn(h.rootToken, "");
  now += 61_000;
  assert.equal(await sessions.resolve(cookie), null);
  assert.equal(await h.repos.users.authenticate(session.token), null);
  // a cookie made of a normal API token (not a console session) does not open the console
  const plain = (await h.repos.users.listTokens("root")).find((t) => t.name === "test")!;
  assert.equal(await sessions.resolve(`${plain.id}.${h.rootToken}`), null);
  assert.equal(await sessions.resolve("garbage"), null);
  assert.equal(await sessions.resolve(undefined), null);
});

Deno.test("sameSecret compares whole strings", () => {
  assert.equal(sameSecret("abc", "abc"), true);
  assert.equal(sameSecret("abc", "abd"), false);
  assert.equal(sameSecret("abc", "ab"), false);
});
