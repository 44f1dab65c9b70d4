/**
 * Test certificates made with openssl in a temporary directory: a CA, two server
 * certificates for 127.0.0.1/localhost and a client certificate.
 * @module
 */

/** Test certificates in a temp dir (removed on dispose). */
export interface Certs extends AsyncDisposable {
  dir: string;
  ca: string;
  /** Paths of the served certificate and key (overwritten by the reload test). */
  certFile: string;
  keyFile: string;
  caFile: string;
  /** A second server certificate, CN=server2. */
  cert2File: string;
  key2File: string;
  clientCert: string;
  clientKey: string;
}

async function openssl(dir: string, args: string[]): Promise<void> {
  const out = await new Deno.Command("openssl", { args, cwd: dir, stdout: "null", stderr: "piped" })
    .output();
  if (!out.success) {
    throw new Error(`openssl ${args.join(" ")}: ${new TextDecoder().decode(out.stderr)}`);
  }
}

/** A CA, server certificates CN=server and CN=server2 for 127.0.0.1/localhost, a client certificate. */
export async function makeCerts(): Promise<Certs> {
  const dir = await Deno.makeTempDir({ prefix: "ajpgate-tls-" });
  const ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes"];
  await openssl(dir, [
    "req",
    "-x509",
    ...ec,
    "-keyout",
    "ca.key",
    "-out",
    "ca.pem",
    "-days",
    "2",
    "-subj",
    "/CN=Test CA",
  ]);
  const issue = async (name: string, ext: string) => {
    await openssl(dir, [
      "req",
      ...ec,
      "-keyout",
      `${name}.key`,
      "-out",
      `${name}.csr`,
      "-subj",
      `/CN=${name}`,
    ]);
    await Deno.writeTextFile(`${dir}/${name}.ext`, ext);
    await openssl(dir, [
      "x509",
      "-req",
      "-in",
      `${name}.csr`,
      "-CA",
      "ca.pem",
      "-CAkey",
      "ca.key",
      "-CAcreateserial",
      "-out",
      `${name}.pem`,
      "-days",
      "2",
      "-extfile",
      `${name}.ext`,
    ]);
  };
  const serverExt = "subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n";
  await issue("server", serverExt);
  await issue("server2", serverExt);
  await issue("client", "extendedKeyUsage=clientAuth\n");
  const read = (f: string) => Deno.readTextFile(`${dir}/${f}`);
  return {
    dir,
    ca: await read("ca.pem"),
    certFile: `${dir}/server.pem`,
    keyFile: `${dir}/server.key`,
    caFile: `${dir}/ca.pem`,
    cert2File: `${dir}/server2.pem`,
    key2File: `${dir}/server2.key`,
    clientCert: await read("client.pem"),
    clientKey: await read("client.key"),
    [Symbol.asyncDispose]: () => Deno.remove(dir, { recursive: true }),
  };
}

/** The `start` arguments that serve `certs`' server certificate on the proxy listener. */
export function tlsArgs(certs: Certs): string[] {
  return ["--tls-cert", certs.certFile, "--tls-key", certs.keyFile];
}
