/**
 * Encrypts secrets at rest (a connection's AJP secret and proxy password) with
 * AES-256-GCM from Web Crypto, so a copied database file does not leak them.
 * @module
 */
import { Buffer } from "node:buffer";

/** Encrypts and decrypts short strings with one key. */
export interface SecretBox {
  /** Returns `v1:` + base64(12-byte random IV ‖ ciphertext ‖ 16-byte tag). */
  encrypt(plain: string): Promise<string>;
  /** Reverses {@linkcode SecretBox.encrypt}; throws on a wrong key or altered data. */
  decrypt(sealed: string): Promise<string>;
}

const PREFIX = "v1:";
const IV_BYTES = 12;

/** Imports 32 raw bytes as a non-extractable AES-GCM key. */
export async function importSecretKey(raw: Uint8Array<ArrayBuffer>): Promise<CryptoKey> {
  if (raw.length !== 32) {
    throw new Error(`secret key must be 32 bytes; got ${raw.length}`);
  }
  return await crypto.subtle.importKey("raw", raw, "AES-GCM", false, ["encrypt", "decrypt"]);
}

/**
 * Builds a {@linkcode SecretBox} over `key`. A fresh IV per call means the same
 * secret encrypts differently each time.
 *
 * @example
 * const box = createSecretBox(await importSecretKey(crypto.getRandomValues(new Uint8Array(32))));
 * const sealed = await box.encrypt("s3cret"); // "v1:..."
 * await box.decrypt(sealed); // "s3cret"
 */
export function createSecretBox(key: CryptoKey): SecretBox {
  return {
    async encrypt(plain) {
      const iv = crypto.getRandomValues(new Uint8Array(IV_BYTES));
      const data = new TextEncoder().encode(plain);
      const sealed = new Uint8Array(
        await crypto.subtle.encrypt({ name: "AES-GCM", iv }, key, data),
      );
      return PREFIX + Buffer.concat([iv, sealed]).toString("base64");
    },
    async decrypt(sealed) {
      if (!sealed.startsWith(PREFIX)) {
        throw new Error(`cannot decrypt secret: unknown format "${sealed.slice(0, 3)}..."`);
      }
      const bytes = new Uint8Array(Buffer.from(sealed.slice(PREFIX.length), "base64"));
      const iv = bytes.subarray(0, IV_BYTES);
      try {
        const plain = await crypto.subtle.decrypt(
          { name: "AES-GCM", iv },
          key,
          bytes.subarray(IV_BYTES),
        );
        return new TextDecoder().decode(plain);
      } catch {
        throw new Error(
          "cannot decrypt secret: wrong key or damaged data " +
            "(is AJPGATE_SECRET_KEY the key this database was written with?)",
        );
      }
    },
  };
}
