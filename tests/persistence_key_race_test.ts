/**
 * Two gateways started at once on a fresh database file race to create its key file
 * (`PATH.key`). The loser must end up with the winner's key, even when it reads the file in
 * the moment between the winner creating it and writing the key into it.
 *
 * Seen for real: two `ajpgate start` processes started together on a new file failed in about
 * 1 of 40 tries with "key file ... must be 32 bytes in base64 ...; got no valid base64". This
 * test holds that moment open: the file exists, empty, and gets its key 100 ms later.
 */
import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import { createSecretBox, importSecretKey, loadSecretKey } from "../db/mod.ts";

Deno.test("key file: one still being written by another process is waited for", async () => {
  const dir = await Deno.makeTempDir({ prefix: "ajpgate-key-race-" });
  try {
    const db = `${dir}/gw.db`;
    // What `writeTextFile(..., { createNew: true })` leaves between its open and its write.
    await Deno.writeFile(`${db}.key`, new Uint8Array(0), { createNew: true, mode: 0o600 });
    const raw = crypto.getRandomValues(new Uint8Array(32));
    const writer = new Promise<void>((resolve) =>
      setTimeout(() => {
        Deno.writeTextFileSync(`${db}.key`, Buffer.from(raw).toString("base64") + "\n");
        resolve();
      }, 100)
    );
    let loaded: CryptoKey;
    try {
      loaded = await loadSecretKey({ env: undefined, dbUrl: `file:${db}` });
    } finally {
      await writer;
    }
    // The key loaded is the winner's: what one seals, the other opens.
    const sealed = await createSecretBox(loaded).encrypt("shared");
    assert.equal(await createSecretBox(await importSecretKey(raw)).decrypt(sealed), "shared");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
