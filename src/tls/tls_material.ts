/**
 * Reads the listener's certificate chain, private key and optional client CA from PEM files
 * and checks them before use: the certificate parses and matches the key, and the CA file
 * holds at least one certificate. node:tls in Deno accepts garbage in
 * `createSecureContext()` and only fails at the first handshake, so the check is done here,
 * where a reload can still keep the old material.
 * @module
 */
import { createPrivateKey, X509Certificate } from "node:crypto";

/** Where the PEM files are. */
export interface TlsMaterialFiles {
  certFile: string;
  keyFile: string;
  /** Client CA bundle; null when client certificates are not requested. */
  clientCaFile: string | null;
}

/** PEM text for node:tls's `key`, `cert` and `ca` options. */
export interface TlsMaterial {
  cert: string;
  key: string;
  ca?: string;
}

const PEM_CERT = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

/** Reads and checks the files; throws an Error naming the file and what is wrong with it. */
export async function readTlsMaterial(files: TlsMaterialFiles): Promise<TlsMaterial> {
  const [cert, key, ca] = await Promise.all([
    readPem("certificate", files.certFile),
    readPem("private key", files.keyFile),
    files.clientCaFile === null ? undefined : readPem("client CA", files.clientCaFile),
  ]);
  const leafPem = cert.match(PEM_CERT)?.[0];
  if (leafPem === undefined) {
    throw new Error(`TLS certificate file "${files.certFile}" holds no PEM certificate`);
  }
  let leaf: X509Certificate;
  try {
    leaf = new X509Certificate(leafPem);
  } catch (err) {
    throw new Error(`TLS certificate file "${files.certFile}" does not parse: ${messageOf(err)}`);
  }
  let privateKey;
  try {
    privateKey = createPrivateKey(key);
  } catch (err) {
    throw new Error(`TLS private key file "${files.keyFile}" does not parse: ${messageOf(err)}`);
  }
  if (!leaf.checkPrivateKey(privateKey)) {
    throw new Error(
      `TLS certificate "${files.certFile}" does not match the private key "${files.keyFile}"`,
    );
  }
  if (ca === undefined) return { cert, key };
  const caCerts = ca.match(PEM_CERT) ?? [];
  if (caCerts.length === 0) {
    throw new Error(`TLS client CA file "${files.clientCaFile}" holds no PEM certificate`);
  }
  for (const pem of caCerts) {
    try {
      new X509Certificate(pem);
    } catch (err) {
      throw new Error(
        `TLS client CA file "${files.clientCaFile}" does not parse: ${messageOf(err)}`,
      );
    }
  }
  return { cert, key, ca };
}

async function readPem(what: string, path: string): Promise<string> {
  try {
    return await Deno.readTextFile(path);
  } catch (err) {
    throw new Error(`cannot read TLS ${what} file "${path}": ${messageOf(err)}`);
  }
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
