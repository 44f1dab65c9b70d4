import assert from "node:assert/strict";
import {
  cpuMicrosPerUnit,
  parseReapedChildTicks,
  parseStatTicks,
  parseStatTimes,
  readCpuTicks,
  readReapedChildTicks,
  readTreeCpuTicks,
} from "./cpu.ts";

// /proc/PID/stat of a deno process; utime 1234, stime 56, cutime 7, cstime 3 (fields 14-17).
const STAT = "4242 (deno) S 1 4242 4242 0 -1 4194560 52870 0 0 0 1234 56 7 3 20 0 9 0 " +
  "8803 1153449984 20164 18446744073709551615 1 1 0 0 0 0 0 16781312 1024 0 0 0 17 1 0 0 0 0 0";

Deno.test("parseStatTimes reads utime, stime, cutime and cstime from fields 14 to 17", () => {
  assert.deepEqual(parseStatTimes(STAT), { utime: 1234, stime: 56, cutime: 7, cstime: 3 });
  assert.equal(parseStatTimes("4242 (deno) S 1 2 3"), null);
});

Deno.test("parseReapedChildTicks sums only the reaped children's cutime and cstime", () => {
  assert.equal(parseReapedChildTicks(STAT), 7 + 3);
  const odd = STAT.replace("(deno)", "(a) 1 2 3 4 5 6 7 8 9 10 11 12 13 14 (b)");
  assert.equal(parseReapedChildTicks(odd), 10);
  assert.equal(parseReapedChildTicks(STAT.replace(" 7 3 ", " 7 x ")), null);
  assert.equal(parseReapedChildTicks(""), null);
});

Deno.test("parseStatTicks sums utime, stime, cutime and cstime", () => {
  assert.equal(parseStatTicks(STAT), 1234 + 56 + 7 + 3);
});

Deno.test("parseStatTicks counts fields after the last parenthesis of the command name", () => {
  const odd = STAT.replace("(deno)", "(we ird) (1) S 9)");
  assert.equal(parseStatTicks(odd), 1300);
});

Deno.test("parseStatTicks rejects a line that is not /proc/PID/stat", () => {
  assert.equal(parseStatTicks(""), null);
  assert.equal(parseStatTicks("4242 (deno) S 1 2 3"), null);
  assert.equal(parseStatTicks(STAT.replace(" 1234 ", " -1 ")), null);
});

Deno.test("cpuMicrosPerUnit turns a tick difference into microseconds per unit", () => {
  // 250 ticks at 100/s = 2.5 s over 50,000 requests.
  assert.equal(cpuMicrosPerUnit(1000, 1250, 100, 50_000), 50);
  // 300 ticks = 3 s over a 1 GiB transfer: per MiB.
  assert.equal(cpuMicrosPerUnit(0, 300, 100, 1024), 3e6 / 1024);
  assert.equal(cpuMicrosPerUnit(null, 1250, 100, 50_000), undefined);
  assert.equal(cpuMicrosPerUnit(1000, null, 100, 50_000), undefined);
  assert.equal(cpuMicrosPerUnit(1000, 1250, 100, 0), undefined);
  // A tree that lost a process meanwhile never costs less than nothing.
  assert.equal(cpuMicrosPerUnit(1250, 1000, 100, 10), 0);
});

Deno.test({
  name: "readCpuTicks and readTreeCpuTicks read this process and its children",
  ignore: Deno.build.os !== "linux",
  fn: async () => {
    const start = Date.now();
    while (Date.now() - start < 50) { /* burn a few ticks */ }
    const own = readCpuTicks(Deno.pid);
    assert.ok(own !== null && own > 0, `own ticks ${own}`);
    const child = new Deno.Command("sleep", { args: ["5"], stdout: "null" }).spawn();
    try {
      const tree = readTreeCpuTicks(Deno.pid);
      assert.ok(tree !== null && tree >= own, `tree ${tree} vs own ${own}`);
    } finally {
      child.kill();
      await child.status;
    }
    assert.equal(readCpuTicks(2 ** 30), null);
    assert.equal(readTreeCpuTicks(2 ** 30), null);
  },
});

Deno.test({
  name: "readReapedChildTicks grows by the CPU of a waited-for child and of its own children",
  ignore: Deno.build.os !== "linux",
  fn: async () => {
    const before = readReapedChildTicks();
    assert.ok(before !== null, "no /proc/self/stat");
    // About 0.3 s of CPU in sh and in the `date` processes it forks and reaps itself.
    const burn = "end=$(($(date +%s%N) + 300000000)); while [ $(date +%s%N) -lt $end ]; do :; done";
    const out = await new Deno.Command("sh", { args: ["-c", burn], stdin: "null" }).output();
    assert.ok(out.success);
    const after = readReapedChildTicks()!;
    // 0.3 s at CLK_TCK 100 is 30 ticks; allow for a slow or busy machine.
    assert.ok(after - before >= 5, `reaped child ticks went from ${before} to ${after}`);
  },
});
