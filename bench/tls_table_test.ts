import assert from "node:assert/strict";
import type { TlsRow } from "./tls_compare.ts";
import { percentile, renderTlsTable } from "./tls_table.ts";

Deno.test("percentile takes the nearest rank of sorted values", () => {
  const values = Array.from({ length: 100 }, (_, i) => i + 1);
  assert.equal(percentile(values, 0.5), 50);
  assert.equal(percentile(values, 0.99), 99);
  assert.equal(percentile([7], 0.99), 7);
  assert.equal(percentile([], 0.5), 0);
});

Deno.test("renderTlsTable shows the ratios, exactness and error details", () => {
  const row: TlsRow = {
    scenario: "tls-get-1mib-h2-c8",
    label: "GET 1 MiB, h2, 8 conns",
    front: "ajpgate-tls",
    requestsPerSec: 150,
    requests: 300,
    mibPerSec: 150.2,
    p50Ms: 40,
    p99Ms: 90.5,
    errors: 1,
    exact: false,
    vsPlain: 0.75,
    vsHttpdTls: 1.1,
    errorDetail: "the HTTP/2 fetch was not byte-exact",
  };
  const text = renderTlsTable([row]);
  assert.match(
    text,
    /GET 1 MiB, h2, 8 conns\s+ajpgate-tls\s+150\s+150\.2\s+40\.00\s+90\.50\s+1\s+0\.75x\s+1\.10x\s+NO/,
  );
  assert.match(text, /ajpgate-tls: the HTTP\/2 fetch was not byte-exact/);
});
