import assert from "node:assert/strict";
import { workersOf } from "./gateway_process.ts";

Deno.test("workersOf reads --workers N and --workers=N, the last one winning", () => {
  assert.equal(workersOf([]), 1);
  assert.equal(workersOf(["--workers", "2"]), 2);
  assert.equal(workersOf(["--workers=4", "--log-level", "info"]), 4);
  assert.equal(workersOf(["--workers", "3", "--workers=1"]), 1);
});
