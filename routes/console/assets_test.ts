import assert from "node:assert/strict";
import { ASSETS } from "./assets.ts";

Deno.test("console assets: every script parses, every file is non-empty and typed", () => {
  assert.deepEqual([...ASSETS.keys()].sort(), [
    "console.css",
    "console.js",
    "uPlot.iife.min.js",
    "uPlot.min.css",
  ]);
  for (const [name, { body, type }] of ASSETS) {
    assert.ok(body.length > 100, name);
    if (name.endsWith(".js")) {
      assert.match(type, /^text\/javascript/);
      // parsing only: a syntax error here would break every page of the console
      assert.doesNotThrow(() => new Function(body), name);
    } else {
      assert.match(type, /^text\/css/);
    }
  }
});
