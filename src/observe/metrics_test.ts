import assert from "node:assert/strict";
import { Collected, Counter, escapeLabel, Histogram, Registry } from "./metrics.ts";

Deno.test("Registry renders counters, histograms and collected gauges in text format", () => {
  const r = new Registry();
  const c = r.add(new Counter("x_total", "Xs.", ["route", "class"]));
  const h = r.add(new Histogram("d_seconds", "Durations.", ["route"], [0.1, 1]));
  r.add(new Collected("g", "A gauge.", "gauge", () => [[{ conn: "a" }, 3], [{}, 1]]));
  c.inc(["/a", "2xx"]);
  c.inc(["/a", "2xx"], 2);
  h.observe(["/a"], 0.05);
  h.observe(["/a"], 0.5);
  const text = r.render();
  assert.match(text, /# TYPE x_total counter\nx_total\{route="\/a",class="2xx"\} 3\n/);
  assert.match(text, /d_seconds_bucket\{route="\/a",le="0.1"\} 1\n/);
  assert.match(text, /d_seconds_bucket\{route="\/a",le="1"\} 2\n/);
  assert.match(text, /d_seconds_bucket\{route="\/a",le="\+Inf"\} 2\n/);
  assert.match(text, /d_seconds_count\{route="\/a"\} 2\n/);
  assert.match(text, /g\{conn="a"\} 3\ng 1\n/);
});

Deno.test("escapeLabel escapes backslash, quote and newline", () => {
  assert.equal(escapeLabel('a\\b"c\nd'), 'a\\\\b\\"c\\nd');
});
