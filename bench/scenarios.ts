/**
 * What the comparative benchmark measures, against every front in turn. Paths are relative to
 * a front's base URL, which maps to the test webapp's `/app` context (tests/webapp).
 * @module
 */

/** A load scenario run with wrk (2 threads, `--latency`). */
export interface WrkScenario {
  id: string;
  label: string;
  path: string;
  connections: number;
  /** Send each request as a POST with a body of this many bytes. Default: GET. */
  postBytes?: number;
}

/** The wrk scenarios, in order. */
export const WRK_SCENARIOS: readonly WrkScenario[] = [
  // The webapp's hello.txt is 35 bytes; /stream with cl=1 gives exactly 13 with Content-Length.
  {
    id: "get-13b-c32",
    label: "GET 13 B, 32 conns",
    path: "/stream?bytes=13&cl=1",
    connections: 32,
  },
  {
    id: "get-13b-c256",
    label: "GET 13 B, 256 conns",
    path: "/stream?bytes=13&cl=1",
    connections: 256,
  },
  {
    id: "get-1mib-c32",
    label: "GET 1 MiB, 32 conns",
    path: "/stream?bytes=1048576&cl=1",
    connections: 32,
  },
  // /sha reads the whole body, then answers a short JSON: a half-duplex exchange.
  {
    id: "post-8kib-c32",
    label: "POST 8 KiB, 32 conns",
    path: "/sha",
    connections: 32,
    postBytes: 8192,
  },
];

/** A single timed curl transfer. */
export interface TransferScenario {
  id: "upload" | "download";
  label: string;
  /** Path for `bytes` bytes. */
  path(bytes: number): string;
}

/** The upload (PUT to /sha, which hashes the body) and the download (/stream, with length). */
export const TRANSFER_SCENARIOS: readonly TransferScenario[] = [
  { id: "upload", label: "upload", path: () => "/sha" },
  { id: "download", label: "download", path: (bytes) => `/stream?bytes=${bytes}&cl=1` },
];

/** "1 GiB", "64 MiB", "512 KiB" or "100 B". */
export function formatSize(bytes: number): string {
  for (const [unit, scale] of [["GiB", 2 ** 30], ["MiB", 2 ** 20], ["KiB", 2 ** 10]] as const) {
    if (bytes >= scale && bytes % scale === 0) return `${bytes / scale} ${unit}`;
  }
  return `${bytes} B`;
}
