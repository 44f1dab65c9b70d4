import assert from "node:assert/strict";
import { ConfigError } from "../config/proxy_pass.ts";
import { parseFlags } from "./parse_flags.ts";

const SPEC = {
  db: { type: "string" },
  json: { type: "boolean" },
  "proxy-pass": { type: "string", multiple: true },
} as const;

Deno.test("parseFlags: both value forms, repeats, last single value wins, positionals", () => {
  const { values, positionals } = parseFlags(
    ["user", "--db", "a", "--proxy-pass=/x y", "--json", "--db=b", "--proxy-pass", "/z w", "add"],
    SPEC,
    true,
  );
  assert.deepEqual({ ...values }, { db: "b", "proxy-pass": ["/x y", "/z w"], json: true });
  assert.deepEqual(positionals, ["user", "add"]);
  assert.deepEqual({ ...parseFlags(["--db="], SPEC, false).values }, { db: "" });
});

Deno.test("parseFlags: refusals become one ConfigError line in the CLI's words", () => {
  const cases: [string[], string][] = [
    [["--nope"], 'unknown option "--nope"'],
    [["-x"], 'unknown option "-x"'],
    [["--db"], 'option "--db" needs a value'],
    [
      ["--db", "--json"],
      'option "--db" needs a value; for one that starts with "-", write --db=VALUE',
    ],
    [["--json=yes"], 'option "--json" takes no value'],
    [["stray"], 'unexpected argument "stray"'],
    [["--", "stray"], 'unexpected argument "stray"'],
  ];
  for (const [args, message] of cases) {
    assert.throws(
      () => parseFlags(args, SPEC, false),
      (err: unknown) => err instanceof ConfigError && err.message === message,
      args.join(" "),
    );
  }
  assert.throws(
    () => parseFlags(["--nope"], SPEC, true, "; see: ajpgate cli --help"),
    (err: unknown) =>
      err instanceof ConfigError &&
      err.message === 'unknown option "--nope"; see: ajpgate cli --help',
  );
});
