/**
 * What a new user meets in the first hour, run as the user runs it (the `ajpgate` process):
 * help and version in every form, refused option combinations, SIGHUP on a plain gateway, the
 * admin token rule, and error messages that say which listener or file is wrong.
 */
import assert from "node:assert/strict";
import { startGatewayProcess } from "./support/gateway_process.ts";
import { startTomcat, tomcatAvailable } from "./support/tomcat.ts";

const ROOT = new URL("../", import.meta.url).pathname;
const ADMIN_TOKEN = "first-hour-token-0123456789abcdef0123";

/** Runs `deno run -A main.ts ARGS` (or another script) and returns its exit code and output. */
async function run(args: string[], script = "main.ts", env: Record<string, string> = {}) {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", `${ROOT}${script}`, ...args],
    cwd: ROOT,
    env: { RUST_BACKTRACE: "0", NO_COLOR: "1", ...env },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder();
  return { code: out.code, stdout: text.decode(out.stdout), stderr: text.decode(out.stderr) };
}

Deno.test("--help and -h work for ajpgate, start, cli (and its subcommands), check and deploy", async () => {
  const cases: [string[], string, RegExp][] = [
    [["--help"], "main.ts", /^usage: ajpgate COMMAND/],
    [["-h"], "main.ts", /^usage: ajpgate COMMAND/],
    [["help", "start"], "main.ts", /^usage: ajpgate start/],
    [["start", "--help"], "main.ts", /--tls-client-ca FILE[\s\S]*AJPGATE_TLS_CLIENT_CA/],
    [["start", "-h"], "main.ts", /--workers N\n.*\n +default 1; env AJPGATE_WORKERS/],
    [["cli", "--help"], "main.ts", /token revoke USER ID/],
    [["cli", "token", "--help"], "main.ts", /^usage: ajpgate cli token/],
    [["cli", "route", "list", "-h"], "main.ts", /route list/],
    [["check", "--help"], "main.ts", /^usage: ajpgate check \[FILE\]/],
    [["--help"], "deploy.ts", /deploy\.ts check \[FILE\]/],
    [["check", "--help"], "deploy.ts", /^usage: deno task deploy check \[FILE\]/],
    [["install", "-h"], "deploy.ts", /--dry-run/],
    [["compile", "--help"], "deploy.ts", /DENORT_BIN/],
  ];
  for (const [args, script, expected] of cases) {
    const { code, stdout, stderr } = await run(args, script);
    assert.equal(code, 0, `${script} ${args.join(" ")}: ${stderr}`);
    assert.match(stdout, expected, `${script} ${args.join(" ")}`);
    assert.match(stdout, /example/, `${script} ${args.join(" ")}: one example`);
  }
});

Deno.test("--version, -V and version print the version everywhere", async () => {
  const { version } = JSON.parse(await Deno.readTextFile(`${ROOT}deno.json`));
  for (
    const [args, script] of [
      [["--version"], "main.ts"],
      [["-V"], "main.ts"],
      [["version"], "main.ts"],
      [["start", "--version"], "main.ts"],
      [["cli", "-V"], "main.ts"],
      [["--version"], "deploy.ts"],
      [["install", "--version"], "deploy.ts"],
    ] as [string[], string][]
  ) {
    const { code, stdout } = await run(args, script);
    assert.equal(code, 0, args.join(" "));
    assert.equal(stdout.trim(), `ajpgate ${version}`, `${script} ${args.join(" ")}`);
  }
});

Deno.test("start refuses --workers 2 with --db :memory: in one clear line", async () => {
  const { code, stderr } = await run([
    "start",
    "--workers",
    "2",
    "--db",
    ":memory:",
    "--listen",
    "127.0.0.1:1",
    "--admin-listen",
    "127.0.0.1:2",
  ]);
  assert.equal(code, 2);
  assert.match(stderr, /^ajpgate: --workers 2 with --db ":memory:": each worker would get its own/);
  assert.equal(stderr.trim().split("\n").length, 1, stderr);
});

Deno.test({
  name: "SIGHUP on a plain gateway is logged and ignored: the response in flight completes",
  ignore: tomcatAvailable() !== null,
  async fn() {
    await using tomcat = await startTomcat({ ajp: [{ name: "main", secret: "hup-secret" }] });
    const dir = await Deno.makeTempDir();
    try {
      await using gw = await startGatewayProcess({
        db: `file:${dir}/gw.db`,
        adminToken: ADMIN_TOKEN,
        args: [
          "--log-level",
          "warn",
          "--proxy-pass",
          `/app ajp://127.0.0.1:${tomcat.ajpPort("main")}/app secret=hup-secret`,
        ],
      });
      const slow = fetch(gw.url("/app/sleep?ms=1200"));
      await new Promise((r) => setTimeout(r, 300));
      Deno.kill(gw.pid, "SIGHUP");
      const r = await slow;
      assert.equal(r.status, 200);
      assert.equal(await r.text(), "slept");
      const after = await fetch(gw.url("/app/sleep?ms=1"));
      assert.equal(after.status, 200);
      await after.body?.cancel();
      assert.match(gw.output(), /SIGHUP: nothing to reload \(no TLS configured\); still running/);
      assert.equal((await gw.stop()).code, 0);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test("ajpgate check FILE validates an environment file like deploy check", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(`${dir}/good.env`, "AJPGATE_LISTEN=127.0.0.1:8080\n");
    await Deno.writeTextFile(`${dir}/bad.env`, "AJPGATE_WORKERS=2\nAJPGATE_DB=:memory:\n");
    const good = await run(["check", `${dir}/good.env`]);
    assert.equal(good.code, 0, good.stderr);
    assert.match(good.stdout, /^ok: .*good\.env: proxy on 127\.0\.0\.1:8080/);
    const bad = await run(["check", `${dir}/bad.env`]);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /bad\.env: --workers 2 with --db ":memory:"/);
    const two = await run(["check", "a.env", "b.env"]);
    assert.equal(two.code, 2);
    assert.match(two.stderr, /check takes one file/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

/** The permission flags of the `start` task, as a user runs it. */
async function startTaskFlags(): Promise<string[]> {
  const { tasks } = JSON.parse(await Deno.readTextFile(`${ROOT}deno.json`));
  return (tasks.start as string).split(" ").filter((w) => w.startsWith("--allow-"));
}

Deno.test("AJPGATE_ADMIN_TOKEN set after the first start works (the walk-through in order)", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const db = `file:${dir}/gw.db`;
    let generated: string;
    {
      await using first = await startGatewayProcess({ db, adminToken: "" });
      const m = /created superuser "admin" with API token (\S+) \(shown once/.exec(first.output());
      assert.ok(m, first.output());
      generated = m[1];
    }
    await using gw = await startGatewayProcess({ db, adminToken: ADMIN_TOKEN });
    assert.match(gw.output(), /AJPGATE_ADMIN_TOKEN is a superuser token of "admin" \(stored\)/);
    for (const token of [ADMIN_TOKEN, generated]) {
      const me = await gw.api("GET", "/api/v1/me", undefined, token);
      const body = await me.text();
      assert.equal(me.status, 200, body);
      assert.equal(JSON.parse(body).name, "admin");
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a start that cannot bind names the listener and prints no token; the retry does", async () => {
  const dir = await Deno.makeTempDir();
  using taken = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  try {
    const db = `file:${dir}/gw.db`;
    const port = taken.addr.port;
    await assert.rejects(
      startGatewayProcess({ db, adminToken: "", args: ["--listen", `127.0.0.1:${port}`] }),
      (e: Error) => {
        assert.match(
          e.message,
          new RegExp(
            `cannot start: proxy listener \\(--listen\\) cannot bind 127\\.0\\.0\\.1:${port}: ` +
              "the address is already in use",
          ),
        );
        assert.doesNotMatch(e.message, /created superuser/);
        return true;
      },
    );
    await assert.rejects(
      startGatewayProcess({ db, adminToken: "", args: ["--admin-listen", `127.0.0.1:${port}`] }),
      /management listener \(--admin-listen\) cannot bind 127\.0\.0\.1:\d+: the address/,
    );
    await using gw = await startGatewayProcess({ db, adminToken: "" });
    const m = /created superuser "admin" with API token (\S+)/.exec(gw.output());
    assert.ok(m, gw.output());
    const me = await gw.api("GET", "/api/v1/me", undefined, m[1]);
    assert.equal(me.status, 200);
    await me.body?.cancel();
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a database path that cannot be created says why, not 'run again with --allow-all'", async () => {
  const out = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      ...(await startTaskFlags()),
      `${ROOT}main.ts`,
      "start",
      "--db",
      "file:/proc/nope/x.db",
    ],
    env: { RUST_BACKTRACE: "0", NO_COLOR: "1" },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  const stderr = new TextDecoder().decode(out.stderr);
  assert.equal(out.code, 1);
  assert.match(
    stderr,
    /cannot open database file:\/proc\/nope\/x\.db: cannot create its directory "\/proc\/nope": writing there is not allowed/,
  );
  assert.doesNotMatch(stderr, /allow-all/);
});

Deno.test("cli refuses a database that does not exist (a typo) unless --create", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const typo = await run(["cli", "user", "list", "--db", `file:${dir}/typo.db`]);
    assert.equal(typo.code, 2);
    assert.match(typo.stderr, /^ajpgate: database file:.*typo\.db does not exist .*add --create/);
    await assert.rejects(Deno.stat(`${dir}/typo.db`), Deno.errors.NotFound);
    const made = await run(["cli", "user", "add", "ops", "--db", `file:${dir}/new.db`, "--create"]);
    assert.equal(made.code, 0, made.stderr);
    const listed = await run(["cli", "user", "list", "--db", `file:${dir}/new.db`]);
    assert.match(listed.stdout, /^NAME +SUPERUSER +CREATED\nops +no /);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("deno install shows no warning about ignored build scripts", async () => {
  const dir = await Deno.makeTempDir();
  try {
    for (const f of ["deno.json", "deno.lock"]) await Deno.copyFile(`${ROOT}${f}`, `${dir}/${f}`);
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["install"],
      cwd: dir,
      env: { NO_COLOR: "1" },
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).output();
    const said = new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr);
    assert.ok(out.success, said);
    assert.doesNotMatch(said, /Ignored build scripts|Warning/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("tests print measured figures only on request, not between the results", async () => {
  const offenders: string[] = [];
  for (const dir of ["tests", "tests/support"]) {
    for await (const e of Deno.readDir(`${ROOT}${dir}`)) {
      if (!e.isFile || !e.name.endsWith(".ts") || e.name === "figures.ts") continue;
      const text = await Deno.readTextFile(`${ROOT}${dir}/${e.name}`);
      if (/console\.log\(/.test(text)) offenders.push(`${dir}/${e.name}`);
    }
  }
  assert.deepEqual(offenders, [], "use figure() from tests/support/figures.ts");
});

Deno.test({
  name: "README quick start: the connector snippet, the start, its first output and the checks",
  ignore: tomcatAvailable() !== null,
  async fn() {
    const readme = await Deno.readTextFile(`${ROOT}README.md`);
    const quick = readme.slice(readme.indexOf("## Quick start"), readme.indexOf("## Options of"));
    const connector = /<Connector [^>]*\/>/.exec(quick)?.[0] ?? "";
    const attr = (name: string) => new RegExp(`${name}="([^"]*)"`).exec(connector)?.[1];
    assert.equal(attr("protocol"), "AJP/1.3");
    assert.equal(attr("address"), "127.0.0.1");
    assert.equal(attr("secretRequired"), "true");
    const secret = attr("secret")!;
    const packetSize = Number(attr("packetSize"));
    assert.ok(secret && packetSize >= 8192, connector);
    const spec = /task start --proxy-pass "([^"]+)"/.exec(quick)![1];
    assert.match(spec, new RegExp(`ajp://127\\.0\\.0\\.1:${attr("port")}/ secret=${secret}$`));
    assert.match(quick, /all interfaces, port 8080/);

    await using tomcat = await startTomcat({ ajp: [{ name: "main", secret, packetSize }] });
    const dir = await Deno.makeTempDir();
    try {
      await using gw = await startGatewayProcess({
        db: `file:${dir}/gw.db`,
        adminToken: "",
        args: ["--proxy-pass", spec.replace(`:${attr("port")}/`, `:${tomcat.ajpPort("main")}/`)],
      });
      // the expected first output, with the token and addresses as placeholders
      const expected = /```text\n([\s\S]*?)```/.exec(quick)![1].trim().split("\n");
      const said = gw.output().trim().split("\n");
      assert.equal(said.length, expected.length, gw.output());
      expected.forEach((line, i) => {
        const pattern = line.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")
          .replace(/token \S+ /, "token \\S+ ")
          .replaceAll(/\d+\\\.\d+\\\.\d+\\\.\d+:\d+/g, "[0-9.]+:\\d+");
        assert.match(said[i], new RegExp(`^${pattern}$`));
      });
      const root = await fetch(gw.url("/"));
      await root.body?.cancel();
      assert.ok(root.status < 500, `Tomcat's own answer, got ${root.status}`);
      const ready = await fetch(`http://127.0.0.1:${gw.adminPort}/readyz`);
      const shown = /readyz +# (\{.*\})/.exec(quick)![1];
      assert.deepEqual(await ready.json(), JSON.parse(shown));
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});

const npx = await new Deno.Command("npx", { args: ["--version"], stdout: "null", stderr: "null" })
  .output().then((o) => o.success, () => false);

Deno.test({
  name: "deploy check FILE works through the npm launcher (npx deno task deploy check FILE)" +
    (npx ? "" : " [skipped: npx is not installed]"),
  ignore: !npx,
  async fn() {
    const dir = await Deno.makeTempDir();
    try {
      const file = `${dir}/ajpgate.env`;
      await Deno.writeTextFile(file, "AJPGATE_LISTEN=127.0.0.1:8080\n");
      const out = await new Deno.Command("npx", {
        args: ["-y", `deno@${Deno.version.deno}`, "task", "deploy", "check", file],
        cwd: ROOT,
        env: { NO_COLOR: "1", RUST_BACKTRACE: "0" },
        stdin: "null",
        stdout: "piped",
        stderr: "piped",
      }).output();
      const stderr = new TextDecoder().decode(out.stderr);
      assert.equal(out.code, 0, stderr);
      assert.match(
        new TextDecoder().decode(out.stdout),
        /^ok: .*ajpgate\.env: proxy on 127\.0\.0\.1:8080/,
      );
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});
