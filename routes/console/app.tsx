/**
 * The web console, served by the management listener at `/` beside the API at `/api/v1`.
 *
 * Pages are rendered here (Hono JSX) and kept live by one small script that polls the API
 * every second through `/console/api/v1/*`: that path checks the session cookie (and, for
 * a state-changing request, the CSRF token and the origin) and hands the request to the
 * API with the session's token, so the API remains the only authority and its
 * problem+json errors reach the page as they are. `/console/can` tells the page which
 * controls to show, from the API's own permission rule.
 *
 * @example
 * admin.route("/", createConsoleApp({ repos, api: (req) => apiApp.fetch(req) }));
 * @module
 */
import { Hono } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import type { Context } from "hono";
import type { Child } from "hono/jsx";
import type { Repositories } from "../../db/mod.ts";
import { ASSETS } from "./assets.ts";
import { capabilitiesOf } from "./capabilities.ts";
import { consoleHeaders } from "./headers.ts";
import { Layout, type PageId, SignInPage } from "./layout.tsx";
import {
  AuditBody,
  BalancersBody,
  ConnectionBody,
  ConnectionsBody,
  InstancesBody,
  OverviewBody,
  RoutesBody,
  UsersBody,
} from "./pages.tsx";
import { readCappedText } from "./read_capped.ts";
import { sameSecret, type Session, SESSION_COOKIE, Sessions, SignInError } from "./session.ts";

/** What the console is built over. */
export interface ConsoleDeps {
  repos: Repositories;
  /** The management API's fetch (paths under /api/v1). */
  api: (req: Request) => Promise<Response>;
  /** Session lifetime; default 8 hours. */
  sessionTtlMs?: number;
}

/** Largest sign-in or sign-out form body. */
const FORM_LIMIT = 8192;

type Env = { Variables: { session: Session } };

const PAGE_BODIES: Record<string, { id: PageId; title: string; body: () => Child }> = {
  "/": { id: "overview", title: "Overview", body: OverviewBody },
  "/connections": { id: "connections", title: "Connections", body: ConnectionsBody },
  "/routes": { id: "routes", title: "Routes", body: RoutesBody },
  "/balancers": { id: "balancers", title: "Balancers", body: BalancersBody },
  "/users": { id: "users", title: "Users & tokens", body: UsersBody },
  "/audit": { id: "audit", title: "Audit log", body: AuditBody },
  "/instances": { id: "instances", title: "Instances", body: InstancesBody },
};

/** Builds the console app; see the module doc. */
export function createConsoleApp(deps: ConsoleDeps): Hono<Env> {
  const sessions = new Sessions(deps.repos, deps.sessionTtlMs);
  const app = new Hono<Env>();
  const consolePaths = [
    "/",
    "/sign-in",
    "/sign-out",
    "/console/*",
    ...Object.keys(PAGE_BODIES),
    "/connections/*",
  ];
  for (const p of consolePaths) app.use(p, consoleHeaders());

  app.get("/console/assets/:file", (c) => {
    const asset = ASSETS.get(c.req.param("file"));
    if (asset === undefined) return c.text("no such console asset", 404);
    return c.body(asset.body, 200, {
      "content-type": asset.type,
      "cache-control": "public, max-age=3600",
    });
  });

  const secureCookie = (c: Context) => new URL(c.req.url).protocol === "https:";

  app.get("/sign-in", async (c) => {
    if (await sessions.resolve(getCookie(c, SESSION_COOKIE))) return c.redirect("/", 303);
    return c.html(<SignInPage />);
  });

  app.post("/sign-in", async (c) => {
    if (crossOrigin(c)) {
      return c.text("sign-in refused: the form was posted from another origin", 403);
    }
    const text = await readCappedText(c.req.raw, FORM_LIMIT);
    if (text === null) return c.text(`sign-in form larger than ${FORM_LIMIT} bytes`, 413);
    const form = new URLSearchParams(text);
    const user = (form.get("user") ?? "").slice(0, 200);
    try {
      const { cookie } = await sessions.signIn(form.get("token") ?? "", user);
      setCookie(c, SESSION_COOKIE, cookie, {
        path: "/",
        httpOnly: true,
        sameSite: "Strict",
        secure: secureCookie(c),
        maxAge: Math.floor(sessions.ttl / 1000),
      });
      return c.redirect("/", 303);
    } catch (err) {
      if (!(err instanceof SignInError)) throw err;
      return c.html(<SignInPage error={`Sign-in failed: ${err.message}.`} user={user} />, 401);
    }
  });

  // Everything below needs a session.
  const needSession =
    (kind: "page" | "api") => async (c: Context<Env>, next: () => Promise<void>) => {
      const session = await sessions.resolve(getCookie(c, SESSION_COOKIE));
      if (session === null) {
        if (kind === "page") return c.redirect("/sign-in", 303);
        return problem(401, "not signed in to the console, or the session ended");
      }
      c.set("session", session);
      await next();
    };
  const needCsrf = (token: string | undefined, c: Context<Env>) =>
    !crossOrigin(c) && token !== undefined && sameSecret(token, c.get("session").csrf);

  app.post("/sign-out", needSession("api"), async (c) => {
    const text = await readCappedText(c.req.raw, FORM_LIMIT);
    const csrf = text === null ? undefined : new URLSearchParams(text).get("csrf") ?? undefined;
    if (!needCsrf(csrf, c)) return problem(403, "sign-out refused: missing or wrong CSRF token");
    await sessions.signOut(c.get("session"));
    deleteCookie(c, SESSION_COOKIE, { path: "/", secure: secureCookie(c) });
    return c.redirect("/sign-in", 303);
  });

  app.get("/console/can", needSession("api"), async (c) => {
    return c.json(await capabilitiesOf(deps.repos, c.get("session").user));
  });

  app.all("/console/api/v1/*", needSession("api"), async (c) => {
    const method = c.req.method;
    const unsafe = method !== "GET" && method !== "HEAD";
    if (unsafe && !needCsrf(c.req.header("x-csrf-token"), c)) {
      return problem(403, "refused: a state-changing console request needs its CSRF token");
    }
    const url = new URL(c.req.url);
    url.pathname = url.pathname.slice("/console".length);
    const headers = new Headers({ authorization: `Bearer ${c.get("session").token}` });
    for (const name of ["content-type", "content-length", "accept"]) {
      const v = c.req.header(name);
      if (v !== undefined) headers.set(name, v);
    }
    const init: RequestInit & { duplex?: "half" } = { method, headers };
    if (unsafe && c.req.raw.body !== null) {
      init.body = c.req.raw.body;
      init.duplex = "half";
    }
    return await deps.api(new Request(url, init));
  });

  const page = (id: PageId, title: string, body: Child, data?: string) => (c: Context<Env>) => {
    const s = c.get("session");
    const user = { name: s.user.name, superuser: s.user.superuser, csrf: s.csrf };
    return c.html(
      <Layout title={title} page={id} user={user} data={data}>
        {body}
      </Layout>,
    );
  };
  for (const [path, p] of Object.entries(PAGE_BODIES)) {
    app.get(path, needSession("page"), (c) => page(p.id, p.title, p.body())(c));
  }
  app.get("/connections/:name", needSession("page"), (c) => {
    const name = c.req.param("name");
    return page("connection", `Connection ${name}`, ConnectionBody(), name)(c);
  });
  return app;
}

/** True when the request says it comes from another site (Origin or Sec-Fetch-Site). */
function crossOrigin(c: Context): boolean {
  const origin = c.req.header("origin");
  if (origin !== undefined && origin !== new URL(c.req.url).origin) return true;
  const site = c.req.header("sec-fetch-site");
  return site !== undefined && site !== "same-origin" && site !== "none";
}

function problem(status: 401 | 403, detail: string): Response {
  const title = status === 401 ? "Unauthorized" : "Forbidden";
  return new Response(JSON.stringify({ type: "about:blank", title, status, detail }), {
    status,
    headers: { "content-type": "application/problem+json" },
  });
}
