import assert from "node:assert/strict";
import {
  addRatios,
  type GatewayMemory,
  gatewaySummary,
  renderTable,
  type Report,
  type ResultRow,
} from "./report.ts";

function wrkRow(front: ResultRow["front"], rps: number, extra: Partial<ResultRow> = {}): ResultRow {
  return {
    scenario: "get-13b-c32",
    label: "GET 13 B, 32 conns",
    front,
    kind: "wrk",
    requestsPerSec: rps,
    mibPerSec: rps * 13 / 2 ** 20,
    p50Ms: 1.5,
    p99Ms: 1234,
    errors: 0,
    ...extra,
  };
}

function gateway(runs: GatewayMemory["runs"], extra: Partial<GatewayMemory> = {}): GatewayMemory {
  return {
    name: "ajpgate",
    fronts: ["ajpgate", "ajpgate-64k"],
    workers: 1,
    processes: 1,
    argv: [],
    idleRssKiB: 81920,
    runs,
    ...extra,
  };
}

const ONE_RUN = {
  wrkPeakRssKiB: 204800,
  freshIdleRssKiB: 80896,
  uploadPeakRssKiB: 102400,
  downloadPeakRssKiB: 112640,
  finalRssKiB: 92160,
};

function report(rows: ResultRow[], gateways: GatewayMemory[] = [gateway([ONE_RUN])]): Report {
  return {
    version: 2,
    startedAt: "",
    finishedAt: "",
    machine: { cpus: 2, memoryMiB: 1, kernel: "", deno: "", clockTicksPerSec: 100 },
    options: {},
    fronts: [],
    rows,
    runRows: [rows],
    gateways,
    pids: { tomcat: 1, reference: null, httpd: null, gateways: [] },
    notes: ["2 cores shared"],
  };
}

Deno.test("addRatios compares each gateway and relay front with httpd of its packet size", () => {
  const rows = [
    wrkRow("tomcat", 20000),
    wrkRow("httpd", 10000),
    wrkRow("httpd-64k", 8000),
    wrkRow("ajpgate", 15000),
    wrkRow("ajpgate-64k", 16000),
    wrkRow("ajpgate-w2", 12000),
    wrkRow("ajpgate-w2-64k", 4000),
    wrkRow("deno-relay", 25000),
    wrkRow("deno-relay-64k", 4000),
  ];
  addRatios(rows);
  assert.equal(rows[7].vsHttpd, 2.5);
  assert.equal(rows[8].vsHttpd, 0.5);
  assert.equal(rows[3].vsHttpd, 1.5);
  assert.equal(rows[3].vsTomcat, 0.75);
  assert.equal(rows[4].vsHttpd, 2);
  assert.equal(rows[4].vsTomcat, 0.8);
  assert.equal(rows[5].vsHttpd, 1.2);
  assert.equal(rows[5].vsTomcat, 0.6);
  assert.equal(rows[6].vsHttpd, 0.5);
  assert.equal(rows[6].vsTomcat, 0.2);
  assert.equal(rows[0].vsHttpd, undefined);
});

Deno.test("addRatios leaves a ratio out when its peer was not measured", () => {
  const rows = [wrkRow("tomcat", 20000), wrkRow("ajpgate", 15000)];
  addRatios(rows);
  assert.equal(rows[1].vsHttpd, undefined);
  assert.equal(rows[1].vsTomcat, 0.75);
});

Deno.test("renderTable aligns one line per row and ends with failures, memory and notes", () => {
  const rows = [
    wrkRow("tomcat", 20000, { tomcatCpuUs: 41.25, clientCpuUs: 30 }),
    wrkRow("deno-serve", 40000, { frontCpuUs: 20.5, clientCpuUs: 18.25 }),
    wrkRow("ajpgate", 15000, {
      errors: 3,
      errorDetail: "3 read errors",
      gatewayPeakRssKiB: 204800,
      frontCpuUs: 62.5,
      tomcatCpuUs: 48,
      clientCpuUs: 35,
    }),
    {
      scenario: "upload",
      label: "upload 1 GiB",
      front: "ajpgate" as const,
      kind: "transfer" as const,
      mibPerSec: 200,
      seconds: 5.12,
      frontCpuUs: 1953.1,
      tomcatCpuUs: 2400,
      clientCpuUs: 1100,
      errors: 0,
    },
  ];
  addRatios(rows);
  const previous = report([wrkRow("tomcat", 10000)]);
  const text = renderTable(report(rows), previous);
  const lines = text.split("\n");
  assert.deepEqual(lines[0].split(/\s{2,}/), [
    "scenario",
    "front",
    "req/s",
    "MiB/s",
    "p50",
    "p99",
    "errors",
    "vs httpd",
    "vs tomcat",
    "gw RSS",
    "front µs",
    "tomcat µs",
    "client µs",
    "vs prev",
  ]);
  assert.match(
    lines[2],
    /^GET 13 B, 32 conns\s+tomcat\s+20,000\s+0\.2\s+1\.50ms\s+1\.23s\s+0\s+41\.3\s+30\.0\s+\+100%$/,
  );
  // The reference server: no ratios, no Tomcat CPU; its client column still lines up.
  assert.match(lines[3], /^\s+deno-serve\s+40,000 .*\s0\s+20\.5\s+18\.3$/);
  const clientEnd = lines[0].indexOf("client µs") + "client µs".length;
  assert.equal(lines[2].indexOf("30.0") + "30.0".length, clientEnd);
  assert.equal(lines[3].length, clientEnd, "deno-serve's line ends with its client µs");
  assert.match(
    lines[4],
    /^\s+ajpgate\s+15,000 .* 3\s+0\.75x\s+200\.0 MiB\s+62\.5\s+48\.0\s+35\.0$/,
  );
  assert.match(
    lines[5],
    /^upload 1 GiB\s+ajpgate\s+-\s+200\.0\s+5\.12s .* 1,953\/MiB\s+2,400\/MiB\s+1,100\/MiB$/,
  );
  assert.match(text, /! GET 13 B, 32 conns via ajpgate: 3 read errors/);
  assert.match(text, /^ajpgate RSS: idle 80\.0 MiB; peak under wrk load 200\.0 MiB;$/m);
  assert.match(text, /note: 2 cores shared/);
});

Deno.test("gatewaySummary puts the transfers on a fresh gateway apart from the wrk peak", () => {
  assert.equal(
    gatewaySummary(gateway([ONE_RUN])),
    "ajpgate RSS: idle 80.0 MiB; peak under wrk load 200.0 MiB;\n" +
      "  transfers on a fresh gateway (idle 79.0 MiB): upload peak 100.0 MiB, " +
      "download peak 110.0 MiB, after them 90.0 MiB",
  );
});

Deno.test("gatewaySummary lists every run's figure and the process count", () => {
  const second = { ...ONE_RUN, wrkPeakRssKiB: 307200, uploadPeakRssKiB: undefined };
  const text = gatewaySummary(
    gateway([ONE_RUN, second], { name: "ajpgate-w2", workers: 2, processes: 3 }),
  );
  assert.ok(
    text.startsWith(
      "ajpgate-w2 RSS (3 processes; run 1 / run 2): idle 80.0 MiB; " +
        "peak under wrk load 200.0 / 300.0 MiB;\n",
    ),
    text,
  );
  assert.match(text, /fresh gateway \(idle 79\.0 \/ 79\.0 MiB\): upload peak 100\.0 \/ - MiB, /);
});

Deno.test("gatewaySummary without transfers stops after the wrk peak", () => {
  const text = gatewaySummary(gateway([{ wrkPeakRssKiB: 204800, finalRssKiB: 92160 }]));
  assert.equal(text, "ajpgate RSS: idle 80.0 MiB; peak under wrk load 200.0 MiB");
});
