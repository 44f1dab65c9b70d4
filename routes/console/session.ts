/**
 * Console sessions. Signing in with an API token (optionally with the user's name) issues a
 * new API token named {@link SESSION_TOKEN_NAME} for that user; the browser keeps it only in
 * an HttpOnly, SameSite=Strict cookie (Secure over TLS), so no token appears in a URL or a
 * page. Because the session is a stored token, it holds across workers and instances, and
 * signing out revokes it everywhere. A session expires `ttlMs` after it was created; an
 * expired one is revoked when next seen.
 *
 * The CSRF token is the SHA-256 of the session token under a fixed label: the page carries
 * it, every state-changing request sends it back, and it reveals nothing about the session.
 * @module
 */
import type { Repositories, User } from "../../db/mod.ts";

/** The cookie holding `<token id>.<token>`. */
export const SESSION_COOKIE = "ajpgate_session";
/** The name of the API tokens that are console sessions. */
export const SESSION_TOKEN_NAME = "console session";
/** Default session lifetime: 8 hours. */
export const DEFAULT_SESSION_TTL_MS = 8 * 60 * 60 * 1000;

/** A signed-in browser. */
export interface Session {
  user: User;
  /** The session's API token, used to call the API on the user's behalf. */
  token: string;
  tokenId: number;
  csrf: string;
  expiresAt: number;
}

/** Why signing in failed, said to the user as is. */
export class SignInError extends Error {
  override name = "SignInError";
}

/** Sessions over the users repository. */
export class Sessions {
  constructor(
    private readonly repos: Repositories,
    private readonly ttlMs = DEFAULT_SESSION_TTL_MS,
    private readonly now: () => number = Date.now,
  ) {}

  /** Checks the token (and the user's name when given) and opens a session; returns its cookie value. */
  async signIn(token: string, userName: string): Promise<{ cookie: string; session: Session }> {
    const trimmed = token.trim();
    if (trimmed === "") throw new SignInError("enter an API token");
    if (trimmed.length > 512) throw new SignInError("that is not an API token (too long)");
    const user = await this.repos.users.authenticate(trimmed);
    if (user === null) throw new SignInError("the token is unknown or revoked");
    if (userName.trim() !== "" && userName.trim().toLowerCase() !== user.name.toLowerCase()) {
      throw new SignInError(`the token does not belong to user "${userName.trim()}"`);
    }
    const { token: sessionToken, info } = await this.repos.users.createToken(
      user.name,
      SESSION_TOKEN_NAME,
      user.name,
    );
    const session: Session = {
      user,
      token: sessionToken,
      tokenId: info.id,
      csrf: await csrfFor(sessionToken),
      expiresAt: Date.parse(info.createdAt) + this.ttlMs,
    };
    return { cookie: `${info.id}.${sessionToken}`, session };
  }

  /** The live session a cookie value stands for, or null (unknown, revoked, expired, malformed). */
  async resolve(cookie: string | undefined): Promise<Session | null> {
    if (cookie === undefined || cookie.length > 600) return null;
    const m = /^(\d{1,15})\.([A-Za-z0-9_-]{16,512})$/.exec(cookie);
    if (m === null) return null;
    const [, id, token] = m;
    const user = await this.repos.users.authenticate(token);
    if (user === null) return null;
    const info = (await this.repos.users.listTokens(user.name)).find((t) => t.id === Number(id));
    if (info === undefined || info.name !== SESSION_TOKEN_NAME || info.revokedAt !== null) {
      return null;
    }
    const expiresAt = Date.parse(info.createdAt) + this.ttlMs;
    if (!(expiresAt > this.now())) {
      await this.repos.users.revokeToken(user.name, info.id, user.name).catch(() => {});
      return null;
    }
    return { user, token, tokenId: info.id, csrf: await csrfFor(token), expiresAt };
  }

  /** Ends the session everywhere (its token is revoked). */
  async signOut(session: Session): Promise<void> {
    await this.repos.users.revokeToken(session.user.name, session.tokenId, session.user.name);
  }

  /** Lifetime of new sessions in ms. */
  get ttl(): number {
    return this.ttlMs;
  }
}

/** The CSRF token of a session token. */
export async function csrfFor(sessionToken: string): Promise<string> {
  const data = new TextEncoder().encode(`ajpgate console csrf\n${sessionToken}`);
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", data));
  return [...digest].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/** Compares two strings in time independent of where they differ. */
export function sameSecret(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}
