/**
 * The programs the benchmark drives, found on PATH (plus /usr/sbin for apache2) and installed
 * with apt-get when missing and allowed.
 * @module
 */

/** Where each tool was found; null when missing. */
export interface Tools {
  wrk: string | null;
  apache2: string | null;
  curl: string | null;
  /** The HTTP/2 load generator of the TLS rows. */
  h2load: string | null;
  /** Why Tomcat cannot run (tests/support/tomcat.ts tomcatAvailable), or null. */
  tomcat: string | null;
}

/** Debian packages that provide each tool. */
const PACKAGES: Record<keyof Tools, string[]> = {
  wrk: ["wrk"],
  apache2: ["apache2"],
  curl: ["curl"],
  h2load: ["nghttp2-client"],
  tomcat: ["tomcat10", "default-jdk-headless"],
};

/** The absolute path of `name` on PATH or in the sbin directories, or null. */
export function which(name: string): string | null {
  const dirs = [...(Deno.env.get("PATH") ?? "").split(":"), "/usr/sbin", "/sbin"];
  for (const dir of dirs) {
    if (!dir) continue;
    try {
      const info = Deno.statSync(`${dir}/${name}`);
      if (info.isFile && ((info.mode ?? 0o111) & 0o111) !== 0) return `${dir}/${name}`;
    } catch { /* not here */ }
  }
  return null;
}

/** Looks the tools up; `tomcatReason` is the harness's availability check. */
export function findTools(tomcatReason: () => string | null): Tools {
  return {
    wrk: which("wrk"),
    apache2: which("apache2"),
    curl: which("curl"),
    h2load: which("h2load"),
    tomcat: tomcatReason(),
  };
}

/** The names of the missing tools. */
export function missingTools(tools: Tools): (keyof Tools)[] {
  return (Object.keys(tools) as (keyof Tools)[]).filter((k) =>
    k === "tomcat" ? tools.tomcat !== null : tools[k] === null
  );
}

/**
 * Installs the packages of the missing tools with `apt-get install -y` (after
 * `apt-get update` if the first attempt fails). Only as root; otherwise, or on failure,
 * returns a message and installs nothing. Returns null when it installed something.
 */
export async function installMissing(
  missing: (keyof Tools)[],
  log: (line: string) => void,
): Promise<string | null> {
  if (missing.length === 0) return null;
  const packages = missing.flatMap((t) => PACKAGES[t]);
  if (Deno.uid() !== 0) {
    return `not root, so not installing ${packages.join(" ")}: sudo apt-get install -y ${
      packages.join(" ")
    }`;
  }
  log(`installing ${packages.join(" ")} with apt-get`);
  const env = { DEBIAN_FRONTEND: "noninteractive" };
  const apt = (args: string[]) =>
    new Deno.Command("apt-get", { args, env, stdin: "null", stdout: "null", stderr: "piped" })
      .output();
  let out = await apt(["install", "-y", "-q", ...packages]);
  if (!out.success) {
    await apt(["update", "-q"]);
    out = await apt(["install", "-y", "-q", ...packages]);
  }
  if (!out.success) {
    return `apt-get install ${packages.join(" ")} failed:\n${
      new TextDecoder().decode(out.stderr).trim()
    }`;
  }
  return null;
}
