import assert from "node:assert/strict";
import {
  backendHost,
  hasDotDot,
  objectName,
  plainText,
  routeHost,
  urlPath,
  userName,
} from "./fields.ts";

const ok = (schema: { safeParse(v: unknown): { success: boolean } }, v: unknown) =>
  schema.safeParse(v).success;

Deno.test("objectName / userName: 1-64 of the allowed characters", () => {
  for (const n of ["a", "tomcat-A_1.x", "x".repeat(64)]) assert.ok(ok(objectName, n), n);
  for (const n of ["", "x".repeat(65), "a b", "a/b", "a'--", "é"]) assert.ok(!ok(objectName, n), n);
  assert.ok(ok(userName, "alice@example.com"));
  assert.ok(!ok(objectName, "alice@example.com"));
});

Deno.test("backendHost: names and IP addresses, no port or scheme", () => {
  for (const h of ["tomcat", "tomcat_a.internal", "10.0.0.5", "::1", "fe80::1", "a.b.c."]) {
    assert.ok(ok(backendHost, h), h);
  }
  for (const h of ["", "tomcat:8009", "http://x", "a b", "[::1]", "-bad", "x".repeat(254)]) {
    assert.ok(!ok(backendHost, h), h);
  }
});

Deno.test("routeHost: like a Host header without port; IPv6 in brackets", () => {
  for (const h of ["app.example.com", "[::1]", "LOCALHOST"]) assert.ok(ok(routeHost, h), h);
  for (const h of ["app.example.com:80", "::1", "*.example.com", ""]) {
    assert.ok(!ok(routeHost, h), h);
  }
});

Deno.test("urlPath: absolute, no query, fragment, spaces or .. segments", () => {
  for (const p of ["/", "/app", "/a/b/", "/a..b", "/%2e"]) assert.ok(ok(urlPath, p), p);
  for (const p of ["", "app", "/a b", "/a?b", "/a#b", "/a/../b", "/..", "/%2E%2e/x", "/a\u0000"]) {
    assert.ok(!ok(urlPath, p), p);
  }
  assert.ok(hasDotDot("/a/.."));
  assert.ok(!hasDotDot("/a..b/"));
});

Deno.test("plainText: control characters refused; line breaks only when multiline", () => {
  assert.ok(ok(plainText(10), "a'b\"c;--"));
  assert.ok(!ok(plainText(10), "a\u0000b"));
  assert.ok(!ok(plainText(10), "a\nb"));
  assert.ok(ok(plainText(10, true), "a\r\n\tb"));
  assert.ok(!ok(plainText(3), "abcd"));
});
