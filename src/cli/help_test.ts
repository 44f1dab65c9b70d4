import assert from "node:assert/strict";
import { START_OPTION_NAMES } from "./start_options.ts";
import { cliHelp, START_OPTIONS, startHelp, wantsHelp, wantsVersion } from "./help.ts";

Deno.test("start --help lists every option start accepts, with default and environment name", () => {
  assert.deepEqual(START_OPTIONS.map((o) => o.name).sort(), [...START_OPTION_NAMES].sort());
  const help = startHelp();
  for (const o of START_OPTIONS) {
    assert.match(help, new RegExp(`--${o.name} `), o.name);
    assert.ok(help.includes(`default ${o.default}; env AJPGATE_`), o.name);
  }
  assert.match(help, /example:\n {2}ajpgate start /);
});

Deno.test("the README's option table lists every option of start", async () => {
  const readme = await Deno.readTextFile(new URL("../../README.md", import.meta.url));
  const table = readme.slice(readme.indexOf("## Options of `start`"));
  for (const name of START_OPTION_NAMES) {
    assert.match(table, new RegExp(`^\\| \`--${name}[ \`]`, "m"), `--${name} missing`);
  }
});

Deno.test("cli help names each command; help and version forms are recognised", () => {
  for (const c of ["user list", "token list", "token revoke", "route list", "connection list"]) {
    assert.ok(cliHelp().includes(c), c);
  }
  assert.match(cliHelp("token"), /token revoke USER ID/);
  assert.doesNotMatch(cliHelp("token"), /user add/);
  for (const args of [["--help"], ["-h"], ["help"], ["user", "--help"]]) {
    assert.ok(wantsHelp(args), args.join(" "));
  }
  assert.ok(!wantsHelp(["user", "list"]));
  for (const v of ["--version", "-V", "version"]) assert.ok(wantsVersion(v));
  assert.ok(!wantsVersion("-v"));
});
