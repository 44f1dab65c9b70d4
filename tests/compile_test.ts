/**
 * `deno task compile` (`deploy.ts compile`) and `ajpgate --version`. deno compile needs a
 * `denort` base binary (DENORT_BIN, a cached denort zip in DENO_DIR, or a download): without
 * one the task must fail within seconds naming DENORT_BIN, and the tests that need a built
 * binary are skipped with that reason.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import denoJson from "../deno.json" with { type: "json" };
import { denortAvailable } from "../deploy/compile.ts";

const ROOT = new URL("../", import.meta.url).pathname;
const DEPLOY = join(ROOT, "deploy.ts");
const TARGET = Deno.build.target;
const FAST_MS = 20_000;
const LISTENING = /proxy listening on [^\s,]+:(\d+), management on [^\s,]+:(\d+)/;

const denort = await denortAvailable(TARGET);
const SKIP_REASON = "deno compile needs denort (set DENORT_BIN, or put " +
  `denort-${TARGET}.zip in DENO_DIR/dl/release/v${Deno.version.deno}/)`;
// the skip and its reason show in the test's name, not as a stray line among the results

/** Runs `deploy.ts compile --output DIR/ajpgate` with `env` (null: remove the variable). */
async function compileTo(dir: string, env: Record<string, string | null> = {}) {
  const childEnv: Record<string, string> = {
    ...Deno.env.toObject(),
    RUST_BACKTRACE: "0",
    NO_COLOR: "1",
  };
  for (const [name, value] of Object.entries(env)) {
    if (value === null) delete childEnv[name];
    else childEnv[name] = value;
  }
  const started = performance.now();
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", DEPLOY, "compile", "--output", join(dir, "ajpgate")],
    cwd: ROOT,
    env: childEnv,
    clearEnv: true,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder();
  return {
    code: out.code,
    stderr: text.decode(out.stderr),
    elapsedMs: performance.now() - started,
    binary: join(dir, "ajpgate"),
  };
}

async function tempDir(): Promise<AsyncDisposable & { path: string }> {
  const path = await Deno.makeTempDir({ prefix: "ajpgate-compile-test-" });
  return { path, [Symbol.asyncDispose]: () => Deno.remove(path, { recursive: true }) };
}

async function version(program: string, args: string[]): Promise<string> {
  const out = await new Deno.Command(program, {
    args: [...args, "--version"],
    env: { RUST_BACKTRACE: "0", NO_COLOR: "1" },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));
  return new TextDecoder().decode(out.stdout);
}

Deno.test("--version prints the version from deno.json", async () => {
  // with the permissions of the start task, as `deno task start --version` would run it
  const permissions = denoJson.tasks.start.split(" ").filter((w) => w.startsWith("--allow-"));
  const printed = await version(Deno.execPath(), ["run", ...permissions, join(ROOT, "main.ts")]);
  assert.equal(printed, `ajpgate ${denoJson.version}\n`);
});

Deno.test("compile: a DENORT_BIN that does not exist fails fast, naming it", async () => {
  await using tmp = await tempDir();
  const missing = join(tmp.path, "no-denort");
  const { code, stderr, elapsedMs } = await compileTo(tmp.path, { DENORT_BIN: missing });
  assert.equal(code, 1, stderr);
  assert.ok(elapsedMs < FAST_MS, `took ${elapsedMs} ms`);
  assert.match(stderr, new RegExp(`DENORT_BIN is "${missing}", which does not exist`));
  assert.deepEqual([...Deno.readDirSync(tmp.path)], []);
});

Deno.test({
  name: "compile: without denort it fails within 20 s saying how to provide DENORT_BIN" +
    (denort ? " [skipped: denort is available here]" : ""),
  ignore: denort,
  async fn() {
    await using tmp = await tempDir();
    const result = await compileTo(tmp.path, { DENORT_BIN: null });
    if (result.code === 0) {
      // the download worked after all (a network without a cached zip): the binary must run
      assert.equal(await version(result.binary, []), `ajpgate ${denoJson.version}\n`);
      return;
    }
    assert.equal(result.code, 1, result.stderr);
    assert.ok(result.elapsedMs < FAST_MS, `took ${result.elapsedMs} ms`);
    assert.match(
      result.stderr,
      new RegExp(
        `deno compile needs its denort base binary for ${TARGET}, which could not be ` +
          `downloaded; set DENORT_BIN to a denort binary of Deno ${Deno.version.deno}`,
      ),
    );
    assert.match(result.stderr, /place denort-.*\.zip under \$DENO_DIR\/dl\/release\//);
    assert.deepEqual([...Deno.readDirSync(tmp.path)], []);
  },
});

Deno.test({
  name: "compiled binary: --version, then start serves /healthz and the console, stops on SIGTERM" +
    (denort ? "" : ` [skipped: ${SKIP_REASON}]`),
  ignore: !denort,
  async fn() {
    await using tmp = await tempDir();
    const built = await compileTo(tmp.path);
    assert.equal(built.code, 0, built.stderr);
    assert.equal(await Deno.readTextFile(`${built.binary}.target`), `${TARGET}\n`);
    assert.equal(await version(built.binary, []), `ajpgate ${denoJson.version}\n`);

    // check and --help work from the binary (the package ships neither deno nor deploy.ts)
    const envFile = join(tmp.path, "gw.env");
    await Deno.writeTextFile(envFile, "AJPGATE_LISTEN=127.0.0.1:8080\n");
    for (
      const [args, expected] of [[["check", envFile], /^ok: /], [
        ["start", "--help"],
        /--tls-key/,
      ]] as const
    ) {
      const out = await new Deno.Command(built.binary, {
        args: [...args],
        stdin: "null",
        stdout: "piped",
        stderr: "piped",
      }).output();
      const text = new TextDecoder().decode(out.stdout);
      assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));
      assert.match(text, expected);
    }

    // run it from an empty directory: nothing of the source tree may be needed
    const work = join(tmp.path, "work");
    await Deno.mkdir(work);
    const child = new Deno.Command(built.binary, {
      args: ["start", "--listen", "127.0.0.1:0", "--admin-listen", "127.0.0.1:0"],
      cwd: work,
      env: {
        AJPGATE_DB: `file:${join(work, "gw.db")}`,
        AJPGATE_ADMIN_TOKEN: "a".repeat(32),
        NO_COLOR: "1",
      },
      stdin: "null",
      stdout: "null",
      stderr: "piped",
    }).spawn();
    let text = "";
    const listening = Promise.withResolvers<number>();
    const drained = (async () => {
      for await (const chunk of child.stderr.pipeThrough(new TextDecoderStream())) {
        text += chunk;
        const m = LISTENING.exec(text);
        if (m) listening.resolve(Number(m[2]));
      }
      listening.reject(new Error(`the binary exited before listening:\n${text}`));
    })();
    const timer = setTimeout(() => child.kill("SIGKILL"), 30_000);
    try {
      const adminPort = await listening.promise;
      const res = await fetch(`http://127.0.0.1:${adminPort}/healthz`);
      assert.equal(res.status, 200, await res.text());
      // the console is embedded: its page, script and chart library come from the binary
      for (
        const [path, marker] of [
          ["/sign-in", "API token"],
          ["/console/assets/console.js", "csrf-token"],
          ["/console/assets/uPlot.iife.min.js", "uPlot"],
        ]
      ) {
        const page = await fetch(`http://127.0.0.1:${adminPort}${path}`);
        const body = await page.text();
        assert.equal(page.status, 200, `${path}: ${body.slice(0, 200)}`);
        assert.ok(body.includes(marker), `${path} lacks "${marker}"`);
      }
      child.kill("SIGTERM");
      const status = await child.status;
      assert.equal(status.code, 0, text);
    } finally {
      clearTimeout(timer);
      try {
        child.kill("SIGKILL");
      } catch { /* already gone */ }
      await child.status;
      await drained;
    }
  },
});
