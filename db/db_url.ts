/**
 * Classifies a database URL, so opening and key loading treat local files,
 * in-memory databases and remote servers each in their own way.
 * @module
 */

/** Where a database lives: in memory, in a local file (`path` as given), or on a server. */
export type DbLocation =
  | { kind: "memory" }
  | { kind: "file"; path: string }
  | { kind: "remote" };

const REMOTE_SCHEMES = ["libsql:", "http:", "https:", "ws:", "wss:"];

/**
 * Parses `:memory:`, `file:PATH` (relative `file:data/a.db`, absolute `file:/srv/a.db`
 * or `file:///srv/a.db`), `libsql://`, `http(s)://` and `ws(s)://` URLs.
 *
 * @example
 * parseDbUrl("file:data/ajpgate.db"); // { kind: "file", path: "data/ajpgate.db" }
 */
export function parseDbUrl(url: string): DbLocation {
  if (url === ":memory:" || url === "file::memory:") return { kind: "memory" };
  if (url.startsWith("file:")) {
    const rest = url.slice("file:".length).split("?")[0];
    const path = rest.startsWith("//") ? decodeURIComponent(new URL(url).pathname) : rest;
    if (path === "" || path.endsWith("/")) {
      throw new Error(
        `database URL "${url}" names no file; use file:PATH, e.g. file:data/ajpgate.db`,
      );
    }
    return { kind: "file", path };
  }
  const scheme = /^[a-z][a-z0-9+.-]*:/i.exec(url)?.[0].toLowerCase();
  if (scheme !== undefined && REMOTE_SCHEMES.includes(scheme)) return { kind: "remote" };
  throw new Error(
    `database URL "${url}" is not supported; use file:PATH, :memory:, libsql://, http(s)://`,
  );
}
