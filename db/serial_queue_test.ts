import assert from "node:assert/strict";
import { createSerialQueue } from "./serial_queue.ts";

Deno.test("createSerialQueue: tasks never overlap and run in order; failures are isolated", async () => {
  const q = createSerialQueue();
  const log: string[] = [];
  const task = (name: string, fail = false) => async () => {
    log.push(`start ${name}`);
    await new Promise((r) => setTimeout(r, 5));
    log.push(`end ${name}`);
    if (fail) throw new Error(name);
    return name;
  };
  const results = await Promise.allSettled([
    q.run(task("a")),
    q.run(task("b", true)),
    q.run(task("c")),
  ]);
  assert.deepEqual(log, ["start a", "end a", "start b", "end b", "start c", "end c"]);
  assert.deepEqual(results.map((r) => r.status), ["fulfilled", "rejected", "fulfilled"]);
});
