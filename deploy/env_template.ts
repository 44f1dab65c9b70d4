/**
 * The environment file template installed as /etc/ajpgate/ajpgate.env: every AJPGATE_*
 * variable, commented out with its default, except the database URL, which points into the
 * state directory (the only place the unit lets the service write).
 * @module
 */
import { DEFAULT_DB_URL, LAYOUT } from "./layout.ts";

/**
 * Renders the template. It passes `deploy.ts check` as it is.
 *
 * @example
 * await Deno.writeTextFile("ajpgate.env", renderEnvTemplate(), { mode: 0o640 });
 */
export function renderEnvTemplate(): string {
  return `# ajpgate settings, read by systemd (EnvironmentFile= in ajpgate.service) for
# \`ajpgate start\`; the command line of ExecStart= would win over them.
# One KEY=VALUE per line; lines starting with # are comments. Quote values with spaces;
# a double-quoted value may span lines. Check this file with
#   deno run -A deploy.ts check --env-file ${LAYOUT.envFile}
# then apply it with: systemctl restart ajpgate

# Proxy listener, HOST:PORT ([::1]:8080 for IPv6). Ports below 1024 work: the unit
# grants CAP_NET_BIND_SERVICE.
#AJPGATE_LISTEN=0.0.0.0:8080

# Management API listener (/healthz, /metrics, /api/v1). Keep it off public networks.
#AJPGATE_ADMIN_LISTEN=127.0.0.1:9090

# Configuration database: file:PATH (under ${LAYOUT.stateDir}, the only writable place),
# or a libsql server: libsql://HOST, https://HOST (then AJPGATE_SECRET_KEY is required).
AJPGATE_DB=${DEFAULT_DB_URL}

# Auth token for a libsql server (unused with a file database).
#AJPGATE_DB_AUTH_TOKEN=

# Routes fixed at start, one "PREFIX ajp://HOST:PORT/PATH [key=value ...]" per line
# (keys: secret, max, timeout, connectiontimeout, acquire, ttl, packetsize, name,
# preservehost, min, ping, pingtimeout, pinginterval). Default: none; routes can also be
# managed through the API. For example:
#AJPGATE_PROXY_PASS="/app ajp://127.0.0.1:8009/app secret=CHANGE-ME
#/docs ajp://127.0.0.1:8009/docs"

# API token of the superuser "admin", at least 32 characters, e.g. from
# \`openssl rand -base64 32\`. Applied on every start (created, or rotated from an earlier
# value), so it also works when set after the first start: edit, then systemctl restart.
# Unset: the first start generates a token and prints it once to the journal
# (journalctl -u ajpgate); more with: ajpgate cli token create admin.
#AJPGATE_ADMIN_TOKEN=

# Key that encrypts secrets at rest: base64 of 32 bytes (\`openssl rand -base64 32\`).
# Unset with a file database: generated on the first start into DATABASE.key (mode 0600)
# beside the database; back it up with the database.
#AJPGATE_SECRET_KEY=

# Least severe log level written: debug, info (includes access logs), warn or error.
#AJPGATE_LOG_LEVEL=info

# Gateway processes sharing the proxy listener (1 to 64).
#AJPGATE_WORKERS=1

# TLS on the proxy listener: PEM certificate chain and key files, both or neither
# (e.g. under ${LAYOUT.configDir}, readable by the ajpgate group). Default: plain HTTP.
#AJPGATE_TLS_CERT=
#AJPGATE_TLS_KEY=
# CA bundle (PEM) to require and verify client certificates; needs the two above.
#AJPGATE_TLS_CLIENT_CA=
`;
}
