import assert from "node:assert/strict";
import { compileArgs, type CompileOptions, denortMissingMessage } from "./compile.ts";

const OPTIONS: CompileOptions = {
  root: "/src/ajpgate",
  output: "/src/ajpgate/dist/ajpgate",
  target: Deno.build.target,
  startTask: "deno run --allow-net --allow-read=. --allow-ffi --unstable-net main.ts start",
  unstable: ["no-legacy-abort"],
  version: "1.2.3",
};

Deno.test("compileArgs: the start task's permissions and deno.json's unstable features", () => {
  assert.deepEqual(compileArgs(OPTIONS), [
    "compile",
    "--output",
    "/src/ajpgate/dist/ajpgate",
    "--target",
    Deno.build.target,
    "--allow-net",
    "--allow-read=.",
    "--allow-ffi",
    "--unstable-net",
    "--unstable-no-legacy-abort",
    "/src/ajpgate/main.ts",
  ]);
});

Deno.test("compileArgs: no flag twice", () => {
  const args = compileArgs({ ...OPTIONS, unstable: ["net", "no-legacy-abort"] });
  assert.deepEqual(args.filter((a) => a === "--unstable-net"), ["--unstable-net"]);
});

Deno.test("compileArgs: another target takes npm packages resolved for it", () => {
  const other = Deno.build.target === "aarch64-unknown-linux-gnu"
    ? "x86_64-unknown-linux-gnu"
    : "aarch64-unknown-linux-gnu";
  const args = compileArgs({ ...OPTIONS, target: other });
  assert.ok(args.includes("--node-modules-dir=none"));
  assert.ok(!compileArgs(OPTIONS).some((a) => a.startsWith("--node-modules-dir")));
});

Deno.test("denortMissingMessage: says what is missing and how to provide it", () => {
  const v = Deno.version.deno;
  assert.equal(
    denortMissingMessage("x86_64-unknown-linux-gnu", "/cache/deno"),
    "deno compile needs its denort base binary for x86_64-unknown-linux-gnu, which could not " +
      `be downloaded; set DENORT_BIN to a denort binary of Deno ${v} for this target (or place ` +
      `denort-x86_64-unknown-linux-gnu.zip under $DENO_DIR/dl/release/v${v}/, here ` +
      `/cache/deno/dl/release/v${v}/)`,
  );
});
