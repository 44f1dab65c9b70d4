import assert from "node:assert/strict";
import { isUrlSafeAuthority } from "./authority.ts";

Deno.test("isUrlSafeAuthority accepts host names, IP literals and ports", () => {
  for (const ok of ["example.test", "example.test:8443", "127.0.0.1:1", "[::1]:8443", "a-b_c~"]) {
    assert.equal(isUrlSafeAuthority(ok), true, ok);
  }
});

Deno.test("isUrlSafeAuthority refuses what would move the path or the host", () => {
  for (const bad of ["", "evil/path", "a?b", "a#b", "user@host", "a\\b", "a b"]) {
    assert.equal(isUrlSafeAuthority(bad), false, bad);
  }
});
