import assert from "node:assert/strict";
import { listeningPort, startReferenceProcess } from "./reference_process.ts";

const REPO_ROOT = decodeURIComponent(new URL("..", import.meta.url).pathname).replace(/\/$/, "");

Deno.test("listeningPort reads the port of the server's listening line", () => {
  assert.equal(listeningPort("reference server listening on 127.0.0.1:41234\n"), 41234);
  assert.equal(listeningPort("Check bench/reference_server.ts\n"), null);
});

Deno.test("startReferenceProcess serves the pattern on a loopback port until stopped", async () => {
  const dir = await Deno.makeTempDir({ prefix: "ajpgate-reference-" });
  try {
    let pid: number;
    {
      await using server = await startReferenceProcess({
        repoRoot: REPO_ROOT,
        logFile: `${dir}/reference.log`,
      });
      pid = server.pid;
      const res = await fetch(`http://127.0.0.1:${server.port}/app/stream?bytes=13&cl=1`);
      const body = Array.from(new Uint8Array(await res.arrayBuffer()));
      assert.deepEqual(body, Array.from({ length: 13 }, (_, i) => (i * 31 + 7) & 0xff));
      const upload = await fetch(`http://127.0.0.1:${server.port}/app/sha`, {
        method: "POST",
        body: new Uint8Array(100_000),
      });
      assert.equal((await upload.json()).bodyLength, 100_000);
    }
    const alive = await Deno.stat(`/proc/${pid}`).then(() => true, () => false);
    assert.ok(!alive, `reference server pid ${pid} still runs after stop`);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
