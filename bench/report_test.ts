import assert from "node:assert/strict";
import { addRatios, renderTable, type Report, type ResultRow } from "./report.ts";

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

function report(rows: ResultRow[]): Report {
  return {
    version: 1,
    startedAt: "",
    finishedAt: "",
    machine: { cpus: 2, memoryMiB: 1, kernel: "", deno: "" },
    options: {},
    fronts: [],
    rows,
    gateway: {
      argv: [],
      processes: 1,
      idleRssKiB: 81920,
      peakRssKiB: 204800,
      uploadPeakRssKiB: 102400,
      downloadPeakRssKiB: 112640,
      finalRssKiB: 92160,
    },
    pids: { tomcat: 1, httpd: null, gateway: null },
    notes: ["2 cores shared"],
  };
}

Deno.test("addRatios compares each gateway front with httpd of its packet size and Tomcat", () => {
  const rows = [
    wrkRow("tomcat", 20000),
    wrkRow("httpd", 10000),
    wrkRow("httpd-64k", 8000),
    wrkRow("ajpgate", 15000),
    wrkRow("ajpgate-64k", 16000),
  ];
  addRatios(rows);
  assert.equal(rows[3].vsHttpd, 1.5);
  assert.equal(rows[3].vsTomcat, 0.75);
  assert.equal(rows[4].vsHttpd, 2);
  assert.equal(rows[4].vsTomcat, 0.8);
  assert.equal(rows[0].vsHttpd, undefined);
});

Deno.test("addRatios leaves a ratio out when its peer was not measured", () => {
  const rows = [wrkRow("tomcat", 20000), wrkRow("ajpgate", 15000)];
  addRatios(rows);
  assert.equal(rows[1].vsHttpd, undefined);
  assert.equal(rows[1].vsTomcat, 0.75);
});

Deno.test("renderTable aligns one line per row and ends with memory, failures and notes", () => {
  const rows = [
    wrkRow("tomcat", 20000),
    wrkRow("ajpgate", 15000, { errors: 3, errorDetail: "3 read errors" }),
  ];
  addRatios(rows);
  const previous = report([wrkRow("tomcat", 10000)]);
  const text = renderTable(report(rows), previous);
  const lines = text.split("\n");
  assert.match(lines[0], /^scenario\s+front\s+req\/s\s+MiB\/s\s+p50\s+p99\s+errors/);
  assert.match(
    lines[2],
    /^GET 13 B, 32 conns\s+tomcat\s+20,000\s+0\.2\s+1\.50ms\s+1\.23s\s+0\s+\+100%$/,
  );
  assert.match(lines[3], /^\s+ajpgate\s+15,000 .* 3\s+0\.75x$/);
  assert.match(text, /! GET 13 B, 32 conns via ajpgate: 3 read errors/);
  assert.match(
    text,
    /ajpgate RSS: idle 80\.0 MiB, peak 200\.0 MiB \(upload 100\.0 MiB, download 110\.0 MiB\)/,
  );
  assert.match(text, /note: 2 cores shared/);
});
