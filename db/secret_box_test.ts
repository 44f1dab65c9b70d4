import assert from "node:assert/strict";
import { createSecretBox, importSecretKey } from "./secret_box.ts";

const randomKey = () => importSecretKey(crypto.getRandomValues(new Uint8Array(32)));

Deno.test("createSecretBox: round-trips and never repeats ciphertext", async () => {
  const box = createSecretBox(await randomKey());
  for (const plain of ["", "s3cret", "ünïcødé ✓", "x".repeat(10_000)]) {
    const a = await box.encrypt(plain);
    const b = await box.encrypt(plain);
    assert.match(a, /^v1:[A-Za-z0-9+/]+=*$/);
    assert.notEqual(a, b);
    assert.ok(plain === "" || !a.includes(plain));
    assert.equal(await box.decrypt(a), plain);
  }
});

Deno.test("createSecretBox: wrong key, altered data and unknown versions fail clearly", async () => {
  const sealed = await createSecretBox(await randomKey()).encrypt("s3cret");
  const other = createSecretBox(await randomKey());
  await assert.rejects(other.decrypt(sealed), /wrong key or damaged data/);
  const box = createSecretBox(await randomKey());
  const mine = await box.encrypt("s3cret");
  // change one base64 digit inside the ciphertext
  const flipped = mine.slice(0, 20) + (mine[20] === "A" ? "B" : "A") + mine.slice(21);
  await assert.rejects(box.decrypt(flipped), /wrong key or damaged data/);
  await assert.rejects(box.decrypt("v2:AAAA"), /unknown format/);
});

Deno.test("importSecretKey: requires 32 bytes", async () => {
  await assert.rejects(importSecretKey(new Uint8Array(16)), /32 bytes; got 16/);
});
