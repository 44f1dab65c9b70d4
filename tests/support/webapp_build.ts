/**
 * Builds the test webapp (tests/webapp) into an exploded directory that Tomcat can serve, once
 * per version of its sources: the result is cached under `.build/webapp/<hash>`.
 * @module
 */

import { concatBytes } from "../../codec/bytes.ts";

const REPO_ROOT = new URL("../../", import.meta.url);

/** Options of {@link buildWebapp}. */
export interface BuildWebappOptions {
  /** The servlet API jar to compile against. Default `<tomcatHome>/lib/servlet-api.jar`. */
  servletApiJar: string;
  /** The webapp sources: `src/` (Java), `WEB-INF/`, `static/`. Default `tests/webapp`. */
  sourceDir?: string;
  /** Where built webapps are kept. Default `.build/webapp` in the repository. */
  cacheDir?: string;
  /** The javac to run. Default `javac` on PATH. */
  javac?: string;
}

/**
 * Returns the path of the exploded webapp (WEB-INF/classes, WEB-INF/web.xml and the static
 * files), compiling it with javac only when no build of the current sources exists. The build
 * happens in a private temporary directory that is renamed into place, so test files running
 * in parallel may build at the same time: the first rename wins and the others use its result.
 */
export async function buildWebapp(options: BuildWebappOptions): Promise<string> {
  const sourceDir = options.sourceDir ?? repoPath("tests/webapp");
  const cacheDir = options.cacheDir ?? repoPath(".build/webapp");
  const files = await listFiles(sourceDir);
  const hash = await hashFiles(sourceDir, files, options.servletApiJar);
  const target = `${cacheDir}/${hash}`;
  if (await exists(`${target}/WEB-INF/web.xml`)) return target;

  await Deno.mkdir(cacheDir, { recursive: true });
  const tmp = await Deno.makeTempDir({ dir: cacheDir, prefix: ".tmp-" });
  try {
    await Deno.mkdir(`${tmp}/WEB-INF/classes`, { recursive: true });
    const sources: string[] = [];
    for (const file of files) {
      if (file.startsWith("src/")) {
        if (file.endsWith(".java")) sources.push(`${sourceDir}/${file}`);
      } else {
        // WEB-INF/* keeps its place; static/* goes to the root of the webapp.
        const dest = `${tmp}/${file.replace(/^static\//, "")}`;
        await Deno.mkdir(dest.slice(0, dest.lastIndexOf("/")), { recursive: true });
        await Deno.copyFile(`${sourceDir}/${file}`, dest);
      }
    }
    const javac = new Deno.Command(options.javac ?? "javac", {
      args: [
        "--release",
        "17",
        "-encoding",
        "UTF-8",
        "-cp",
        options.servletApiJar,
        "-d",
        `${tmp}/WEB-INF/classes`,
        ...sources,
      ],
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    });
    const out = await javac.output();
    if (!out.success) {
      const text = new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr);
      throw new Error(`javac failed to compile the test webapp in ${sourceDir}:\n${text}`);
    }
    try {
      await Deno.rename(tmp, target);
    } catch (err) {
      // Another test process finished the same build first; its result is identical.
      if (!(await exists(`${target}/WEB-INF/web.xml`))) throw err;
    }
  } finally {
    await Deno.remove(tmp, { recursive: true }).catch(() => {});
  }
  return target;
}

/** The absolute path of `rel` in the repository. */
function repoPath(rel: string): string {
  return decodeURIComponent(new URL(rel, REPO_ROOT).pathname);
}

/** Relative paths of all files under `dir`, sorted so the hash is stable. */
async function listFiles(dir: string, prefix = ""): Promise<string[]> {
  const out: string[] = [];
  for await (const entry of Deno.readDir(`${dir}/${prefix}`)) {
    const rel = `${prefix}${entry.name}`;
    if (entry.isDirectory) out.push(...await listFiles(dir, `${rel}/`));
    else if (entry.isFile) out.push(rel);
  }
  return out.sort();
}

/** A short hex SHA-256 over every file's path and content and the servlet API jar's path. */
async function hashFiles(dir: string, files: string[], servletApiJar: string): Promise<string> {
  const enc = new TextEncoder();
  const parts: Uint8Array[] = [enc.encode(`${servletApiJar}\0`)];
  for (const file of files) {
    parts.push(enc.encode(`${file}\0`), await Deno.readFile(`${dir}/${file}`), enc.encode("\0"));
  }
  const all = concatBytes(parts);
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", all));
  return Array.from(digest.subarray(0, 8), (b) => b.toString(16).padStart(2, "0")).join("");
}

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.stat(path);
    return true;
  } catch {
    return false;
  }
}
