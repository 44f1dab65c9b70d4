/**
 * Reads an environment file the way systemd's `EnvironmentFile=` does, so that
 * `deploy.ts check` sees the values the service will get: `KEY=VALUE` lines, `#`/`;`
 * comment lines, values in single quotes (literal) or double quotes (may span lines;
 * `\"`, `\\`, `` \` ``, `\$` are escapes), a backslash at the end of a line continuing it.
 * @module
 */

/** A parsed file: the variables (the last assignment wins) and what looked wrong. */
export interface EnvFile {
  vars: Map<string, string>;
  /** Lines that systemd would ignore or misread, e.g. `line 4: "LISTEN 1" has no "="`. */
  problems: string[];
  /** Things that work but are likely mistakes, e.g. a variable set twice. */
  warnings: string[];
}

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
// escapes that mean the character itself inside double quotes (systemd env-file.c)
const DOUBLE_QUOTE_ESCAPES = new Set(['"', "\\", "`", "$"]);

/**
 * Parses `text`. Never throws: malformed lines become `problems`.
 *
 * @example
 * parseEnvFile('A=1\nB="x y"\n').vars; // Map { "A" => "1", "B" => "x y" }
 */
export function parseEnvFile(text: string): EnvFile {
  const vars = new Map<string, string>();
  const setAt = new Map<string, number>();
  const problems: string[] = [];
  const warnings: string[] = [];
  let i = 0;
  let line = 1;
  const atEnd = () => i >= text.length;
  const next = () => {
    const c = text[i++];
    if (c === "\n") line++;
    return c;
  };
  const skipLine = () => {
    while (!atEnd() && next() !== "\n");
  };

  while (!atEnd()) {
    while (!atEnd() && (text[i] === " " || text[i] === "\t" || text[i] === "\r")) i++;
    if (atEnd()) break;
    const startLine = line;
    const first = text[i];
    if (first === "\n") {
      next();
      continue;
    }
    if (first === "#" || first === ";") {
      skipLine();
      continue;
    }
    const eol = text.indexOf("\n", i);
    const rest = text.slice(i, eol < 0 ? text.length : eol);
    const eq = rest.indexOf("=");
    if (eq < 0) {
      problems.push(`line ${startLine}: "${rest.trim()}" has no "="; expected KEY=VALUE`);
      skipLine();
      continue;
    }
    const key = rest.slice(0, eq).trim();
    i += eq + 1;
    const value = readValue();
    if (value === null) {
      problems.push(`line ${startLine}: the quoted value of ${key} is not closed`);
      break;
    }
    if (!NAME.test(key)) {
      problems.push(`line ${startLine}: "${key}" is not a variable name (letters, digits, _)`);
      continue;
    }
    if (setAt.has(key)) {
      warnings.push(
        `line ${startLine}: ${key} is set again (first on line ${setAt.get(key)}); ` +
          "the last one wins",
      );
    }
    setAt.set(key, startLine);
    vars.set(key, value);
  }
  return { vars, problems, warnings };

  /** Reads from after `=` to the end of the logical line; null for an unclosed quote. */
  function readValue(): string | null {
    while (!atEnd() && (text[i] === " " || text[i] === "\t")) i++;
    let value = "";
    // unquoted trailing blanks are dropped; quoted ones are kept
    let keepUpTo = 0;
    while (!atEnd()) {
      const c = next();
      if (c === "\n") break;
      if (c === "\\") {
        if (atEnd()) break;
        const escaped = next();
        if (escaped !== "\n") value += escaped;
        keepUpTo = value.length;
      } else if (c === "'") {
        const close = text.indexOf("'", i);
        if (close < 0) return null;
        while (i <= close) value += next();
        value = value.slice(0, -1);
        keepUpTo = value.length;
      } else if (c === '"') {
        let closed = false;
        while (!atEnd()) {
          const d = next();
          if (d === '"') {
            closed = true;
            break;
          }
          if (d === "\\" && !atEnd()) {
            const escaped = next();
            if (escaped === "\n") continue; // line continuation
            value += DOUBLE_QUOTE_ESCAPES.has(escaped) ? escaped : `\\${escaped}`;
          } else {
            value += d;
          }
        }
        if (!closed) return null;
        keepUpTo = value.length;
      } else {
        value += c;
        if (c !== " " && c !== "\t" && c !== "\r") keepUpTo = value.length;
      }
    }
    return value.slice(0, keepUpTo);
  }
}
