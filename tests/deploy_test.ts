/**
 * `deploy.ts` as a process: `install --dry-run` shows every step and the hardened unit and
 * changes nothing; `install --prefix` writes the tree with the right modes, never replaces
 * the environment file and leaves users and systemd alone; `check` accepts good files and
 * rejects bad ones with exit 2; `package` needs a binary and packs four files.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { LAYOUT } from "../deploy/layout.ts";
import { renderEnvTemplate } from "../deploy/env_template.ts";
import { renderUnit } from "../deploy/unit.ts";
import denoJson from "../deno.json" with { type: "json" };

const DEPLOY = new URL("../deploy.ts", import.meta.url).pathname;

/** Every directive the issue asks of the unit, as written in it. */
const UNIT_DIRECTIVES = [
  "User=ajpgate",
  "Group=ajpgate",
  `EnvironmentFile=${LAYOUT.envFile}`,
  `ExecStart=${LAYOUT.binary} start`,
  `WorkingDirectory=${LAYOUT.stateDir}`,
  "StateDirectory=ajpgate",
  "NoNewPrivileges=yes",
  "ProtectSystem=strict",
  "ProtectHome=yes",
  "PrivateTmp=yes",
  `ReadWritePaths=${LAYOUT.stateDir}`,
  "Restart=on-failure",
  "RestartSec=2",
  "KillSignal=SIGTERM",
  "TimeoutStopSec=15",
  "AmbientCapabilities=CAP_NET_BIND_SERVICE",
  "LimitNOFILE=65536",
];

async function deploy(args: string[], cwd?: string) {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", DEPLOY, ...args],
    cwd,
    env: { RUST_BACKTRACE: "0", NO_COLOR: "1" },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder();
  return { code: out.code, stdout: text.decode(out.stdout), stderr: text.decode(out.stderr) };
}

async function tempDir(): Promise<AsyncDisposable & { path: string }> {
  const path = await Deno.makeTempDir({ prefix: "ajpgate-deploy-test-" });
  return { path, [Symbol.asyncDispose]: () => Deno.remove(path, { recursive: true }) };
}

async function listTree(dir: string): Promise<string[]> {
  const found: string[] = [];
  for await (const entry of Deno.readDir(dir)) {
    found.push(entry.name);
    if (entry.isDirectory) {
      found.push(...(await listTree(join(dir, entry.name))).map((n) => `${entry.name}/${n}`));
    }
  }
  return found.sort();
}

const mode = async (path: string) => ((await Deno.stat(path)).mode ?? 0) & 0o777;
const exists = (path: string) => Deno.lstat(path).then(() => true, () => false);

Deno.test("install --dry-run: prints every step and the hardened unit, changes nothing", async () => {
  await using tmp = await tempDir();
  const before = await Promise.all(Object.values(LAYOUT).map(exists));
  const missing = join(tmp.path, "no-such-binary");
  for (const args of [["--dry-run"], ["--dry-run", "--prefix", tmp.path]]) {
    const { code, stdout, stderr } = await deploy(["install", ...args, "--binary", missing]);
    assert.equal(code, 0, stderr);
    assert.match(stdout, /^dry run: these steps would run; nothing is changed$/m);
    assert.match(stdout, /is not built yet: run deno task compile/);
    for (const directive of UNIT_DIRECTIVES) {
      assert.match(stdout, new RegExp(`^${directive}$`, "m"), `${args.join(" ")}: ${directive}`);
    }
    const steps = stdout.match(/^\[\d+\/\d+\] .*/gm) ?? [];
    // 8 steps, or 10 where systemd runs (daemon-reload, enable, restart instead of a skip)
    assert.ok([8, 10].includes(steps.length), steps.join("\n"));
    for (const what of ["user ajpgate", "/var/lib/ajpgate", "ajpgate.env", "ajpgate.service"]) {
      assert.ok(steps.some((s) => s.includes(what)), `no step mentions ${what}`);
    }
  }
  assert.deepEqual(await listTree(tmp.path), []);
  assert.deepEqual(await Promise.all(Object.values(LAYOUT).map(exists)), before);
});

Deno.test("install --prefix: files only, with their modes, and the env file is never replaced", async () => {
  await using tmp = await tempDir();
  const prefix = join(tmp.path, "root");
  const binary = join(tmp.path, "ajpgate-stub");
  await Deno.writeTextFile(binary, "#!/bin/sh\necho stub 1\n");

  const first = await deploy(["install", "--prefix", prefix, "--binary", binary]);
  assert.equal(first.code, 0, first.stderr);
  assert.match(first.stdout, /skip creating the system user ajpgate \(--prefix: files only\)/);
  assert.match(first.stdout, /skip systemctl .*\(--prefix: files only\)/);
  assert.deepEqual(await listTree(prefix), [
    "etc",
    "etc/ajpgate",
    "etc/ajpgate/ajpgate.env",
    "etc/systemd",
    "etc/systemd/system",
    "etc/systemd/system/ajpgate.service",
    "usr",
    "usr/local",
    "usr/local/bin",
    "usr/local/bin/ajpgate",
    "var",
    "var/lib",
    "var/lib/ajpgate",
  ]);
  const at = (path: string) => join(prefix, path);
  assert.equal(await mode(at(LAYOUT.stateDir)), 0o750);
  assert.equal(await mode(at(LAYOUT.envFile)), 0o640);
  assert.equal(await mode(at(LAYOUT.binary)), 0o755);
  assert.equal(await mode(at(LAYOUT.unitFile)), 0o644);
  assert.equal(await Deno.readTextFile(at(LAYOUT.envFile)), renderEnvTemplate());
  assert.equal(await Deno.readTextFile(at(LAYOUT.unitFile)), renderUnit());
  assert.equal(await Deno.readTextFile(at(LAYOUT.binary)), await Deno.readTextFile(binary));

  // a second install (an upgrade) replaces the binary but keeps the edited settings
  const edited = "AJPGATE_LISTEN=127.0.0.1:8081\n";
  await Deno.writeTextFile(at(LAYOUT.envFile), edited);
  await Deno.writeTextFile(binary, "#!/bin/sh\necho stub 2\n");
  const second = await deploy(["install", "--prefix", prefix, "--binary", binary]);
  assert.equal(second.code, 0, second.stderr);
  assert.match(second.stdout, /keep the existing .*ajpgate\.env \(never overwritten\)/);
  assert.equal(await Deno.readTextFile(at(LAYOUT.envFile)), edited);
  assert.match(await Deno.readTextFile(at(LAYOUT.binary)), /stub 2/);
});

Deno.test("install: without a binary it fails before changing anything", async () => {
  await using tmp = await tempDir();
  const { code, stderr } = await deploy([
    "install",
    "--prefix",
    tmp.path,
    "--binary",
    join(tmp.path, "missing"),
  ]);
  assert.equal(code, 1);
  assert.match(stderr, /no binary at .*missing: run deno task compile first/);
  assert.deepEqual(await listTree(tmp.path), []);
});

Deno.test("install: a broken env file stops it before systemctl", async () => {
  await using tmp = await tempDir();
  const binary = join(tmp.path, "stub");
  await Deno.writeTextFile(binary, "");
  const envFile = join(tmp.path, "root", LAYOUT.envFile);
  await Deno.mkdir(join(envFile, ".."), { recursive: true });
  await Deno.writeTextFile(envFile, "AJPGATE_LISTEN=nowhere\n");
  const { code, stdout, stderr } = await deploy([
    "install",
    "--prefix",
    join(tmp.path, "root"),
    "--binary",
    binary,
  ]);
  assert.equal(code, 1, stdout);
  assert.match(stderr, /has problems; fix them and install again:\n {2}--listen "nowhere"/);
  assert.doesNotMatch(stdout, /skip systemctl/);
});

Deno.test("check: a good file and the template pass with a summary", async () => {
  await using tmp = await tempDir();
  const good = join(tmp.path, "good.env");
  await Deno.writeTextFile(
    good,
    [
      "# routes for the test",
      "AJPGATE_LISTEN=127.0.0.1:8080",
      'AJPGATE_ADMIN_LISTEN="[::1]:9090"',
      `AJPGATE_DB=file:${LAYOUT.stateDir}/gw.db`,
      'AJPGATE_PROXY_PASS="/app ajp://127.0.0.1:8009/app secret=s3cret',
      '/docs ajp://tomcat:8010/docs"',
      "AJPGATE_ADMIN_TOKEN=" + "t".repeat(32),
      "AJPGATE_SECRET_KEY=" + btoa(String.fromCharCode(...new Uint8Array(32).fill(7))),
      "",
    ].join("\n"),
  );
  const { code, stdout, stderr } = await deploy(["check", "--env-file", good]);
  assert.equal(code, 0, stderr);
  assert.equal(stderr, "");
  assert.match(stdout, /^ok: .*good\.env: proxy on 127\.0\.0\.1:8080, management on \[::1\]:9090/);
  assert.match(stdout, /2 routes/);
  assert.match(stdout, /^ {2}route \/app -> ajp:\/\/127\.0\.0\.1:8009\/app/m);
  assert.match(stdout, /^ {2}route \/docs -> ajp:\/\/tomcat:8010\/docs/m);

  const template = join(tmp.path, "ajpgate.env");
  await Deno.writeTextFile(template, renderEnvTemplate());
  const fromTemplate = await deploy(["check", "--env-file", template]);
  assert.equal(fromTemplate.code, 0, fromTemplate.stderr);
  assert.equal(fromTemplate.stderr, "");
  assert.match(fromTemplate.stdout, /^ok: .*0 routes/);
});

Deno.test("check: each bad setting is one line and the exit code is 2", async () => {
  await using tmp = await tempDir();
  const cases: [string, RegExp][] = [
    ["AJPGATE_LISTEN=localhost", /--listen "localhost": expected HOST:PORT/],
    ["AJPGATE_ADMIN_LISTEN=1.2.3.4:70000", /--admin-listen "1\.2\.3\.4:70000"/],
    ['AJPGATE_PROXY_PASS="/app http://tomcat/app"', /only ajp:\/\/ URLs are supported/],
    ['AJPGATE_PROXY_PASS="/a ajp://h:1/ max=x"', /max=x/],
    ["AJPGATE_ADMIN_TOKEN=short", /AJPGATE_ADMIN_TOKEN has 5 characters; use at least 32/],
    ["AJPGATE_SECRET_KEY=c2hvcnQ=", /AJPGATE_SECRET_KEY must be 32 bytes in base64/],
    [
      "AJPGATE_DB=postgres://db/x",
      /AJPGATE_DB: database URL "postgres:\/\/db\/x" is not supported/,
    ],
    ["AJPGATE_DB=libsql://db.internal", /AJPGATE_SECRET_KEY must be set for a remote database/],
    ["LISTEN 8080", /line 1: "LISTEN 8080" has no "="/],
  ];
  for (const [line, expected] of cases) {
    const file = join(tmp.path, "bad.env");
    await Deno.writeTextFile(file, `${line}\n`);
    const { code, stdout, stderr } = await deploy(["check", "--env-file", file]);
    assert.equal(code, 2, `${line}: ${stdout}${stderr}`);
    assert.equal(stdout, "");
    const lines = stderr.trimEnd().split("\n");
    assert.equal(lines.length, 1, `${line}: ${stderr}`);
    assert.match(lines[0], expected);
  }

  // several mistakes: each on its own line
  const file = join(tmp.path, "bad.env");
  await Deno.writeTextFile(
    file,
    'AJPGATE_LISTEN=x\nAJPGATE_PROXY_PASS="app ajp://h:1/\n/b ajp://h:1/ max=0"\nAJPGATE_ADMIN_TOKEN=1\n',
  );
  const many = await deploy(["check", "--env-file", file]);
  assert.equal(many.code, 2);
  assert.equal(many.stderr.trimEnd().split("\n").length, 4, many.stderr);
});

Deno.test("check: the file may be given as an argument or --file (launchers take --env-file)", async () => {
  await using tmp = await tempDir();
  const file = join(tmp.path, "plain.env");
  await Deno.writeTextFile(file, "AJPGATE_LISTEN=127.0.0.1:8080\n");
  for (const args of [["check", file], ["check", "--file", file], [`check`, `--file=${file}`]]) {
    const { code, stdout, stderr } = await deploy(args);
    assert.equal(code, 0, `${args.join(" ")}: ${stderr}`);
    assert.match(stdout, /^ok: .*plain\.env: proxy on 127\.0\.0\.1:8080/);
  }
});

Deno.test("check: a missing file exits 2", async () => {
  await using tmp = await tempDir();
  const { code, stderr } = await deploy(["check", "--env-file", join(tmp.path, "none.env")]);
  assert.equal(code, 2);
  assert.match(stderr, /none\.env: cannot read/);
});

Deno.test("package: needs a binary; with one, packs binary, unit, env template, INSTALL", async () => {
  await using tmp = await tempDir();
  const missing = await deploy([
    "package",
    "--binary",
    join(tmp.path, "ajpgate"),
    "--out-dir",
    tmp.path,
  ]);
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /no binary at .*ajpgate: run deno task compile first/);

  const binary = join(tmp.path, "ajpgate");
  await Deno.writeTextFile(binary, "#!/bin/sh\n");
  const target = "x86_64-unknown-linux-gnu";
  const made = await deploy([
    "package",
    "--binary",
    binary,
    "--target",
    target,
    "--out-dir",
    join(tmp.path, "out"),
  ]);
  assert.equal(made.code, 0, made.stderr);
  const name = `ajpgate-${denoJson.version}-${target}`;
  const archive = join(tmp.path, "out", `${name}.tar.gz`);
  assert.match(made.stdout, new RegExp(`wrote .*${name}\\.tar\\.gz`));
  const listing = await new Deno.Command("tar", { args: ["tzvf", archive] }).output();
  assert.ok(listing.success);
  const rows = new TextDecoder().decode(listing.stdout).trim().split("\n");
  const files = rows.map((r) => r.split(/\s+/).at(-1)).sort();
  assert.deepEqual(files, [
    `${name}/`,
    `${name}/INSTALL`,
    `${name}/ajpgate`,
    `${name}/ajpgate.env`,
    `${name}/ajpgate.service`,
  ]);
  assert.ok(rows.some((r) => r.startsWith("-rwxr-xr-x 0/0") && r.endsWith(`${name}/ajpgate`)));

  const unpacked = join(tmp.path, "unpacked");
  await Deno.mkdir(unpacked);
  const untar = await new Deno.Command("tar", { args: ["xzf", archive, "-C", unpacked] }).output();
  assert.ok(untar.success);
  assert.equal(await Deno.readTextFile(join(unpacked, name, "ajpgate.service")), renderUnit());
  assert.equal(await Deno.readTextFile(join(unpacked, name, "ajpgate.env")), renderEnvTemplate());
  const doc = await Deno.readTextFile(join(unpacked, name, "INSTALL"));
  assert.match(doc, new RegExp(`tar xzf ${name}\\.tar\\.gz`));
  assert.match(doc, /systemctl daemon-reload/);
});

Deno.test("package: refuses a target without systemd", async () => {
  await using tmp = await tempDir();
  const binary = join(tmp.path, "ajpgate");
  await Deno.writeTextFile(binary, "");
  const { code, stderr } = await deploy([
    "package",
    "--binary",
    binary,
    "--target",
    "aarch64-apple-darwin",
    "--out-dir",
    tmp.path,
  ]);
  assert.equal(code, 1);
  assert.match(stderr, /for systemd on Linux; target aarch64-apple-darwin is not/);
});

Deno.test("deploy.ts: unknown commands and options exit 2 with the usage", async () => {
  for (const args of [[], ["frobnicate"], ["install", "--nope"], ["check", "a.env", "b.env"]]) {
    const { code, stderr } = await deploy(args);
    assert.equal(code, 2, args.join(" "));
    assert.match(stderr, /usage: deno run -A deploy\.ts compile/);
  }
});

const systemdAnalyze = await new Deno.Command("systemd-analyze", { args: ["--version"] })
  .output().then((o) => o.success, () => false);

Deno.test({
  name: "unit: systemd-analyze verify accepts it" +
    (systemdAnalyze ? "" : " [skipped: systemd-analyze is not installed]"),
  ignore: !systemdAnalyze,
  async fn() {
    await using tmp = await tempDir();
    // verify insists that ExecStart= names an existing executable
    const stub = join(tmp.path, "ajpgate");
    await Deno.writeTextFile(stub, "#!/bin/sh\n", { mode: 0o755 });
    const unit = join(tmp.path, "ajpgate.service");
    await Deno.writeTextFile(unit, renderUnit({ ...LAYOUT, binary: stub }));
    const out = await new Deno.Command("systemd-analyze", { args: ["verify", unit] }).output();
    const said = new TextDecoder().decode(out.stderr);
    assert.ok(out.success, said);
    assert.equal(said.trim(), "");
  },
});
