import assert from "node:assert/strict";
import { bufferedSink, Logger, memorySink } from "./log.ts";

Deno.test("Logger writes JSON lines at or above its level", () => {
  const sink = memorySink();
  const log = new Logger("info", sink);
  log.debug("hidden");
  log.info("shown", { status: 200 });
  log.error("bad");
  assert.equal(sink.lines.length, 2);
  const first = JSON.parse(sink.lines[0]);
  assert.equal(first.level, "info");
  assert.equal(first.msg, "shown");
  assert.equal(first.status, 200);
  assert.ok(!Number.isNaN(Date.parse(first.time)));
  assert.equal(log.enabled("debug"), false);
});

Deno.test("bufferedSink batches lines and flushes them in order", async () => {
  const chunks: string[] = [];
  const sink = bufferedSink({
    write: (p) => {
      chunks.push(new TextDecoder().decode(p));
      return Promise.resolve(p.length);
    },
  });
  sink.write("a");
  sink.write("b");
  assert.equal(chunks.length, 0);
  await sink.flush();
  assert.deepEqual(chunks, ["a\nb\n"]);
});
