import assert from "node:assert/strict";
import { GatewayMemoryWatch } from "./memory_watch.ts";

Deno.test({
  name: "GatewayMemoryWatch cuts windows per gateway and phases across them, following a pid",
  ignore: Deno.build.os !== "linux",
  fn: async () => {
    const self = { process: { pid: Deno.pid } };
    // A "gateway" whose process is replaced: first none (pid 2^30), then this process.
    const replaced = { process: { pid: 2 ** 30 } };
    using watch = new GatewayMemoryWatch([self, replaced], 10);
    await new Promise((r) => setTimeout(r, 40));
    const window = watch.mark(self);
    assert.ok(window !== undefined && window > 1000, `window peak ${window} KiB`);
    assert.equal(watch.mark(replaced), 0, "no process, no sample");
    assert.equal(watch.mark(null), undefined);
    replaced.process = { pid: Deno.pid };
    await new Promise((r) => setTimeout(r, 40));
    const phase = watch.endPhase();
    assert.ok(phase.get(self)! >= window, "the phase covers its windows");
    assert.ok(phase.get(replaced)! > 1000, "the new pid is sampled");
    assert.ok(watch.endPhase().get(self)! > 1000, "a new phase begins with the current RSS");
  },
});
