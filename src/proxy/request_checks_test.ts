import assert from "node:assert/strict";
import { GatewayError } from "./errors.ts";
import { checkExpect, checkHeaderCount, checkHost, requestAuthority } from "./request_checks.ts";

const status = (f: () => void) => {
  try {
    f();
    return 0;
  } catch (err) {
    assert.ok(err instanceof GatewayError);
    return err.status;
  }
};

Deno.test("checkHost accepts names, IPv4, IPv6 and ports; refuses the rest", () => {
  for (const ok of ["a", "shop.example", "shop.example:8080", "127.0.0.1:80", "[::1]:65535"]) {
    assert.equal(status(() => checkHost(ok)), 0, ok);
  }
  for (
    const bad of [
      "",
      "127.0.0.1@evil.example",
      "evil.example x",
      "<script>",
      "a:99999",
      "a:",
      "a/b",
    ]
  ) {
    assert.equal(status(() => checkHost(bad)), 400, bad);
  }
});

Deno.test("checkExpect: 100-continue passes, others 417", () => {
  assert.equal(status(() => checkExpect(new Headers({ expect: "100-Continue" }))), 0);
  assert.equal(status(() => checkExpect(new Headers({ expect: "200-ok" }))), 417);
});

Deno.test("checkHeaderCount: 431 above the cap", () => {
  const h = new Headers();
  for (let i = 0; i < 5; i++) h.set(`x-${i}`, "v");
  assert.equal(status(() => checkHeaderCount(h, 5)), 0);
  assert.equal(status(() => checkHeaderCount(h, 4)), 431);
});

Deno.test("requestAuthority: the URL's authority wins over Host", () => {
  assert.equal(requestAuthority("http://a.example/x", "a.example"), null);
  assert.equal(requestAuthority("http://vhost.example/x", "other.example"), "vhost.example");
  assert.equal(requestAuthority("https://h2.example:8443/x", null), "h2.example:8443");
  assert.equal(
    status(() => requestAuthority("http://evil.example/x", "127.0.0.1@evil.example")),
    400,
  );
});
