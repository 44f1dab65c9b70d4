import assert from "node:assert/strict";
import { parseEnvFile } from "./env_file.ts";

const vars = (text: string) => Object.fromEntries(parseEnvFile(text).vars);

Deno.test("parseEnvFile: KEY=VALUE lines, comments and blank lines", () => {
  const text = "# comment\n; also a comment\n\n  A=1\nB = two words  \nEMPTY=\nC=x#y\n";
  assert.deepEqual(vars(text), { A: "1", B: "two words", EMPTY: "", C: "x#y" });
});

Deno.test("parseEnvFile: quotes as systemd reads them", () => {
  assert.deepEqual(vars(`A='a "b" \\n'\nB="x \\"y\\" \\\\ \\$ \\n"\nC="  kept  "\n`), {
    A: 'a "b" \\n',
    B: 'x "y" \\ $ \\n',
    C: "  kept  ",
  });
});

Deno.test("parseEnvFile: a double-quoted value spans lines (one route per line)", () => {
  const text = 'AJPGATE_PROXY_PASS="/a ajp://h:1/a\n/b ajp://h:2/b"\nNEXT=1\n';
  assert.deepEqual(vars(text), {
    AJPGATE_PROXY_PASS: "/a ajp://h:1/a\n/b ajp://h:2/b",
    NEXT: "1",
  });
});

Deno.test("parseEnvFile: a backslash at the end of a line continues it", () => {
  assert.deepEqual(vars('A=one \\\ntwo\nB="x\\\ny"\n'), { A: "one two", B: "xy" });
});

Deno.test("parseEnvFile: CRLF line ends are not part of values", () => {
  assert.deepEqual(vars('A=1\r\nB="2"\r\n'), { A: "1", B: "2" });
});

Deno.test("parseEnvFile: the last assignment wins, with a warning", () => {
  const parsed = parseEnvFile("A=1\nA=2\n");
  assert.deepEqual(Object.fromEntries(parsed.vars), { A: "2" });
  assert.deepEqual(parsed.warnings, [
    "line 2: A is set again (first on line 1); the last one wins",
  ]);
});

Deno.test("parseEnvFile: malformed lines are problems with their line numbers", () => {
  const parsed = parseEnvFile('OK=1\nno equals sign\nexport X=1\n1BAD=2\nQ="open\n');
  assert.deepEqual(Object.fromEntries(parsed.vars), { OK: "1" });
  assert.deepEqual(parsed.problems, [
    'line 2: "no equals sign" has no "="; expected KEY=VALUE',
    'line 3: "export X" is not a variable name (letters, digits, _)',
    'line 4: "1BAD" is not a variable name (letters, digits, _)',
    "line 5: the quoted value of Q is not closed",
  ]);
});
