/**
 * Help texts of the `ajpgate` command and its subcommands, built from one table of the `start`
 * options so that `--help`, the README's option table and the parser cannot drift apart.
 * `wantsHelp` and `wantsVersion` recognise every form a user types.
 * @module
 */
import { envName } from "./start_options.ts";

/** One `start` option: its name, value placeholder, default (as text) and meaning. */
export interface OptionDoc {
  name: string;
  value: string;
  default: string;
  meaning: string;
}

/** Every option of `ajpgate start`, in the order the help lists them. */
export const START_OPTIONS: readonly OptionDoc[] = [
  { name: "listen", value: "HOST:PORT", default: "0.0.0.0:8080", meaning: "proxy listener" },
  {
    name: "admin-listen",
    value: "HOST:PORT",
    default: "127.0.0.1:9090",
    meaning: "management listener (/healthz, /readyz, /metrics, /api/v1)",
  },
  {
    name: "proxy-pass",
    value: '"PREFIX ajp://HOST:PORT/PATH [key=value ...]"',
    default: "none",
    meaning: "a read-only route, repeatable (newline-separated in the environment)",
  },
  {
    name: "db",
    value: "URL",
    default: "file:./data/ajpgate.db",
    meaning: "file:PATH, :memory: (one process only), libsql:// or http(s)://",
  },
  {
    name: "log-level",
    value: "LEVEL",
    default: "info",
    meaning: "debug, info (access log), warn or error",
  },
  {
    name: "workers",
    value: "N",
    default: "1",
    meaning: "processes sharing the listeners (1-64; needs fixed ports and a shared --db)",
  },
  {
    name: "tls-cert",
    value: "FILE",
    default: "none",
    meaning: "PEM certificate chain: serve HTTPS on the proxy listener (with --tls-key)",
  },
  { name: "tls-key", value: "FILE", default: "none", meaning: "PEM private key of --tls-cert" },
  {
    name: "tls-client-ca",
    value: "FILE",
    default: "none",
    meaning: "PEM CA: require client certificates signed by it",
  },
  {
    name: "backend-allow",
    value: "CIDR,...",
    default: "none",
    meaning: "addresses API users who are not superusers may point connections at",
  },
  {
    name: "admin-host",
    value: "NAME,...",
    default: "none",
    meaning: "host names the management listener answers to besides its own address (else 421)",
  },
  {
    name: "header-timeout",
    value: "S",
    default: "20",
    meaning: "seconds for a whole request head (then the connection closes)",
  },
  {
    name: "keepalive-timeout",
    value: "S",
    default: "5",
    meaning: "seconds an idle kept-alive client connection stays open",
  },
  {
    name: "body-timeout",
    value: "S",
    default: "60",
    meaning: "seconds a request body may make no progress (then 408)",
  },
  {
    name: "max-connections",
    value: "N",
    default: "1000",
    meaning: "open client connections per listener; more get 503 (TLS: closed)",
  },
  {
    name: "max-headers",
    value: "N",
    default: "100",
    meaning: "request header fields; more get 431",
  },
  {
    name: "pre-read",
    value: "BYTES",
    default: "65536",
    meaning: "request bodies up to this size are read before a backend socket is taken",
  },
];

/** True when `args` ask for help: `--help`, `-h` or `help` as the first word. */
export function wantsHelp(args: readonly string[]): boolean {
  return args.includes("--help") || args.includes("-h") || args[0] === "help";
}

/** True for `--version`, `-V` and `version`. */
export function wantsVersion(arg: string | undefined): boolean {
  return arg === "--version" || arg === "-V" || arg === "version";
}

/** Top-level usage. */
export const MAIN_HELP = `usage: ajpgate COMMAND [options]

commands:
  start     run the gateway (ajpgate start --help lists every option)
  cli       manage users, tokens, routes and connections in the database (ajpgate cli --help)
  check     validate an environment file as start would read it (ajpgate check --help)
  version   print the version (also --version, -V)
  help      this text (also --help, -h; after a command: that command's help)

example:
  ajpgate start --proxy-pass "/app ajp://127.0.0.1:8009/app secret=s3cret"`;

/** Help of `ajpgate start`. */
export function startHelp(): string {
  const lines = START_OPTIONS.map((o) =>
    `  --${o.name} ${o.value}\n      ${o.meaning}\n      default ${o.default}; env ${
      envName(o.name)
    }`
  );
  return `usage: ajpgate start [options]

Runs the gateway: HTTP on --listen, forwarded over AJP13 to the routes' backends; the
management API on --admin-listen. Each option may also come from its environment variable;
the command line wins.

options:
${lines.join("\n")}
  -h, --help     this text
  -V, --version  print the version

environment only:
  AJPGATE_ADMIN_TOKEN    a superuser token (32+ characters) that always works: stored on each
                         start for user "admin" as token "AJPGATE_ADMIN_TOKEN" (created, or
                         rotated to this value)
  AJPGATE_SECRET_KEY     base64 of 32 bytes encrypting stored secrets (default: a key file
                         beside a file database)
  AJPGATE_DB_AUTH_TOKEN  token for a libsql:// or http(s):// database

--proxy-pass keys: secret, max (64), min (0), acquire (10000 ms), timeout (60 s),
connectiontimeout (5 s), ttl (7200 s), packetsize (8192), ping (none), pingtimeout (5000 ms),
pinginterval (10000 ms), name (HOST-PORT), preservehost (on).

example:
  ajpgate start --listen 127.0.0.1:8080 \\
    --proxy-pass "/app ajp://127.0.0.1:8009/app secret=s3cret"`;
}

/** Help of `ajpgate cli`, or of one of its subcommands (`user`, `token`, ...). */
export function cliHelp(topic?: string): string {
  const commands: Record<string, string> = {
    user: `  user add NAME [--superuser]    create a user (--superuser: may do everything)
  user list                      list users`,
    token: `  token create USER [--name N]   create an API token for USER (printed once; name: cli)
  token list USER                list USER's tokens (id, name, created, last used, revoked)
  token revoke USER ID           revoke token ID of USER`,
    route: `  route list                     list routes (id, host, prefix, target, backend path)`,
    connection: `  connection list                list connections (name, type, target, enabled)`,
  };
  const shown = topic !== undefined && commands[topic] !== undefined
    ? commands[topic]
    : Object.values(commands).join("\n");
  const title = topic !== undefined && commands[topic] !== undefined ? ` ${topic}` : "";
  return `usage: ajpgate cli${title} COMMAND [options]

Runs one management task directly on the configuration database (no running gateway needed).

commands:
${shown}

options:
  --db URL      database, default file:./data/ajpgate.db; env AJPGATE_DB
  --create      create the database when it does not exist (default: refuse, to catch typos)
  --json        print JSON instead of a table (list commands)
  -h, --help    this text

example:
  ajpgate cli token create admin --db file:./data/ajpgate.db`;
}

/** Help of `ajpgate check`. */
export const CHECK_HELP = `usage: ajpgate check [FILE]

Validates an environment file (KEY=VALUE lines, as systemd reads them) exactly as start would
read it, without starting: prints "ok: ..." and exits 0, or one line per problem and exits 2.

arguments:
  FILE          the file, default /etc/ajpgate/ajpgate.env (also --file FILE)

options:
  -h, --help    this text

example:
  ajpgate check /etc/ajpgate/ajpgate.env`;
