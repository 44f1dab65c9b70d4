/**
 * What the management API needs from the running proxy, without knowing how it runs:
 * live state and counters of each stored connection, the read-only command-line routes,
 * and the actions that act on sockets (reset) or make a stored change take effect now.
 * @module
 */
import type { UpstreamState } from "../proxy/upstream.ts";

/** Live status of one connection. */
export interface ConnectionStatus {
  state: UpstreamState;
  /** Set while in state "error". */
  error: { message: string; since: string } | null;
  stats: {
    idle: number;
    busy: number;
    requests: number;
    failures: number;
    bytesIn: number;
    bytesOut: number;
  };
}

/** A route given on the command line: shown by the API, never editable there. */
export interface ReadOnlyRoute {
  id: string;
  host: string | null;
  pathPrefix: string;
  connection: string;
  backendPath: string;
  preserveHost: boolean;
  enabled: true;
  readOnly: true;
}

/** See module doc. */
export interface LiveView {
  /** Live status of the stored connection `name` (case-insensitive); idle if not yet loaded. */
  status(name: string): ConnectionStatus;
  /** Routes from the command line. */
  readOnlyRoutes(): ReadOnlyRoute[];
  /** Applies the stored configuration now (after a change made through this instance). */
  refresh(): Promise<void>;
  /** Closes every socket of the connection (exchanges in flight finish first). */
  reset(name: string): Promise<void>;
}
