/**
 * Reading a small request body as text with a cap counted as it streams and a deadline,
 * so a client that sends more (or lies in Content-Length), or sends slowly, costs at most
 * `max` bytes and `timeoutMs`.
 * @module
 */
import { concatBytes } from "../../codec/bytes.ts";

/** The body as UTF-8 text, or null when longer than `max` bytes or slower than `timeoutMs` (default 10 s). */
export async function readCappedText(
  req: Request,
  max: number,
  timeoutMs = 10_000,
): Promise<string | null> {
  const declared = Number(req.headers.get("content-length") ?? "0");
  if (declared > max) {
    await req.body?.cancel().catch(() => {});
    return null;
  }
  if (req.body === null) return "";
  const reader = req.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<"late">((r) => timer = setTimeout(() => r("late"), timeoutMs));
  try {
    while (true) {
      const next = await Promise.race([reader.read(), late]);
      if (next === "late") {
        await reader.cancel().catch(() => {});
        return null;
      }
      if (next.done) break;
      size += next.value.byteLength;
      if (size > max) {
        await reader.cancel().catch(() => {});
        return null;
      }
      chunks.push(next.value);
    }
  } finally {
    clearTimeout(timer);
  }
  return new TextDecoder().decode(concatBytes(chunks));
}
