import assert from "node:assert/strict";
import { ByteReader } from "./byte_reader.ts";
import { AjpProtocolError } from "./errors.ts";
import { readHeaderList } from "./header_list.ts";

const TABLE = ["accept", "accept-charset"];

Deno.test("readHeaderList decodes coded and string names", () => {
  // count 2; code 0xA002 value "x"; name "X-A" value ""
  const bytes = new Uint8Array([
    0,
    2,
    0xa0,
    0x02,
    0,
    1,
    0x78,
    0,
    0,
    3,
    0x58,
    0x2d,
    0x41,
    0,
    0,
    0,
    0,
  ]);
  assert.deepEqual(readHeaderList(new ByteReader(bytes), TABLE, "request"), [
    ["accept-charset", "x"],
    ["X-A", ""],
  ]);
});

Deno.test("readHeaderList refuses a count that cannot fit and unknown codes", () => {
  assert.throws(
    () => readHeaderList(new ByteReader(new Uint8Array([0xff, 0xff, 0])), TABLE, "request"),
    AjpProtocolError,
  );
  assert.throws(
    () =>
      readHeaderList(
        new ByteReader(new Uint8Array([0, 1, 0xa0, 0x09, 0, 0, 0])),
        TABLE,
        "response",
      ),
    /unknown response header code/,
  );
});
