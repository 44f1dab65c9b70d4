/**
 * Where an installed ajpgate lives on a systemd host. The unit file, the environment
 * template, INSTALL and `deploy.ts install` all take their paths from here.
 * @module
 */
import { join } from "node:path";

/** The system user and group the service runs as. */
export const SERVICE_USER = "ajpgate";

/** Absolute paths on the target host. */
export interface Layout {
  /** The gateway binary: /usr/local/bin/ajpgate, on PATH for `ajpgate cli ...`. */
  binary: string;
  /** Configuration directory: /etc/ajpgate. */
  configDir: string;
  /** The environment file the unit reads: /etc/ajpgate/ajpgate.env. */
  envFile: string;
  /** State (database and its key file): /var/lib/ajpgate, the only writable place. */
  stateDir: string;
  /** The systemd unit: /etc/systemd/system/ajpgate.service. */
  unitFile: string;
}

/** The paths as the service sees them at run time. */
export const LAYOUT: Layout = {
  binary: "/usr/local/bin/ajpgate",
  configDir: "/etc/ajpgate",
  envFile: "/etc/ajpgate/ajpgate.env",
  stateDir: "/var/lib/ajpgate",
  unitFile: "/etc/systemd/system/ajpgate.service",
};

/** The database URL the environment template sets: a file in the state directory. */
export const DEFAULT_DB_URL = `file:${LAYOUT.stateDir}/ajpgate.db`;

/**
 * {@link LAYOUT} below `prefix` (a staging root, like DESTDIR), or unchanged for `/`.
 *
 * @example
 * underPrefix("/tmp/stage").envFile; // "/tmp/stage/etc/ajpgate/ajpgate.env"
 */
export function underPrefix(prefix: string): Layout {
  const at = (path: string) => join(prefix, path);
  return {
    binary: at(LAYOUT.binary),
    configDir: at(LAYOUT.configDir),
    envFile: at(LAYOUT.envFile),
    stateDir: at(LAYOUT.stateDir),
    unitFile: at(LAYOUT.unitFile),
  };
}
