/**
 * The console's page frame: head (stylesheets, the CSRF token in a meta tag, scripts with
 * `defer`: no inline script), skip link, navigation with the current page marked, the
 * signed-in user and the sign-out form.
 * @module
 */
import type { Child } from "hono/jsx";

/** The pages, in navigation order. */
export const PAGES = [
  { id: "overview", path: "/", label: "Overview" },
  { id: "connections", path: "/connections", label: "Connections" },
  { id: "routes", path: "/routes", label: "Routes" },
  { id: "balancers", path: "/balancers", label: "Balancers" },
  { id: "users", path: "/users", label: "Users & tokens" },
  { id: "audit", path: "/audit", label: "Audit" },
  { id: "instances", path: "/instances", label: "Instances" },
] as const;

/** A page id. */
export type PageId = typeof PAGES[number]["id"] | "connection";

/** Who is signed in, as the frame shows it. */
export interface FrameUser {
  name: string;
  superuser: boolean;
  csrf: string;
}

/** The full page around `children`. */
export function Layout(
  props: { title: string; page: PageId; user: FrameUser; children: Child; data?: string },
) {
  const current = props.page === "connection" ? "connections" : props.page;
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="csrf-token" content={props.user.csrf} />
        <title>{props.title} · ajpgate</title>
        <link rel="stylesheet" href="/console/assets/uPlot.min.css" />
        <link rel="stylesheet" href="/console/assets/console.css" />
        <script src="/console/assets/uPlot.iife.min.js" defer></script>
        <script src="/console/assets/console.js" defer></script>
      </head>
      <body data-page={props.page} data-arg={props.data ?? ""}>
        <a class="skip" href="#main">Skip to content</a>
        <header class="top">
          <a class="brand" href="/">ajpgate</a>
          <nav aria-label="Console">
            <ul>
              {PAGES.filter((p) =>
                props.user.superuser || (p.id !== "audit" && p.id !== "instances")
              ).map((p) => (
                <li>
                  <a href={p.path} aria-current={p.id === current ? "page" : undefined}>
                    {p.label}
                  </a>
                </li>
              ))}
            </ul>
          </nav>
          <form class="who" method="post" action="/sign-out">
            <span>
              {props.user.name}
              {props.user.superuser ? " (superuser)" : ""}
            </span>
            <input type="hidden" name="csrf" value={props.user.csrf} />
            <button type="submit">Sign out</button>
          </form>
        </header>
        <main id="main" tabindex={-1}>
          <h1>{props.title}</h1>
          <p id="live" class="live" role="status" aria-live="polite">Loading…</p>
          {props.children}
        </main>
      </body>
    </html>
  );
}

/** The sign-in page (no session yet). */
export function SignInPage(props: { error?: string; user?: string }) {
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>Sign in · ajpgate</title>
        <link rel="stylesheet" href="/console/assets/console.css" />
      </head>
      <body class="signin">
        <main id="main">
          <h1>ajpgate console</h1>
          <form method="post" action="/sign-in" class="card">
            {props.error ? <p class="error" role="alert" id="signin-error">{props.error}</p> : null}
            <label for="user">User (optional)</label>
            <input id="user" name="user" autocomplete="username" value={props.user ?? ""} />
            <label for="token">API token</label>
            <input
              id="token"
              name="token"
              type="password"
              autocomplete="current-password"
              required
              autofocus
            />
            <button type="submit">Sign in</button>
          </form>
        </main>
      </body>
    </html>
  );
}
