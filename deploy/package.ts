/**
 * `deploy.ts package`: `dist/ajpgate-<version>-<target>.tar.gz` holding one directory with
 * the binary, the systemd unit, the environment file template and INSTALL, which lists the
 * commands that `deploy.ts install` would run, for hosts without Deno.
 * @module
 */
import { join } from "node:path";
import { renderEnvTemplate } from "./env_template.ts";
import { DEFAULT_DB_URL, LAYOUT, SERVICE_USER } from "./layout.ts";
import { runCommand } from "./run_command.ts";
import { renderUnit } from "./unit.ts";

/** What to pack. */
export interface PackageOptions {
  /** The compiled binary (default dist/ajpgate). */
  binary: string;
  /** Its target, e.g. x86_64-unknown-linux-gnu; it names the archive. */
  target: string;
  version: string;
  /** Where the archive goes (default dist/). */
  outDir: string;
}

/** The archive's name without `.tar.gz`, also the directory inside it. */
export function packageName(version: string, target: string): string {
  return `ajpgate-${version}-${target}`;
}

/**
 * Writes the archive and returns its path. Throws with a message for the operator when the
 * binary is missing or the target has no systemd.
 */
export async function buildPackage(options: PackageOptions): Promise<string> {
  if (!options.target.includes("-linux-")) {
    throw new Error(`the package is for systemd on Linux; target ${options.target} is not`);
  }
  try {
    if (!(await Deno.stat(options.binary)).isFile) throw new Error();
  } catch {
    throw new Error(`no binary at ${options.binary}: run deno task compile first`);
  }
  const name = packageName(options.version, options.target);
  const stage = await Deno.makeTempDir({ prefix: "ajpgate-package-" });
  try {
    const dir = join(stage, name);
    await Deno.mkdir(dir);
    const files: [string, number, (path: string) => Promise<void>][] = [
      ["ajpgate", 0o755, (path) => Deno.copyFile(options.binary, path)],
      ["ajpgate.service", 0o644, (path) => Deno.writeTextFile(path, renderUnit())],
      ["ajpgate.env", 0o640, (path) => Deno.writeTextFile(path, renderEnvTemplate())],
      ["INSTALL", 0o644, (path) => Deno.writeTextFile(path, renderInstallDoc(options))],
    ];
    for (const [file, mode, write] of files) {
      await write(join(dir, file));
      await Deno.chmod(join(dir, file), mode);
    }
    await Deno.mkdir(options.outDir, { recursive: true });
    const archive = join(options.outDir, `${name}.tar.gz`);
    const tar = await runCommand("tar", [
      "-C",
      stage,
      "--owner=0",
      "--group=0",
      "--numeric-owner",
      "-czf",
      archive,
      name,
    ]);
    if (tar.code !== 0) throw new Error(`tar failed (exit ${tar.code}): ${tar.stderr.trim()}`);
    return archive;
  } finally {
    await Deno.remove(stage, { recursive: true });
  }
}

/** The INSTALL file: what is in the archive and the commands that install it by hand. */
export function renderInstallDoc(options: Pick<PackageOptions, "version" | "target">): string {
  const name = packageName(options.version, options.target);
  const { binary, configDir, envFile, stateDir, unitFile } = LAYOUT;
  const user = SERVICE_USER;
  return `ajpgate ${options.version} for ${options.target}

  ajpgate          the gateway (self-contained; \`ajpgate --version\`)
  ajpgate.service  systemd unit: runs \`ajpgate start\` as user ${user}, read-only system,
                   state in ${stateDir}, restarted on failure
  ajpgate.env      settings template (every AJPGATE_* variable, with its default)

Install, as root (the same steps as \`deno run -A deploy.ts install\` in the source tree):

  tar xzf ${name}.tar.gz && cd ${name}
  id ${user} >/dev/null 2>&1 || useradd --system --user-group --home-dir ${stateDir} \\
    --no-create-home --shell /usr/sbin/nologin ${user}
  install -d -m 0750 -o ${user} -g ${user} ${stateDir}
  install -d -m 0755 ${configDir}
  [ -e ${envFile} ] || install -m 0640 -o root -g ${user} ajpgate.env ${envFile}
  install -m 0755 ajpgate ${binary}
  install -m 0644 ajpgate.service ${unitFile}
  systemctl daemon-reload && systemctl enable ajpgate && systemctl restart ajpgate

Then set the routes and tokens in ${envFile} (an existing one is never overwritten)
and apply them with \`systemctl restart ajpgate\`. Logs: \`journalctl -u ajpgate\`; without
AJPGATE_ADMIN_TOKEN the first start prints the admin token there once. AJPGATE_ADMIN_TOKEN
works whenever it is set: each start makes it a superuser token of "admin" (rotating an
earlier value), so setting it after the first start and restarting is enough.
Check the file before restarting: ${binary} check ${envFile}
Management commands run as the service user, e.g.
  sudo -u ${user} ${binary} cli connection list --db ${DEFAULT_DB_URL}
Upgrade: install the new binary the same way, then \`systemctl restart ajpgate\`.
`;
}
