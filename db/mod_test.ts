import assert from "node:assert/strict";
import {
  createRepositories,
  createSecretBox,
  DbNotFoundError,
  loadSecretKey,
  openDatabase,
} from "./mod.ts";
import { tempDir } from "../tests/support/db_store.ts";

Deno.test("mod: open, load key, build repositories, as the server does", async () => {
  await using dir = await tempDir();
  const url = `file:${dir.path}/ajpgate.db`;
  await using db = await openDatabase(url);
  const repos = createRepositories(
    db,
    createSecretBox(await loadSecretKey({ env: undefined, dbUrl: url })),
  );
  await repos.connections.create({
    name: "tomcat-a",
    type: "direct",
    host: "127.0.0.1",
    port: 8009,
  }, "admin");
  assert.equal((await repos.connections.list()).length, 1);
  await assert.rejects(repos.routes.get("nope"), DbNotFoundError);
});
