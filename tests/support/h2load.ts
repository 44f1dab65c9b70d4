/**
 * Runs h2load (Debian package nghttp2-client), the HTTP/2 load generator, and reads its
 * totals.
 * @module
 */

/** h2load's totals line: "requests: N total, N started, N done, N succeeded, N failed, ...". */
export interface H2loadResult {
  succeeded: number;
  failed: number;
  errored: number;
  /** Responses with a 2xx status. */
  status2xx: number;
  /** Everything h2load printed, for failure messages. */
  output: string;
}

/** Null when h2load can run here, else why not (for `Deno.test({ ignore })`). */
export function h2loadAvailable(): string | null {
  try {
    new Deno.Command("h2load", { args: ["--version"], stdout: "null", stderr: "null" })
      .outputSync();
    return null;
  } catch {
    return "h2load is not installed (apt-get install nghttp2-client)";
  }
}

/**
 * Runs `h2load ARGS` (URL last), at most `timeoutMs` (default 120 000), and parses the totals;
 * throws with the output when they are missing.
 */
export async function runH2load(args: string[], timeoutMs = 120_000): Promise<H2loadResult> {
  const out = await new Deno.Command("h2load", {
    args,
    stdout: "piped",
    stderr: "piped",
    signal: AbortSignal.timeout(timeoutMs),
  }).output();
  const output = new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr);
  const totals =
    /requests: \d+ total, \d+ started, \d+ done, (\d+) succeeded, (\d+) failed, (\d+) errored/
      .exec(output);
  if (!totals) throw new Error(`h2load ${args.join(" ")} printed no totals:\n${output}`);
  const codes = /status codes: (\d+) 2xx/.exec(output);
  return {
    succeeded: Number(totals[1]),
    failed: Number(totals[2]),
    errored: Number(totals[3]),
    status2xx: codes ? Number(codes[1]) : 0,
    output,
  };
}
