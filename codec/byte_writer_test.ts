import assert from "node:assert/strict";
import { str } from "../tests/fixtures/ajp_fixture.ts";
import { ByteWriter } from "./byte_writer.ts";
import { MAX_STRING_LENGTH } from "./constants.ts";
import { AjpEncodeError } from "./errors.ts";

function written(w: ByteWriter): number[] {
  return [...w.buf.subarray(w.start, w.pos)];
}

function isEncodeError(reason: "overflow" | "invalid", message?: RegExp) {
  return (err: unknown) => {
    assert.ok(err instanceof AjpEncodeError, String(err));
    assert.equal(err.reason, reason);
    if (message) assert.match(err.message, message);
    return true;
  };
}

Deno.test("ByteWriter writes u8, big-endian u16, bool and raw bytes", () => {
  const w = new ByteWriter(new Uint8Array(16));
  w.u8(0x12, "a");
  w.u16(0x3456, "b");
  w.bool(true, "c");
  w.bool(false, "d");
  w.bytes(new Uint8Array([9, 8]), "e");
  assert.deepEqual(written(w), [0x12, 0x34, 0x56, 1, 0, 9, 8]);
});

Deno.test("ByteWriter writes strings as length, bytes, NUL and null as FFFF", () => {
  const w = new ByteWriter(new Uint8Array(64));
  w.string("GET", "s");
  w.string("", "s");
  w.string(null, "s");
  w.string("\x00\x80\x9f\xff", "s");
  assert.deepEqual(written(w), [
    ...str("GET"),
    ...str(""),
    0xff,
    0xff,
    ...[0, 4, 0x00, 0x80, 0x9f, 0xff, 0],
  ]);
});

Deno.test("ByteWriter rejects characters above 0xFF as invalid", () => {
  const w = new ByteWriter(new Uint8Array(64));
  assert.throws(() => w.string("caf\u0100", "header value"), isEncodeError("invalid", /U\+0100/));
  assert.throws(() => w.string("\u{1f600}", "x"), isEncodeError("invalid"));
  // past the four-at-a-time part of the loop, and in it
  assert.throws(
    () => w.string("abcdefgh\u20acij", "v"),
    isEncodeError("invalid", /U\+20AC at index 8/),
  );
  assert.throws(
    () => w.string("ab\u0101cdefgh", "v"),
    isEncodeError("invalid", /U\+0101 at index 2/),
  );
});

Deno.test("ByteWriter rejects strings longer than 0xFFFE as invalid", () => {
  const w = new ByteWriter(new Uint8Array(0x20000));
  w.string("a".repeat(MAX_STRING_LENGTH), "s");
  assert.equal(w.pos, MAX_STRING_LENGTH + 3);
  assert.throws(() => w.string("a".repeat(0xffff), "s"), isEncodeError("invalid", /65535 bytes/));
});

Deno.test("ByteWriter rejects out-of-range integers as invalid", () => {
  const w = new ByteWriter(new Uint8Array(8));
  assert.throws(() => w.u16(0x10000, "server_port"), isEncodeError("invalid", /server_port/));
  assert.throws(() => w.u16(-1, "x"), isEncodeError("invalid"));
  assert.throws(() => w.u16(1.5, "x"), isEncodeError("invalid"));
  assert.throws(() => w.u8(256, "x"), isEncodeError("invalid"));
});

Deno.test("ByteWriter throws overflow at its limit and writes nothing past it", () => {
  const buf = new Uint8Array(10);
  const w = new ByteWriter(buf, 2, 8);
  w.string("abc", "s"); // 6 bytes: exactly fills 2..8
  assert.equal(w.pos, 8);
  assert.throws(() => w.u8(1, "terminator"), isEncodeError("overflow", /in 6 bytes: terminator/));
  assert.deepEqual([...buf.subarray(8)], [0, 0]);
  const w2 = new ByteWriter(new Uint8Array(5));
  assert.throws(() => w2.string("abc", "s"), isEncodeError("overflow"));
  assert.throws(() => w2.bytes(new Uint8Array(6), "b"), isEncodeError("overflow"));
});

Deno.test("ByteWriter clamps its limit to the buffer and rejects bad offsets", () => {
  const w = new ByteWriter(new Uint8Array(4), 0, 100);
  assert.equal(w.limit, 4);
  assert.throws(() => new ByteWriter(new Uint8Array(4), -1), RangeError);
});
