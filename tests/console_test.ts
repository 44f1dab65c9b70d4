/**
 * The web console in a real Chromium against a real Tomcat: sign-in, live connection state
 * through a Tomcat stop and start, disable/enable seen by the proxy, a route created from
 * the form, the API's validation messages by field, an access-only user's view, the audit
 * page, CSRF and cookie checks, sign-out; and a screenshot of every page at 1280 and 390 px
 * in tests/screenshots/.
 */
import { figure } from "./support/figures.ts";
import assert from "node:assert/strict";
import type { BrowserContext, Page } from "playwright-core";
import { chromiumAvailable, launchChromium, SCREENSHOT_DIR } from "./support/browser.ts";
import { startTestGateway, TEST_ADMIN_TOKEN, type TestGateway } from "./support/gateway.ts";
import { startTomcat, tomcatAvailable } from "./support/tomcat.ts";
import { waitFor } from "./support/wait.ts";

const skip = chromiumAvailable() ?? tomcatAvailable();
if (skip) console.warn(`console browser tests skipped: ${skip}`);

const SECRET = "console-secret";

async function signIn(ctx: BrowserContext, gw: TestGateway, token: string, user = "") {
  const page = await ctx.newPage();
  page.setDefaultTimeout(10_000);
  await page.goto(gw.adminUrl("/"));
  assert.equal(new URL(page.url()).pathname, "/sign-in", "an unsigned visit goes to sign-in");
  if (user) await page.fill("#user", user);
  await page.fill("#token", token);
  await Promise.all([page.waitForURL(gw.adminUrl("/")), page.click('button[type="submit"]')]);
  await page.waitForSelector("h1:has-text('Overview')");
  return page;
}

async function cookieHeader(ctx: BrowserContext): Promise<string> {
  return (await ctx.cookies()).map((c) => `${c.name}=${c.value}`).join("; ");
}

async function proxied(gw: TestGateway, path: string): Promise<number> {
  const res = await fetch(gw.url(path));
  await res.body?.cancel();
  return res.status;
}

async function shoot(page: Page, name: string) {
  await Deno.mkdir(SCREENSHOT_DIR, { recursive: true });
  for (const width of [1280, 390]) {
    await page.setViewportSize({ width, height: 900 });
    await page.waitForTimeout(1300); // one poll at the new width (charts resize)
    await page.screenshot({ path: `${SCREENSHOT_DIR}${name}-${width}.png`, fullPage: true });
  }
  await page.setViewportSize({ width: 1280, height: 900 });
}

Deno.test({
  name: "console: a superuser and an access-only user run the gateway from Chromium",
  ignore: skip !== null,
  sanitizeOps: false,
  sanitizeResources: false,
  async fn(t) {
    await using tomcat = await startTomcat({ ajp: [{ name: "main", secret: SECRET }] });
    await using gw = await startTestGateway([
      `/cli ajp://127.0.0.1:${tomcat.ajpPort("main")}/app secret=${SECRET} name=from-cli`,
    ]);
    await using browser = await launchChromium();
    const ok = async (res: Promise<Response>, status = 201) => {
      const r = await res;
      assert.equal(r.status, status, await r.clone().text());
      return await r.json();
    };
    const direct = {
      type: "direct",
      host: "127.0.0.1",
      port: tomcat.ajpPort("main"),
      secret: SECRET,
    };
    await ok(gw.api("POST", "/api/v1/connections", { name: "tc", ...direct }));
    await ok(gw.api("POST", "/api/v1/connections", { name: "tc2", ...direct }));
    await ok(gw.api("POST", "/api/v1/routes", {
      pathPrefix: "/shop",
      connection: "tc",
      backendPath: "/app",
    }));
    await ok(gw.api("POST", "/api/v1/balancers", {
      name: "lb",
      members: [{ connection: "tc", route: "a" }, { connection: "tc2", route: "b", loadFactor: 2 }],
    }));
    await ok(gw.api("POST", "/api/v1/routes", {
      pathPrefix: "/lb",
      balancer: "lb",
      backendPath: "/app",
    }));
    await ok(gw.api("POST", "/api/v1/users", { name: "bob" }));
    const bobToken = (await ok(gw.api("POST", "/api/v1/users/bob/tokens", { name: "t" }))).token;
    await ok(
      gw.api("PUT", "/api/v1/connections/tc/permissions", {
        owners: ["admin"],
        admins: [],
        access: ["bob"],
      }),
      200,
    );
    for (let i = 0; i < 30; i++) {
      assert.equal(await proxied(gw, `/shop/probe/${i}`), 200);
      assert.equal(await proxied(gw, `/lb/probe/${i}`), 200);
    }

    const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const consoleErrors: string[] = [];
    let page!: Page;

    await t.step("sign in: HttpOnly SameSite=Strict cookie, no token in the page", async () => {
      page = await signIn(ctx, gw, TEST_ADMIN_TOKEN);
      page.on("console", (m) => {
        // 4xx answers the steps provoke (the 422 of the validation step) are logged too
        if (m.type() === "error" && !m.text().startsWith("Failed to load resource")) {
          consoleErrors.push(m.text());
        }
      });
      const [cookie] = await ctx.cookies();
      assert.equal(cookie.name, "ajpgate_session");
      assert.equal(cookie.httpOnly, true);
      assert.equal(cookie.sameSite, "Strict");
      assert.ok(cookie.expires > Date.now() / 1000, "the session cookie expires");
      const html = await page.content();
      assert.ok(!html.includes(TEST_ADMIN_TOKEN), "no API token in the page");
      assert.ok(!html.includes(cookie.value.split(".")[1]), "no session token in the page");
      assert.ok(!page.url().includes(TEST_ADMIN_TOKEN));
      const res = await fetch(gw.adminUrl("/"), { headers: { cookie: await cookieHeader(ctx) } });
      await res.body?.cancel();
      assert.match(res.headers.get("content-security-policy") ?? "", /script-src 'self'/);
      assert.doesNotMatch(res.headers.get("content-security-policy") ?? "", /unsafe-inline/);
      assert.equal(res.headers.get("x-frame-options"), "DENY");
      await page.waitForSelector('[data-charts="routes"] .uplot');
      await shoot(page, "overview");
    });

    await t.step(
      "connection state: error with its text within 2 s of a stop, then recovers",
      async () => {
        await page.goto(gw.adminUrl("/connections/tc"));
        await page.waitForSelector("#state .state-connected");
        await page.evaluate(() => (globalThis as unknown as { marker: number }).marker = 42);
        await tomcat.kill();
        assert.equal(await proxied(gw, "/shop/probe/down"), 503);
        const stopped = performance.now();
        await page.waitForSelector("#state .state-error", { timeout: 2000 });
        const shownMs = performance.now() - stopped;
        const text = await page.textContent("#state-error");
        assert.match(text ?? "", /refused/i);
        assert.match(text ?? "", new RegExp(`127\\.0\\.0\\.1:${tomcat.ajpPort("main")}`));
        figure(`console: error shown ${Math.round(shownMs)} ms after the failed request`);
        await page.goto(gw.adminUrl("/"));
        await page.waitForSelector(".problems li:has-text('tc')");
        assert.match(await page.textContent(".problems") ?? "", /refused/i);
        await page.goto(gw.adminUrl("/connections/tc"));
        await page.evaluate(() => (globalThis as unknown as { marker: number }).marker = 43);
        await tomcat.restart();
        await page.waitForSelector("#state .state-connected", { timeout: 10_000 });
        assert.equal(
          await page.evaluate(() => (globalThis as unknown as { marker: number }).marker),
          43,
          "no reload happened",
        );
      },
    );

    await t.step("Test action shows the CPONG time", async () => {
      await page.click("#action-test");
      await page.waitForSelector("#action-result:has-text('CPONG')");
      assert.match(
        await page.textContent("#action-result") ?? "",
        /CPONG from 127\.0\.0\.1:\d+ in [\d.]+ ms/,
      );
      await shoot(page, "connection");
    });

    await t.step("disable from the console: 503; enable: 200", async () => {
      await page.click("#action-disable");
      const confirm = await page.textContent("#confirm-text");
      assert.match(confirm ?? "", /\/shop/, "the confirmation names the route that breaks");
      assert.match(confirm ?? "", /lb/, "and the balancer");
      await page.click("#confirm-ok");
      await page.waitForSelector("#state .state-disabled");
      assert.equal(await proxied(gw, "/shop/probe/off"), 503);
      await page.click("#action-enable");
      await page.waitForSelector("#state .state-connected, #state .state-idle");
      await waitFor(
        "route /shop to answer 200 again",
        async () => (await proxied(gw, "/shop/probe/on")) === 200 ? true : undefined,
        { timeoutMs: 5000 },
      );
    });

    await t.step("a change made through the API shows up by itself within 2 s", async () => {
      await page.evaluate(() => (globalThis as unknown as { marker: number }).marker = 44);
      const off = await gw.api("POST", "/api/v1/connections/tc/disable");
      assert.equal(off.status, 200);
      await off.body?.cancel();
      await page.waitForSelector("#state .state-disabled", { timeout: 2000 });
      await page.waitForSelector("#action-enable", { timeout: 2000 });
      const on = await gw.api("POST", "/api/v1/connections/tc/enable");
      assert.equal(on.status, 200);
      await on.body?.cancel();
      await page.waitForSelector("#action-disable", { timeout: 2000 });
      assert.equal(
        await page.evaluate(() => (globalThis as unknown as { marker: number }).marker),
        44,
        "no reload happened",
      );
    });

    await t.step("keyboard: Escape cancels a confirmation and nothing changes", async () => {
      await page.focus("#action-delete");
      await page.keyboard.press("Enter");
      await page.waitForSelector("#confirm[open]");
      assert.match(await page.textContent("#confirm-text") ?? "", /\/shop/);
      await page.keyboard.press("Escape");
      await page.waitForSelector("#confirm:not([open])", { state: "attached" });
      const still = await gw.api("GET", "/api/v1/connections/tc");
      assert.equal(still.status, 200);
      await still.body?.cancel();
    });

    await t.step(
      "create a route from the form; a validation error shows by the field",
      async () => {
        await page.goto(gw.adminUrl("/routes"));
        await page.waitForSelector('#route-list [data-prefix="/shop"]');
        const cli = await page.textContent('#route-list [data-prefix="/cli"]');
        assert.match(cli ?? "", /command line \(read-only\)/);
        assert.equal(await page.$('#route-list [data-prefix="/cli"] button'), null);
        await page.fill('[name="pathPrefix"]', "no-slash");
        await page.selectOption("#f-target", "connection:tc");
        await page.click("#route-submit");
        await page.waitForSelector('[data-error-for="pathPrefix"]:not(:empty)');
        const shown = await page.textContent('[data-error-for="pathPrefix"]');
        const fromApi = await (await gw.api("POST", "/api/v1/routes", {
          pathPrefix: "no-slash",
          connection: "tc",
        })).json();
        const apiMessage = fromApi.errors.find((e: { field: string }) => e.field === "pathPrefix");
        assert.equal(shown, apiMessage.message, "the field shows the API's own message");
        assert.equal(await page.getAttribute('[name="pathPrefix"]', "aria-invalid"), "true");

        await page.fill('[name="pathPrefix"]', "/made");
        await page.fill('[name="backendPath"]', "/app");
        await page.click("#route-submit");
        await page.waitForSelector('#route-list [data-prefix="/made"]');
        assert.equal(await proxied(gw, "/made/probe/1"), 200);
        await shoot(page, "routes");
      },
    );

    await t.step("balancers: members, status switch in place, traffic share chart", async () => {
      await page.goto(gw.adminUrl("/balancers"));
      await page.waitForSelector("#balancer-lb .uplot");
      await page.selectOption("#status-lb-1", "draining");
      await page.waitForSelector("#balancer-lb .result:has-text('draining')");
      const lb = await (await gw.api("GET", "/api/v1/balancers/lb")).json();
      assert.equal(lb.members[1].status, "draining");
      await shoot(page, "balancers");
    });

    await t.step("an access-only user sees no edit, delete or permission controls", async () => {
      const bobCtx = await browser.newContext({ viewport: { width: 1280, height: 900 } });
      const bob = await signIn(bobCtx, gw, bobToken, "bob");
      await bob.goto(gw.adminUrl("/connections/tc"));
      await bob.waitForSelector("#action-test");
      for (const id of ["#action-reset", "#action-disable", "#action-delete"]) {
        assert.equal(await bob.$(id), null, `${id} is not shown to an access-only user`);
      }
      assert.equal(await bob.isHidden("#permissions"), true);
      assert.equal(await bob.isDisabled('[name="host"]'), true);
      assert.equal(await bob.isHidden('#connection-settings button[type="submit"]'), true);
      await bob.goto(gw.adminUrl("/connections"));
      await bob.waitForSelector('[data-connection="tc"]');
      assert.equal(await bob.$('[data-connection="tc2"]'), null, "only connections with a role");
      assert.equal(await bob.$('nav a[href="/audit"]'), null);
      // the API refuses anyway, through the console and directly
      const csrfToken = await bob.getAttribute('meta[name="csrf-token"]', "content");
      const statuses = await bob.evaluate(async (csrf) => {
        const call = async (method: string, path: string, body?: unknown) =>
          (await fetch(`/console/api/v1${path}`, {
            method,
            headers: { "x-csrf-token": csrf, "content-type": "application/json" },
            body: body === undefined ? undefined : JSON.stringify(body),
          })).status;
        return [
          await call("PATCH", "/connections/tc", { host: "elsewhere" }),
          await call("DELETE", "/connections/tc"),
          await call("POST", "/connections/tc/disable"),
          await call("PUT", "/connections/tc/permissions", {
            owners: ["bob"],
            admins: [],
            access: [],
          }),
        ];
      }, csrfToken ?? "");
      assert.deepEqual(statuses, [403, 403, 403, 403]);
      const directly = await gw.api("DELETE", "/api/v1/connections/tc", undefined, bobToken);
      assert.equal(directly.status, 403);
      await directly.body?.cancel();
      await bob.goto(gw.adminUrl("/users"));
      await bob.waitForSelector("#me-h");
      await shoot(bob, "users-access-only");
      await bobCtx.close();
    });

    await t.step("audit lists the changes just made, filters and pages", async () => {
      await page.goto(gw.adminUrl("/audit"));
      await page.waitForSelector("#audit-list td:has-text('route.create')");
      const text = await page.textContent("#audit-list") ?? "";
      assert.match(text, /connection\.disable/, "disable is listed");
      assert.match(text, /connection\.enable/, "enable is listed");
      await page.fill('[name="action"]', "route.create");
      await waitFor("the audit filter to apply", async () => {
        const actions = await page.$$eval(
          '#audit-list td[data-label="Action"]',
          (tds) => tds.map((td) => td.textContent),
        );
        return actions.length > 0 && actions.every((a) => a === "route.create") ? true : undefined;
      }, { timeoutMs: 5000 });
      await page.fill('[name="action"]', "");
      await shoot(page, "audit");
    });

    await t.step("screenshots of the remaining pages", async () => {
      for (
        const [path, name] of [["/connections", "connections"], ["/users", "users"], [
          "/instances",
          "instances",
        ]]
      ) {
        await page.goto(gw.adminUrl(path));
        await page.waitForSelector("#live:has-text('Live')");
        await shoot(page, name);
      }
    });

    await t.step("a CSRF attempt and a request without the cookie are refused", async () => {
      const cookie = await cookieHeader(ctx);
      const noToken = await fetch(gw.adminUrl("/console/api/v1/connections/tc/disable"), {
        method: "POST",
        headers: { cookie },
      });
      assert.equal(noToken.status, 403);
      assert.match((await noToken.json()).detail, /CSRF/);
      // a form on another origin posting to the console: the browser sends no cookie
      // (SameSite=Strict), and the console would refuse the origin anyway
      const evil = Deno.serve(
        { hostname: "127.0.0.1", port: 0, onListen: () => {} },
        () =>
          new Response(
            `<form id="f" method="post" action="${
              gw.adminUrl("/console/api/v1/connections/tc/disable")
            }"></form><script>document.getElementById("f").submit()</script>`,
            { headers: { "content-type": "text/html" } },
          ),
      );
      try {
        const attacked = await ctx.newPage();
        const answered = attacked.waitForResponse((r) => r.url().includes("/disable"));
        await attacked.goto(`http://127.0.0.1:${evil.addr.port}/`);
        const res = await answered;
        assert.ok([401, 403].includes(res.status()), `cross-site form got ${res.status()}`);
        await attacked.close();
      } finally {
        await evil.shutdown();
      }
      const withOrigin = await fetch(gw.adminUrl("/console/api/v1/connections/tc/disable"), {
        method: "POST",
        headers: { cookie, origin: "http://evil.example", "x-csrf-token": "x" },
      });
      assert.equal(withOrigin.status, 403);
      await withOrigin.body?.cancel();
      const tc = await (await gw.api("GET", "/api/v1/connections/tc")).json();
      assert.equal(tc.enabled, true, "no attempt disabled the connection");
      const bare = await fetch(gw.adminUrl("/console/api/v1/connections"));
      assert.equal(bare.status, 401);
      await bare.body?.cancel();
      const pageNoCookie = await fetch(gw.adminUrl("/connections"), { redirect: "manual" });
      assert.equal(pageNoCookie.status, 303);
      assert.equal(pageNoCookie.headers.get("location"), "/sign-in");
      await pageNoCookie.body?.cancel();
    });

    await t.step("sign-out ends the session: the old cookie no longer works", async () => {
      const cookie = await cookieHeader(ctx);
      await page.goto(gw.adminUrl("/"));
      await Promise.all([page.waitForURL(gw.adminUrl("/sign-in")), page.click(".who button")]);
      await shoot(page, "sign-in");
      const res = await fetch(gw.adminUrl("/console/api/v1/connections"), { headers: { cookie } });
      assert.equal(res.status, 401);
      await res.body?.cancel();
      assert.deepEqual(consoleErrors, [], "no script or CSP errors in the browser console");
    });
    await ctx.close();
  },
});
