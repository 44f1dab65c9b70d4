import assert from "node:assert/strict";
import { parseVmRssKiB, readRssKiB, RssSampler } from "./rss.ts";

Deno.test("parseVmRssKiB reads the VmRSS line of /proc/PID/status", () => {
  const status = "Name:\tdeno\nVmPeak:\t  900000 kB\nVmRSS:\t   81234 kB\nRssAnon:\t 60000 kB\n";
  assert.equal(parseVmRssKiB(status), 81234);
  assert.equal(parseVmRssKiB("Name:\tkthreadd\n"), null);
});

Deno.test({
  name: "readRssKiB and RssSampler measure this process",
  ignore: Deno.build.os !== "linux",
  fn: async () => {
    const own = readRssKiB(Deno.pid);
    assert.ok(own !== null && own > 1000, `own RSS ${own} KiB`);
    assert.equal(readRssKiB(2 ** 30), null);
    using sampler = new RssSampler(Deno.pid, 10);
    await new Promise((r) => setTimeout(r, 50));
    const window = sampler.mark();
    assert.ok(window.samples >= 2, `${window.samples} samples`);
    assert.ok(window.peakKiB >= window.lastKiB && window.lastKiB > 0);
    assert.ok(sampler.overallPeakKiB >= window.peakKiB);
  },
});
