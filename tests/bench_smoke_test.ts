/**
 * The comparative benchmark must not rot: `bench/compare.ts --quick` (2 s per scenario,
 * 64 MiB transfers) runs against every front, deno-serve and deno-relay included, writes a
 * complete JSON report with exact transfers and every CPU column, and leaves no process behind.
 * Skipped, with the reason in its name, when Tomcat, httpd, wrk or curl is missing (the quick
 * mode installs nothing).
 * @module
 */
import assert from "node:assert/strict";
import { tomcatAvailable } from "./support/tomcat.ts";
import { which } from "../bench/tools.ts";
import { FRONTS } from "../bench/options.ts";
import type { Report } from "../bench/report.ts";
import { TRANSFER_SCENARIOS, WRK_SCENARIOS } from "../bench/scenarios.ts";
import { TLS_SCENARIOS } from "../bench/tls_compare.ts";

function skipReason(): string | null {
  const tomcat = tomcatAvailable();
  if (tomcat) return tomcat;
  const missing = ["apache2", "wrk", "curl", "cksum"].filter((t) => which(t) === null);
  return missing.length > 0 ? `${missing.join(", ")} missing: apt-get install apache2 wrk` : null;
}

const reason = skipReason();
const COMPARE = new URL("../bench/compare.ts", import.meta.url).pathname;

Deno.test({
  name: reason ? `bench:compare --quick (skipped: ${reason})` : "bench:compare --quick",
  ignore: reason !== null,
  fn: async () => {
    const dir = await Deno.makeTempDir({ prefix: "ajpgate-bench-smoke-" });
    try {
      const out = `${dir}/latest.json`;
      const env: Record<string, string> = { ...Deno.env.toObject(), NO_COLOR: "1" };
      delete env.RUST_BACKTRACE;
      const run = await new Deno.Command(Deno.execPath(), {
        args: ["run", "-A", COMPARE, "--quick", "--out", out],
        env,
        clearEnv: true,
        stdin: "null",
      }).output();
      const stdout = new TextDecoder().decode(run.stdout);
      const stderr = new TextDecoder().decode(run.stderr);
      assert.equal(run.code, 0, `bench exited with ${run.code}:\n${stdout}\n${stderr}`);
      assert.match(stdout, /^scenario\s+front\s+req\/s/m);
      assert.match(stdout, /^ajpgate RSS: idle \d/m);
      assert.match(stdout, /^ajpgate-w2 RSS \(3 processes\): idle \d/m);
      assert.match(stdout, /transfers on a fresh gateway \(idle \d/);

      const report = JSON.parse(await Deno.readTextFile(out)) as Report;
      // the deno-relay fronts read request bodies whole and take no part in the transfers
      const transferFronts = FRONTS.filter((f) => !f.startsWith("deno-relay"));
      const expected = WRK_SCENARIOS.length * FRONTS.length +
        TRANSFER_SCENARIOS.length * transferFronts.length;
      assert.equal(report.rows.length, expected, "one row per scenario and front");
      assert.equal(report.runRows.length, 1, "--quick runs once");
      for (const row of report.rows) {
        const what = `${row.scenario} via ${row.front}`;
        assert.ok(!row.failed, `${what} failed: ${row.errorDetail}`);
        assert.ok(row.mibPerSec > 0, `${what} moved no data`);
        // Present, not necessarily positive: 64 MiB may cost Tomcat less than a 10 ms tick.
        assert.equal(row.tomcatCpuUs === undefined, row.front === "deno-serve", `${what} Tomcat`);
        assert.ok(!(row.tomcatCpuUs! < 0), `${what} has a negative Tomcat CPU`);
        assert.equal(row.frontCpuUs === undefined, row.front === "tomcat", `${what} front CPU`);
        assert.ok(row.clientCpuUs! >= 0, `${what} has the load generator's CPU`);
        if (row.kind === "wrk") {
          assert.ok(row.requestsPerSec! > 0 && row.p99Ms! >= row.p50Ms!, `${what} figures`);
        } else {
          assert.equal(row.errors, 0, `${what}: ${row.errorDetail}`);
        }
        if (row.front.startsWith("ajpgate") || row.front.startsWith("deno-relay")) {
          assert.ok(row.vsTomcat! > 0 && row.vsHttpd! > 0, `${what} has its ratios`);
        } else {
          assert.ok(row.vsTomcat === undefined && row.vsHttpd === undefined, `${what}: no ratio`);
        }
      }
      assert.deepEqual(report.gateways.map((g) => [g.name, g.processes]), [
        ["ajpgate", 1],
        ["ajpgate-w2", 3],
      ]);
      for (const gw of report.gateways) {
        const [run] = gw.runs;
        assert.ok(gw.idleRssKiB > 0 && run.wrkPeakRssKiB! >= gw.idleRssKiB, "RSS sampled");
        assert.ok(run.freshIdleRssKiB! > 0 && run.uploadPeakRssKiB! > 0, "transfers sampled");
      }

      // The TLS rows, when h2load is here: every scenario through both TLS fronts, plus the
      // plain reference, without errors, the 1 MiB ones byte-exact over HTTP/2.
      if (which("h2load") !== null) {
        assert.match(stdout, /^TLS \(h2load/m);
        const tls = report.tls ?? [];
        for (const id of TLS_SCENARIOS.map((s) => s.id)) {
          for (const front of ["httpd-tls", "deno-serve-tls", "deno-relay-tls", "ajpgate-tls"]) {
            const row = tls.find((r) => r.scenario === id && r.front === front);
            assert.ok(row, `TLS row ${id} via ${front}`);
            assert.equal(row.errors, 0, `${id} via ${front}: ${row.errorDetail}`);
            assert.ok(row.requestsPerSec > 0 && row.p99Ms >= row.p50Ms, `${id} via ${front}`);
            assert.ok(row.vsPlain! > 0, `${id} via ${front} has its ratio to plain`);
            if (id.includes("1mib")) assert.equal(row.exact, true, `${id} via ${front} exact`);
          }
        }
      }

      // Everything was stopped by pid, both gateways before and after their restart too.
      const { tomcat, reference, relays = [], httpd, gateways } = report.pids;
      assert.equal(gateways.length, 4, "two gateways, each started twice");
      assert.ok(reference !== null, "the deno-serve front ran");
      assert.equal(relays.length, 2, "both deno-relay fronts ran");
      for (const pid of [tomcat, reference, httpd, ...relays, ...gateways]) {
        if (pid === null) continue;
        const alive = await Deno.stat(`/proc/${pid}`).then(() => true, () => false);
        assert.ok(!alive, `pid ${pid} is still running after the benchmark`);
      }
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});
