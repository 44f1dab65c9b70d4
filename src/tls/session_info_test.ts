import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import { derToPem, keySizeOfCipher } from "./session_info.ts";

Deno.test("keySizeOfCipher reads IANA and OpenSSL cipher names", () => {
  const cases: [string, number][] = [
    ["TLS_AES_128_GCM_SHA256", 128],
    ["TLS_AES_256_GCM_SHA384", 256],
    ["TLS_CHACHA20_POLY1305_SHA256", 256],
    ["TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", 128],
    ["TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", 256],
    ["TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256", 256],
    ["ECDHE-RSA-AES128-GCM-SHA256", 128],
    ["ECDHE-ECDSA-AES256-SHA384", 256],
    ["ECDHE-RSA-CHACHA20-POLY1305", 256],
    ["TLS_RSA_WITH_3DES_EDE_CBC_SHA", 168],
    ["DES-CBC3-SHA", 168],
    ["TLS_RSA_WITH_CAMELLIA_256_CBC_SHA", 256],
    ["ECDHE-ARIA128-GCM-SHA256", 128],
    ["", 0],
    ["TLS_SOMETHING_NEW", 0],
  ];
  for (const [name, bits] of cases) assert.equal(keySizeOfCipher(name), bits, name);
});

Deno.test("derToPem writes 64-character base64 lines between the markers", () => {
  const der = new Uint8Array(100).map((_, i) => i);
  const pem = derToPem(der);
  const lines = pem.trimEnd().split("\n");
  assert.equal(lines[0], "-----BEGIN CERTIFICATE-----");
  assert.equal(lines.at(-1), "-----END CERTIFICATE-----");
  const body = lines.slice(1, -1);
  assert.deepEqual(body.map((l) => l.length), [64, 64, 8]);
  assert.deepEqual(new Uint8Array(Buffer.from(body.join(""), "base64")), der);
});

Deno.test("derToPem respects the view's offset", () => {
  const backing = new Uint8Array([9, 9, 1, 2, 3, 9]);
  const pem = derToPem(backing.subarray(2, 5));
  assert.equal(pem, "-----BEGIN CERTIFICATE-----\nAQID\n-----END CERTIFICATE-----\n");
});
