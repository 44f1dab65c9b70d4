import assert from "node:assert/strict";
import { checkFileArg } from "./check_file.ts";
import { LAYOUT } from "./layout.ts";

/** checkFileArg's answer and what it printed. */
function pick(...args: string[]): { file: string | null; lines: string[] } {
  const lines: string[] = [];
  return { file: checkFileArg(args, (l) => lines.push(l)), lines };
}

Deno.test("checkFileArg: FILE, --file, --env-file (both value forms), default the installed file", () => {
  assert.equal(pick("a.env").file, "a.env");
  assert.equal(pick("--file", "b.env").file, "b.env");
  assert.equal(pick("--env-file=c.env").file, "c.env");
  assert.equal(pick("--env-file", "d.env").file, "d.env");
  assert.equal(pick().file, LAYOUT.envFile);
});

Deno.test("checkFileArg: unknown flags, a missing value and two files are refused with one line", () => {
  for (
    const [args, line] of [
      [["--nope"], 'unknown option "--nope"'],
      [["--file"], 'option "--file" needs a value'],
      [["a.env", "--file", "b.env"], "check takes one file, got 2: a.env b.env"],
    ] as const
  ) {
    const { file, lines } = pick(...args);
    assert.equal(file, null, args.join(" "));
    assert.deepEqual(lines, [line]);
  }
});
