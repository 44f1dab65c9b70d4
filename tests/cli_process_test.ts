/**
 * The `ajpgate` command as a process: option errors exit 2 with one line, `start` serves
 * /healthz, and SIGTERM lets an exchange in flight (a slow Tomcat servlet) finish, then
 * exits 0.
 */
import assert from "node:assert/strict";
import { startTomcat, tomcatAvailable } from "./support/tomcat.ts";
import { startGatewayProcess } from "./support/gateway_process.ts";
import { denoRunArgs } from "../src/server/supervisor.ts";

const MAIN = new URL("../main.ts", import.meta.url).pathname;

function ajpgate(args: string[], env: Record<string, string> = {}) {
  return new Deno.Command(Deno.execPath(), {
    args: denoRunArgs(MAIN, args),
    env: { RUST_BACKTRACE: "0", NO_COLOR: "1", ...env },
    stdout: "piped",
    stderr: "piped",
  });
}

Deno.test("ajpgate --version prints the version from deno.json", async () => {
  const { version } = JSON.parse(await Deno.readTextFile(new URL("../deno.json", import.meta.url)));
  const { code, stdout } = await ajpgate(["--version"]).output();
  assert.equal(code, 0);
  assert.equal(new TextDecoder().decode(stdout).trim(), `ajpgate ${version}`);
});

Deno.test("ajpgate: unknown options and malformed values exit 2 with one line", async () => {
  for (
    const args of [
      ["start", "--nope"],
      ["start", "--listen", "8080"],
      ["start", "--proxy-pass", "/app http://h/"],
      ["start", "--proxy-pass", "/app ajp://h:1/ max=abc"],
      ["frobnicate"],
    ]
  ) {
    const { code, stderr } = await ajpgate(args).output();
    const text = new TextDecoder().decode(stderr).trim();
    assert.equal(code, 2, `${args.join(" ")}: ${text}`);
    assert.match(text.split("\n")[0], /^ajpgate: /);
    assert.doesNotMatch(text, /\bat .*\.ts:\d+/, "no stack trace");
  }
});

Deno.test({
  name: "ajpgate start: serves, and SIGTERM lets the request in flight finish, then exits 0",
  ignore: tomcatAvailable() !== null,
  async fn() {
    await using tomcat = await startTomcat({ ajp: [{ name: "main", secret: "cli-secret" }] });
    const dir = await Deno.makeTempDir();
    try {
      await using gw = await startGatewayProcess({
        db: `file:${dir}/gw.db`,
        adminToken: "cli-test-token-0123456789abcdef0123",
        args: [
          "--proxy-pass",
          `/app ajp://127.0.0.1:${tomcat.ajpPort("main")}/app secret=cli-secret`,
        ],
      });
      const health = await fetch(`http://127.0.0.1:${gw.adminPort}/healthz`);
      assert.equal(health.status, 200);
      await health.body?.cancel();
      const slow = fetch(gw.url("/app/sleep?ms=1500"));
      await new Promise((r) => setTimeout(r, 300));
      const stopped = gw.stop("SIGTERM");
      const r = await slow;
      assert.equal(r.status, 200);
      assert.equal(await r.text(), "slept");
      assert.equal((await stopped).code, 0, gw.output());
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});
