import assert from "node:assert/strict";
import { describeBindError } from "./listen_error.ts";

Deno.test("describeBindError names the listener, its option and address, and the fix", () => {
  // a real bind failure: the port is taken
  using taken = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  let err: unknown;
  try {
    Deno.listen({ hostname: "127.0.0.1", port: taken.addr.port }).close();
  } catch (e) {
    err = e;
  }
  const port = taken.addr.port;
  const e = describeBindError(
    { what: "proxy listener", flag: "--listen", hostname: "127.0.0.1", port },
    err,
  );
  assert.equal(
    e.message,
    `proxy listener (--listen) cannot bind 127.0.0.1:${port}: the address is already in use ` +
      "(another ajpgate or server holds the port; stop it or choose another port with --listen)",
  );
  const v6 = describeBindError(
    { what: "management listener", flag: "--admin-listen", hostname: "::1", port: 80 },
    new Deno.errors.PermissionDenied("denied"),
  );
  assert.match(
    v6.message,
    /^management listener \(--admin-listen\) cannot bind \[::1\]:80: permission/,
  );
  const other = describeBindError(
    { what: "proxy listener", flag: "--listen", hostname: "0.0.0.0", port: 8443 },
    new Error("cannot read --tls-cert cert.pem: No such file"),
  );
  assert.equal(
    other.message,
    "proxy listener (--listen) on 0.0.0.0:8443: cannot read --tls-cert cert.pem: No such file",
  );
});
