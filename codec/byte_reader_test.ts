import assert from "node:assert/strict";
import { str, u16 } from "../tests/fixtures/ajp_fixture.ts";
import { ByteReader, latin1 } from "./byte_reader.ts";
import { AjpProtocolError } from "./errors.ts";

function reader(bytes: number[]): ByteReader {
  return new ByteReader(new Uint8Array(bytes));
}

Deno.test("ByteReader reads u8, u16, bool, strings and null strings", () => {
  const r = reader([7, ...u16(0xa00b), 1, 0, ...str("hi"), ...str(null), ...str(""), 1, 2]);
  assert.equal(r.u8("a"), 7);
  assert.equal(r.u16("b"), 0xa00b);
  assert.equal(r.bool("c"), true);
  assert.equal(r.bool("d"), false);
  assert.equal(r.string("e"), "hi");
  assert.equal(r.string("f"), null);
  assert.equal(r.requiredString("g"), "");
  assert.equal(r.offset, 15);
  assert.deepEqual(r.bytes(2, "h"), new Uint8Array([1, 2]));
  r.expectEnd("message");
});

Deno.test("ByteReader requires the NUL after a string", () => {
  assert.throws(
    () => reader([...u16(2), 0x68, 0x69, 0x21]).string("x"),
    (err) => err instanceof AjpProtocolError && /missing its NUL/.test(err.message),
  );
  const r = reader([0xaa, ...u16(2), 0x68, 0x69]);
  r.u8("pad");
  assert.throws(() => r.string("reason"), {
    name: "AjpProtocolError",
    message: "reason at offset 1 is missing its NUL terminator",
  });
});

Deno.test("ByteReader rejects a string length past the payload", () => {
  assert.throws(() => reader([...u16(300), 1, 2, 3]).string("name"), {
    name: "AjpProtocolError",
    message: "name at offset 0 declares 300 bytes; only 3 remain in the payload",
  });
  assert.throws(() => reader([...u16(0xfffe)]).string("x"), AjpProtocolError);
});

Deno.test("ByteReader bounds every read by the declared end", () => {
  const buf = new Uint8Array([1, 2, 3, 4, 5, 6]);
  const r = new ByteReader(buf, 1, 3);
  assert.equal(r.u16("a"), 0x0203);
  assert.throws(() => r.u8("code"), {
    name: "AjpProtocolError",
    message: "code at offset 2 needs 1 bytes; only 0 remain in the payload",
  });
  assert.throws(() => reader([1]).u16("x"), AjpProtocolError);
  assert.throws(() => reader([1]).bytes(2, "x"), AjpProtocolError);
  assert.throws(() => new ByteReader(buf, 4, 7), RangeError);
});

Deno.test("ByteReader rejects booleans other than 0 and 1", () => {
  assert.throws(() => reader([2]).bool("is_ssl"), /is_ssl at offset 0 is 2/);
});

Deno.test("ByteReader.requiredString rejects null", () => {
  assert.throws(
    () => reader([0xff, 0xff]).requiredString("protocol"),
    /protocol at offset 0 is null/,
  );
});

Deno.test("ByteReader.expectEnd reports trailing bytes", () => {
  const r = reader([5, 1, 0]);
  r.u16("x");
  assert.throws(() => r.expectEnd("END_RESPONSE"), /END_RESPONSE has 1 unexpected bytes/);
});

Deno.test("latin1 maps every byte to the same char code, including 0x80-0x9F", () => {
  const all = new Uint8Array(256).map((_, i) => i);
  const s = latin1(all, 0, 256);
  assert.equal(s.length, 256);
  for (let i = 0; i < 256; i++) assert.equal(s.charCodeAt(i), i);
  assert.equal(latin1(all, 0x80, 0x83), "\x80\x81\x82");
});

Deno.test("latin1 decodes strings longer than one chunk", () => {
  const big = new Uint8Array(20000).map((_, i) => (i * 7) & 0xff);
  const s = latin1(big, 3, 19999);
  assert.equal(s.length, 19996);
  for (let i = 0; i < s.length; i++) assert.equal(s.charCodeAt(i), big[i + 3]);
});
