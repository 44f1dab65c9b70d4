import assert from "node:assert/strict";
import { FRONTS, parseCompareOptions, parseSize, UsageError } from "./options.ts";

Deno.test("the defaults are the full benchmark", () => {
  const o = parseCompareOptions([]);
  assert.equal(o.durationS, 10);
  assert.equal(o.warmupS, 3);
  assert.equal(o.transferBytes, 2 ** 30);
  assert.equal(o.runs, 2);
  assert.deepEqual(o.fronts, [...FRONTS]);
  assert.equal(o.install, true);
  assert.equal(o.out, "bench/results/latest.json");
});

Deno.test("--quick shortens everything and installs nothing; later flags still win", () => {
  const o = parseCompareOptions(["--duration", "3", "--quick"]);
  assert.equal(o.quick, true);
  assert.equal(o.durationS, 3);
  assert.equal(o.warmupS, 1);
  assert.equal(o.transferBytes, 64 * 2 ** 20);
  assert.equal(o.runs, 1);
  assert.equal(o.install, false);
});

Deno.test("--runs takes a whole number of at least 1, also with --quick", () => {
  assert.equal(parseCompareOptions(["--runs", "3"]).runs, 3);
  assert.equal(parseCompareOptions(["--quick", "--runs", "2"]).runs, 2);
  assert.throws(() => parseCompareOptions(["--runs", "0"]), /--runs "0" is not a whole number/);
  assert.throws(() => parseCompareOptions(["--runs", "1.5"]), UsageError);
});

Deno.test("the fronts without a proxy come first: Tomcat direct, then deno-serve", () => {
  assert.deepEqual(FRONTS.slice(0, 2), ["tomcat", "deno-serve"]);
  assert.deepEqual(parseCompareOptions(["--fronts", "ajpgate,deno-serve"]).fronts, [
    "deno-serve",
    "ajpgate",
  ]);
});

Deno.test("the floor relay follows httpd; the gateway with two workers follows the first", () => {
  assert.deepEqual(FRONTS.slice(2), [
    "httpd",
    "httpd-64k",
    "deno-relay",
    "deno-relay-64k",
    "ajpgate",
    "ajpgate-64k",
    "ajpgate-w2",
    "ajpgate-w2-64k",
  ]);
  assert.deepEqual(parseCompareOptions(["--fronts", "ajpgate-w2-64k,ajpgate-w2"]).fronts, [
    "ajpgate-w2",
    "ajpgate-w2-64k",
  ]);
});

Deno.test("--gateway-arg repeats and keeps each value whole", () => {
  const o = parseCompareOptions(["--gateway-arg", "--workers", "--gateway-arg", "2"]);
  assert.deepEqual(o.gatewayArgs, ["--workers", "2"]);
});

Deno.test("--fronts keeps the canonical order and rejects unknown names", () => {
  assert.deepEqual(parseCompareOptions(["--fronts", "ajpgate,tomcat"]).fronts, [
    "tomcat",
    "ajpgate",
  ]);
  assert.throws(() => parseCompareOptions(["--fronts", "nginx"]), UsageError);
});

Deno.test("--scenarios selects scenario ids", () => {
  assert.equal(parseCompareOptions([]).scenarios, null);
  assert.deepEqual(parseCompareOptions(["--scenarios", "download,get-13b-c256"]).scenarios, [
    "get-13b-c256",
    "download",
  ]);
  assert.throws(() => parseCompareOptions(["--scenarios", "get"]), /unknown name "get"/);
});

Deno.test("sizes take binary suffixes; bad options are usage errors", () => {
  assert.equal(parseSize("1G"), 2 ** 30);
  assert.equal(parseSize("64MiB"), 64 * 2 ** 20);
  assert.equal(parseSize("4096"), 4096);
  assert.throws(() => parseSize("1.5G"), UsageError);
  assert.throws(() => parseCompareOptions(["--duration"]), /needs a value/);
  assert.throws(() => parseCompareOptions(["--bogus"]), /unknown option/);
});
