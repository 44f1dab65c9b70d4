/**
 * `deploy.ts install`: puts the binary, the environment file and the systemd unit in place
 * on this host, creates the service user and state directory, and starts the service.
 * The steps are planned first from what is already there, then printed (`--dry-run`, which
 * changes nothing) or carried out one by one. With `--prefix DIR` only files are written,
 * below DIR (a staging root): no user, no ownership, no systemctl.
 * @module
 */
import { dirname, join } from "node:path";
import { checkEnv } from "./check_env.ts";
import { parseEnvFile } from "./env_file.ts";
import { renderEnvTemplate } from "./env_template.ts";
import { LAYOUT, type Layout, SERVICE_USER, underPrefix } from "./layout.ts";
import { onPath, runCommand } from "./run_command.ts";
import { renderUnit } from "./unit.ts";

/** What to install, and how. */
export interface InstallOptions {
  /** The binary to install, e.g. dist/ajpgate; it may be missing for a dry run. */
  binary: string;
  /** Staging root, or null to install to `/`. */
  prefix: string | null;
  dryRun: boolean;
}

/** What the plan depends on, found out before anything changes. */
export interface HostFacts {
  binaryExists: boolean;
  envFileExists: boolean;
  /** The user `ajpgate` exists (always false with a prefix, where it is not asked). */
  userExists: boolean;
  /** systemd runs this host and systemctl is installed. */
  systemd: boolean;
}

/** One step: what it does in words, what to show with it, and the action itself. */
export interface InstallStep {
  say: string;
  /** A file's full text to print with the step (the unit file). */
  show?: { path: string; text: string };
  run?: () => Promise<void>;
}

/** Looks at this host without changing it. */
export async function gatherFacts(options: InstallOptions): Promise<HostFacts> {
  const layout = options.prefix === null ? LAYOUT : underPrefix(options.prefix);
  return {
    binaryExists: await isFile(options.binary),
    envFileExists: await exists(layout.envFile),
    userExists: options.prefix === null &&
      (await runCommand("id", ["-u", SERVICE_USER])).code === 0,
    systemd: options.prefix === null && await exists("/run/systemd/system") &&
      await onPath("systemctl"),
  };
}

/** The steps for `options` on a host described by `facts`. */
export function planInstall(options: InstallOptions, facts: HostFacts): InstallStep[] {
  const staged = options.prefix !== null;
  const to: Layout = options.prefix === null ? LAYOUT : underPrefix(options.prefix);
  const filesOnly = "--prefix: files only";
  const owner = (path: string, user: string, group: string) => async () => {
    if (!staged) await Deno.chown(path, await id("-u", user), await id("-g", group));
  };
  const steps: InstallStep[] = [];

  const useradd = [
    "--system",
    "--user-group",
    "--home-dir",
    LAYOUT.stateDir,
    "--no-create-home",
    "--shell",
    "/usr/sbin/nologin",
    SERVICE_USER,
  ];
  if (staged) {
    steps.push({ say: `skip creating the system user ${SERVICE_USER} (${filesOnly})` });
  } else if (facts.userExists) {
    steps.push({ say: `keep the existing user ${SERVICE_USER}` });
  } else {
    steps.push({
      say: `create the system user ${SERVICE_USER}: useradd ${useradd.join(" ")}`,
      run: async () => {
        const added = await runCommand("useradd", useradd);
        if (added.code !== 0) throw new Error(`useradd failed: ${added.stderr.trim()}`);
      },
    });
  }

  const ownedBy = staged ? "" : `, owner ${SERVICE_USER}:${SERVICE_USER}`;
  steps.push({
    say: `create ${to.stateDir} (mode 0750${ownedBy})`,
    run: async () => {
      await Deno.mkdir(to.stateDir, { recursive: true });
      await Deno.chmod(to.stateDir, 0o750);
      await owner(to.stateDir, SERVICE_USER, SERVICE_USER)();
    },
  });
  steps.push({
    say: `create ${to.configDir} (mode 0755)`,
    run: async () => {
      await Deno.mkdir(to.configDir, { recursive: true });
      await Deno.chmod(to.configDir, 0o755);
    },
  });
  if (facts.envFileExists) {
    steps.push({ say: `keep the existing ${to.envFile} (never overwritten)` });
  } else {
    steps.push({
      say: `write ${to.envFile} from the template (mode 0640${
        staged ? "" : `, owner root:${SERVICE_USER}`
      })`,
      run: async () => {
        // createNew: if one appeared since the plan was made, it is still not overwritten
        await Deno.writeTextFile(to.envFile, renderEnvTemplate(), { createNew: true, mode: 0o640 });
        await Deno.chmod(to.envFile, 0o640);
        await owner(to.envFile, "root", SERVICE_USER)();
      },
    });
  }
  steps.push({
    say: `install ${options.binary} as ${to.binary} (mode 0755)` +
      (facts.binaryExists ? "" : ` [${options.binary} is not built yet: run deno task compile]`),
    run: async () => {
      if (!facts.binaryExists) {
        throw new Error(`no binary at ${options.binary}: run deno task compile first`);
      }
      await replaceFile(to.binary, 0o755, (tmp) => Deno.copyFile(options.binary, tmp));
    },
  });
  const unit = renderUnit();
  steps.push({
    say: `write ${to.unitFile} (mode 0644)`,
    show: { path: to.unitFile, text: unit },
    run: () => replaceFile(to.unitFile, 0o644, (tmp) => Deno.writeTextFile(tmp, unit)),
  });
  steps.push({
    say: `check ${to.envFile}`,
    run: async () => {
      const file = parseEnvFile(await Deno.readTextFile(to.envFile));
      const verdict = await checkEnv(file.vars);
      const problems = [...file.problems, ...verdict.problems];
      for (const w of [...file.warnings, ...verdict.warnings]) console.log(`  warning: ${w}`);
      if (problems.length > 0) {
        throw new Error(
          `${to.envFile} has problems; fix them and install again:\n  ` +
            problems.join("\n  "),
        );
      }
    },
  });
  if (staged) {
    steps.push({ say: `skip systemctl daemon-reload, enable and restart (${filesOnly})` });
  } else if (!facts.systemd) {
    steps.push({
      say: `skip systemctl: systemd does not run this host; start ${LAYOUT.binary} start ` +
        `yourself as ${SERVICE_USER}, with the variables of ${LAYOUT.envFile}`,
    });
  } else {
    for (const args of [["daemon-reload"], ["enable", "ajpgate"], ["restart", "ajpgate"]]) {
      steps.push({
        // restart rather than start: on an upgrade the new binary must replace the old one
        say: `systemctl ${args.join(" ")}`,
        run: async () => {
          const done = await runCommand("systemctl", args);
          if (done.code !== 0) {
            throw new Error(`systemctl ${args.join(" ")} failed: ${done.stderr.trim()}`);
          }
        },
      });
    }
  }
  return steps;
}

/**
 * Plans and prints the steps, carrying them out unless `dryRun`. Returns the exit code.
 */
export async function install(options: InstallOptions): Promise<number> {
  if (options.prefix === null && !options.dryRun && Deno.uid() !== 0) {
    console.error(
      "deploy.ts install: installing to / needs root: run it with sudo, " +
        "or stage the files with --prefix DIR (or look first with --dry-run)",
    );
    return 1;
  }
  const facts = await gatherFacts(options);
  if (!options.dryRun && !facts.binaryExists) {
    console.error(
      `deploy.ts install: no binary at ${options.binary}: run deno task compile first ` +
        "(or pass --binary PATH)",
    );
    return 1;
  }
  const steps = planInstall(options, facts);
  if (options.dryRun) console.log("dry run: these steps would run; nothing is changed");
  for (const [i, step] of steps.entries()) {
    console.log(`[${i + 1}/${steps.length}] ${step.say}`);
    if (step.show) console.log(`--- ${step.show.path}\n${step.show.text}---`);
    if (options.dryRun || !step.run) continue;
    try {
      await step.run();
    } catch (err) {
      console.error(`deploy.ts install: ${err instanceof Error ? err.message : String(err)}`);
      return 1;
    }
  }
  if (options.dryRun) return 0;
  console.log(
    options.prefix === null
      ? `installed; settings are in ${LAYOUT.envFile} (then: systemctl restart ajpgate)`
      : `staged below ${options.prefix}`,
  );
  return 0;
}

/**
 * Writes `path` through a temporary file in the same directory and a rename, so a running
 * binary is replaced rather than overwritten in place (which fails with ETXTBSY).
 */
async function replaceFile(
  path: string,
  mode: number,
  write: (tmp: string) => Promise<void>,
): Promise<void> {
  await Deno.mkdir(dirname(path), { recursive: true });
  const tmp = join(dirname(path), `.${crypto.randomUUID()}.tmp`);
  try {
    await write(tmp);
    await Deno.chmod(tmp, mode);
    await Deno.rename(tmp, path);
  } catch (err) {
    await Deno.remove(tmp).catch(() => {});
    throw err;
  }
}

async function id(flag: "-u" | "-g", name: string): Promise<number> {
  const out = await runCommand("id", [flag, name]);
  if (out.code !== 0) throw new Error(`id ${flag} ${name} failed: ${out.stderr.trim()}`);
  return Number(out.stdout.trim());
}

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.lstat(path);
    return true;
  } catch {
    return false;
  }
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await Deno.stat(path)).isFile;
  } catch {
    return false;
  }
}
