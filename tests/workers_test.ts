/**
 * `--workers 2`: two gateway processes share the proxy port; a SIGHUP replaces them one at
 * a time while a load loop runs and no request fails; SIGTERM stops everything with exit 0.
 */
import assert from "node:assert/strict";
import { freePort } from "./support/ports.ts";
import { startTomcat, tomcatAvailable } from "./support/tomcat.ts";
import { figure } from "./support/figures.ts";
import { denoRunArgs } from "../src/server/supervisor.ts";

const MAIN = new URL("../main.ts", import.meta.url).pathname;

async function childrenOf(pid: number): Promise<number[]> {
  const out = await new Deno.Command("ps", {
    args: ["-o", "pid=", "--ppid", String(pid)],
    stdout: "piped",
  })
    .output();
  return new TextDecoder().decode(out.stdout).split("\n").map((s) => Number(s.trim())).filter((n) =>
    n > 0
  );
}

Deno.test({
  name: "--workers 2: shared port, rolling restart on SIGHUP without failed requests",
  ignore: tomcatAvailable() !== null,
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    await using tomcat = await startTomcat({ ajp: [{ name: "ajp", secret: "workers-secret" }] });
    const [port, admin] = [await freePort(), await freePort()];
    const dir = await Deno.makeTempDir();
    const child = new Deno.Command(Deno.execPath(), {
      args: denoRunArgs(MAIN, [
        "start",
        "--workers",
        "2",
        "--listen",
        `127.0.0.1:${port}`,
        "--admin-listen",
        `127.0.0.1:${admin}`,
        "--db",
        `file:${dir}/gw.db`,
        "--log-level",
        "warn",
        "--proxy-pass",
        `/app ajp://127.0.0.1:${tomcat.ajpPort("ajp")}/app secret=workers-secret max=8`,
      ]),
      env: { AJPGATE_ADMIN_TOKEN: "workers-test-token-0123456789abcdef", RUST_BACKTRACE: "0" },
      stdout: "null",
      stderr: "piped",
    }).spawn();
    const stderr = child.stderr.pipeThrough(new TextDecoderStream()).getReader();
    let text = "";
    const waitLine = async (re: RegExp) => {
      while (!re.test(text)) {
        const { value, done } = await stderr.read();
        if (done) assert.fail(`gateway output ended: ${text}`);
        text += value;
      }
    };
    try {
      await waitLine(/2 workers running/);
      const before = await childrenOf(child.pid);
      assert.equal(before.length, 2, `workers: ${before}`);
      let ok = 0;
      const failures: string[] = [];
      let running = true;
      const loop = async () => {
        while (running) {
          try {
            const r = await fetch(`http://127.0.0.1:${port}/app/probe/w`);
            await r.arrayBuffer();
            if (r.status === 200) ok++;
            else failures.push(String(r.status));
          } catch (err) {
            failures.push(`${err}${err instanceof Error && err.cause ? ` (${err.cause})` : ""}`);
          }
        }
      };
      const loops = [loop(), loop(), loop()];
      await new Promise((r) => setTimeout(r, 300));
      child.kill("SIGHUP");
      await waitLine(/rolling restart done/);
      await new Promise((r) => setTimeout(r, 300));
      running = false;
      await Promise.all(loops);
      const after = await childrenOf(child.pid);
      figure(`rolling restart: ${ok} requests answered 200, ${failures.length} failed`);
      assert.equal(failures.length, 0, failures.slice(0, 5).join("; "));
      assert.ok(ok > 50);
      assert.equal(after.length, 2);
      assert.equal(after.filter((p) => before.includes(p)).length, 0, "both workers replaced");
    } finally {
      child.kill("SIGTERM");
      const status = await child.status;
      await stderr.cancel().catch(() => {});
      await Deno.remove(dir, { recursive: true });
      assert.equal(status.code, 0);
    }
  },
});
