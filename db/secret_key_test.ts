import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import { createSecretBox } from "./secret_box.ts";
import { loadSecretKey } from "./secret_key.ts";
import { tempDir } from "../tests/support/db_store.ts";

/** True when `a` decrypts what `b` encrypted, i.e. both are the same key. */
async function sameKey(a: CryptoKey, b: CryptoKey): Promise<boolean> {
  const sealed = await createSecretBox(b).encrypt("probe");
  return await createSecretBox(a).decrypt(sealed).then(() => true, () => false);
}

Deno.test("loadSecretKey: from AJPGATE_SECRET_KEY, base64 of 32 bytes", async () => {
  const raw = crypto.getRandomValues(new Uint8Array(32));
  const env = Buffer.from(raw).toString("base64");
  const a = await loadSecretKey({ env, dbUrl: "libsql://db.example.org" });
  const b = await loadSecretKey({ env: ` ${env}\n`, dbUrl: ":memory:" });
  assert.ok(await sameKey(a, b));
});

Deno.test("loadSecretKey: bad AJPGATE_SECRET_KEY values fail clearly", async () => {
  for (const env of ["short", Buffer.from(new Uint8Array(16)).toString("base64"), "not base64!"]) {
    await assert.rejects(
      loadSecretKey({ env, dbUrl: ":memory:" }),
      /AJPGATE_SECRET_KEY must be 32 bytes in base64/,
    );
  }
});

Deno.test("loadSecretKey: key file beside a file database, mode 0600, reused", async () => {
  await using dir = await tempDir();
  const dbUrl = `file:${dir.path}/data/a.db`;
  const first = await loadSecretKey({ env: undefined, dbUrl });
  const stat = await Deno.stat(`${dir.path}/data/a.db.key`);
  assert.equal(stat.mode! & 0o777, 0o600);
  const again = await loadSecretKey({ env: "", dbUrl });
  assert.ok(await sameKey(first, again));
});

Deno.test("loadSecretKey: a damaged key file is reported, not replaced", async () => {
  await using dir = await tempDir();
  await Deno.writeTextFile(`${dir.path}/a.db.key`, "garbage");
  await assert.rejects(
    loadSecretKey({ env: undefined, dbUrl: `file:${dir.path}/a.db` }),
    /key file .*a\.db\.key must be 32 bytes/,
  );
});

Deno.test("loadSecretKey: :memory: gets a fresh key; remote without env fails", async () => {
  const a = await loadSecretKey({ env: undefined, dbUrl: ":memory:" });
  const b = await loadSecretKey({ env: undefined, dbUrl: ":memory:" });
  assert.ok(!(await sameKey(a, b)));
  await assert.rejects(
    loadSecretKey({ env: undefined, dbUrl: "https://db.example.org" }),
    /AJPGATE_SECRET_KEY must be set for a remote database \(db\.example\.org\)/,
  );
});
