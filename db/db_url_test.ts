import assert from "node:assert/strict";
import { parseDbUrl } from "./db_url.ts";

Deno.test("parseDbUrl: memory, relative and absolute files, remote", () => {
  assert.deepEqual(parseDbUrl(":memory:"), { kind: "memory" });
  assert.deepEqual(parseDbUrl("file:data/a.db"), { kind: "file", path: "data/a.db" });
  assert.deepEqual(parseDbUrl("file:/srv/a.db"), { kind: "file", path: "/srv/a.db" });
  assert.deepEqual(parseDbUrl("file:///srv/my%20db.db"), { kind: "file", path: "/srv/my db.db" });
  assert.deepEqual(parseDbUrl("file:a.db?mode=rwc"), { kind: "file", path: "a.db" });
  for (const url of ["libsql://db.example.org", "http://127.0.0.1:8080", "https://x.turso.io"]) {
    assert.deepEqual(parseDbUrl(url), { kind: "remote" });
  }
});

Deno.test("parseDbUrl: rejects unknown schemes and file URLs without a file", () => {
  assert.throws(() => parseDbUrl("postgres://x/y"), /not supported/);
  assert.throws(() => parseDbUrl("data/a.db"), /not supported/);
  assert.throws(() => parseDbUrl("file:"), /names no file/);
  assert.throws(() => parseDbUrl("file:data/"), /names no file/);
});
