/**
 * Command-line flags through `node:util` `parseArgs` (strict: unknown flags, missing values
 * and stray words are refused), with its errors turned into {@linkcode ConfigError}s in the
 * CLI's own words, so that `ajpgate` prints one plain line and exits 2.
 * @module
 */
import { parseArgs } from "node:util";
import { ConfigError } from "../config/proxy_pass.ts";

/** The flags a command takes: `--name` of `type`, repeatable when `multiple`. */
export type FlagSpec = Record<string, { type: "string" | "boolean"; multiple?: boolean }>;

/** Flag values by name (absent when not given) and the words that are not flags. */
export interface ParsedFlags {
  values: Record<string, string | boolean | string[] | undefined>;
  positionals: string[];
}

/**
 * Parses `args` against `spec`. `--name value` and `--name=value` both work; a repeated
 * flag that is not `multiple` keeps its last value. Throws ConfigError, with `hint`
 * appended (default none), for an unknown flag, a missing value, or a word when
 * `allowPositionals` is false.
 *
 * @example
 * ```ts
 * const { values } = parseFlags(["--db", "file:x.db", "--json"], {
 *   db: { type: "string" },
 *   json: { type: "boolean" },
 * }, false);
 * // values.db === "file:x.db", values.json === true
 * ```
 */
export function parseFlags(
  args: readonly string[],
  spec: FlagSpec,
  allowPositionals: boolean,
  hint = "",
): ParsedFlags {
  try {
    const { values, positionals } = parseArgs({
      args: [...args],
      options: spec,
      strict: true,
      allowPositionals,
    });
    return { values: values as ParsedFlags["values"], positionals };
  } catch (err) {
    const message = describeParseError(err);
    if (message === null) throw err;
    throw new ConfigError(message + hint);
  }
}

/** The CLI's wording for a `parseArgs` error, or null when `err` is not one. */
function describeParseError(err: unknown): string | null {
  const code = (err as { code?: unknown })?.code;
  const text = err instanceof Error ? err.message : "";
  // parseArgs names the flag or word in single quotes: "Unknown option '--nope'"
  const quoted = /'([^' ]*)/.exec(text)?.[1] ?? "";
  switch (code) {
    case "ERR_PARSE_ARGS_UNKNOWN_OPTION":
      return `unknown option "${quoted}"`;
    case "ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL":
      return `unexpected argument "${quoted}"`;
    case "ERR_PARSE_ARGS_INVALID_OPTION_VALUE":
      if (/does not take an argument/.test(text)) return `option "${quoted}" takes no value`;
      return /ambiguous/.test(text)
        ? `option "${quoted}" needs a value; for one that starts with "-", write ${quoted}=VALUE`
        : `option "${quoted}" needs a value`;
    default:
      return null;
  }
}
