/**
 * Hostile input: random bytes and mutated valid packets fed to FrameReader and every decoder may
 * only ever produce a message or an AjpProtocolError, never a RangeError, TypeError or a hang.
 */

import assert from "node:assert/strict";
import fc from "fast-check";
import {
  AjpProtocolError,
  concatBytes,
  decodeBodyPacket,
  decodeContainerMessage,
  decodeForwardRequest,
  decodeProxyMessage,
  encodeContainerMessage,
  encodeForwardRequest,
  FrameReader,
  MAGIC_FROM_CONTAINER,
  MAGIC_TO_CONTAINER,
} from "../codec/mod.ts";
import { containerMessage, forwardRequest } from "./fixtures/ajp_arbitraries.ts";

const DECODERS = [
  decodeContainerMessage,
  decodeProxyMessage,
  decodeForwardRequest,
  decodeBodyPacket,
];

/** Runs `fn`; an AjpProtocolError is fine, anything else fails the property. */
function onlyProtocolErrors(fn: () => unknown): void {
  try {
    fn();
  } catch (err) {
    if (!(err instanceof AjpProtocolError)) throw err;
  }
}

function decodeAll(payload: Uint8Array): void {
  for (const decode of DECODERS) onlyProtocolErrors(() => decode(payload));
}

function encodedForward(req: Parameters<typeof encodeForwardRequest>[0]): Uint8Array {
  const out = new Uint8Array(8192);
  return out.slice(0, encodeForwardRequest(req, out));
}

/** A valid packet of either direction. */
const validPacket = fc.oneof(
  forwardRequest.map(encodedForward),
  containerMessage.map((m) => encodeContainerMessage(m)),
);

/** Overwrites, truncates or extends a packet's bytes (header included). */
const mutatedPacket = fc.tuple(
  validPacket,
  fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 4 }),
  fc.oneof(fc.constant(0), fc.integer({ min: -20, max: 20 })),
).map(([packet, edits, resize]) => {
  const out = new Uint8Array(Math.max(0, packet.length + resize));
  out.set(packet.subarray(0, out.length));
  for (const [at, value] of edits) if (out.length > 0) out[at % out.length] = value;
  return out;
});

Deno.test("fuzz: random payloads only ever give AjpProtocolError", () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 300 }), (payload) => decodeAll(payload)),
    { numRuns: 3000 },
  );
});

Deno.test("fuzz: mutated valid payloads only ever give AjpProtocolError", () => {
  fc.assert(
    fc.property(mutatedPacket, (packet) => decodeAll(packet.subarray(4))),
    { numRuns: 3000 },
  );
});

Deno.test("fuzz: FrameReader on mutated streams in random chunks only gives AjpProtocolError", () => {
  const stream = fc.array(fc.oneof(validPacket, mutatedPacket, fc.uint8Array({ maxLength: 40 })), {
    minLength: 1,
    maxLength: 6,
  });
  fc.assert(
    fc.property(
      stream,
      fc.array(fc.integer({ min: 1, max: 600 }), { minLength: 1, maxLength: 20 }),
      fc.constantFrom(MAGIC_TO_CONTAINER, MAGIC_FROM_CONTAINER),
      (parts, cuts, magic) => {
        const bytes = concatBytes(parts);
        const reader = new FrameReader(magic, 8192);
        let failed: unknown = null;
        for (let at = 0, i = 0; at < bytes.length; i++) {
          const end = Math.min(bytes.length, at + cuts[i % cuts.length]);
          try {
            for (const payload of reader.push(bytes.subarray(at, end))) decodeAll(payload);
          } catch (err) {
            if (!(err instanceof AjpProtocolError)) throw err;
            failed = err;
            break;
          }
          at = end;
        }
        // Once failed, the reader keeps failing with the same error.
        if (failed !== null) {
          assert.throws(() => reader.push(new Uint8Array(1)), (e) => e === failed);
        }
      },
    ),
    { numRuns: 2000 },
  );
});

Deno.test("fuzz: random headers with a valid magic never allocate past the packet size", () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 0, max: 0xffff }),
      fc.constantFrom(8192, 65536),
      (length, size) => {
        const reader = new FrameReader(MAGIC_FROM_CONTAINER, size);
        const header = new Uint8Array([0x41, 0x42, length >> 8, length & 0xff]);
        if (length <= size - 4) {
          assert.deepEqual(reader.push(header), length === 0 ? [new Uint8Array(0)] : []);
        } else {
          assert.throws(() => reader.push(header), AjpProtocolError);
        }
      },
    ),
    { numRuns: 2000 },
  );
});
