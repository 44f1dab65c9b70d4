import assert from "node:assert/strict";
import { errorCount, parseWrkOutput, postScript } from "./wrk.ts";

// A real wrk 4.1 report, with socket errors and non-2xx responses added as wrk prints them.
const REPORT = `Running 10s test @ http://127.0.0.1:8080/app/stream?bytes=13&cl=1
  2 threads and 256 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency    43.37ms   66.83ms   1.35s    84.86%
    Req/Sec    10.62k     1.28k   14.04k    56.25%
  Latency Distribution
     50%  612.00us
     75%   57.94ms
     90%  147.26ms
     99%    1.20s
  211315 requests in 10.05s, 23.52MB read
  Socket errors: connect 0, read 12, write 3, timeout 7
  Non-2xx or 3xx responses: 5
Requests/sec:  21026.41
Transfer/sec:      2.34MB
`;

Deno.test("parseWrkOutput reads rates, percentiles with units, and errors", () => {
  const r = parseWrkOutput(REPORT);
  assert.equal(r.requests, 211315);
  assert.equal(r.requestsPerSec, 21026.41);
  assert.equal(r.bytesPerSec, 2.34 * 1024 * 1024);
  assert.ok(Math.abs(r.p50Ms - 0.612) < 1e-9);
  assert.equal(r.p99Ms, 1200);
  assert.deepEqual(r.socketErrors, { connect: 0, read: 12, write: 3, timeout: 7 });
  assert.equal(r.non2xx, 5);
  assert.equal(errorCount(r), 27);
});

Deno.test("parseWrkOutput counts no errors when wrk reports none", () => {
  const clean = REPORT.split("\n").filter((l) => !/Socket errors|Non-2xx/.test(l)).join("\n");
  const r = parseWrkOutput(clean);
  assert.equal(errorCount(r), 0);
});

Deno.test("parseWrkOutput rejects a report without results", () => {
  assert.throws(
    () => parseWrkOutput("unable to connect to 127.0.0.1:1 Connection refused\n"),
    /no Requests\/sec/,
  );
});

Deno.test("postScript sets the method and a body of the requested size", () => {
  const script = postScript(8192);
  assert.match(script, /wrk\.method = "POST"/);
  assert.match(script, /string\.rep\("x", 8192\)/);
});
