/**
 * CPU time of a process tree from /proc/PID/stat, of this process's reaped children (the load
 * generator), and its cost per request or per MiB: on a 2-core machine shared by the load
 * generator, Tomcat and the proxy, this shows where the cores went rather than only how fast
 * the whole chain was.
 * @module
 */

import { readProcFile, sumOverTree } from "./process.ts";

/** Clock ticks per second of /proc's times when `getconf CLK_TCK` cannot say (Linux: 100). */
export const DEFAULT_CLOCK_TICKS = 100;

/** The four CPU times of a /proc/PID/stat line (fields 14 to 17), in clock ticks. */
export interface StatTimes {
  /** User and system time of the process itself (all its threads). */
  utime: number;
  stime: number;
  /** User and system time of its children that ended and were waited for (reaped). */
  cutime: number;
  cstime: number;
}

/**
 * Fields 14 to 17 of a /proc/PID/stat line, or null when the line is not one. Fields are
 * counted after the last ")", since the command name (field 2) may hold spaces and
 * parentheses (`proc(5)`).
 */
export function parseStatTimes(stat: string): StatTimes | null {
  const close = stat.lastIndexOf(")");
  if (close < 0) return null;
  // After ")": field 3 (state) is index 0, so field n is index n - 3.
  const fields = stat.slice(close + 1).trim().split(/\s+/);
  const times = fields.slice(14 - 3, 17 - 3 + 1).map(Number);
  if (times.length !== 4 || times.some((t) => !Number.isInteger(t) || t < 0)) return null;
  const [utime, stime, cutime, cstime] = times;
  return { utime, stime, cutime, cstime };
}

/**
 * utime + stime + cutime + cstime of a /proc/PID/stat line, or null when the line is not one.
 * The reaped children's times count too, so that a child that ends during a measurement (an
 * httpd process retired, a gateway worker replaced) still counts: its own ticks leave the
 * tree, and come back in its parent's cutime and cstime.
 */
export function parseStatTicks(stat: string): number | null {
  const t = parseStatTimes(stat);
  return t === null ? null : t.utime + t.stime + t.cutime + t.cstime;
}

/**
 * cutime + cstime of a /proc/PID/stat line: the CPU of the process's children that were
 * waited for, with their own reaped descendants; null when the line is not one.
 */
export function parseReapedChildTicks(stat: string): number | null {
  const t = parseStatTimes(stat);
  return t === null ? null : t.cutime + t.cstime;
}

/**
 * The CPU ticks of this process's reaped children ({@link parseReapedChildTicks} of
 * /proc/self/stat), or null where there is no /proc. A child run to its end with
 * `Deno.Command.output()` (wrk, curl) is reaped before that resolves, so the difference of two
 * readings around it is its CPU, provided no other child ended in between.
 */
export function readReapedChildTicks(): number | null {
  const stat = readProcFile("self", "stat");
  return stat === null ? null : parseReapedChildTicks(stat);
}

/** The CPU ticks of `pid` ({@link parseStatTicks}), or null when the process is gone. */
export function readCpuTicks(pid: number): number | null {
  const stat = readProcFile(pid, "stat");
  return stat === null ? null : parseStatTicks(stat);
}

/**
 * The CPU ticks of `pid` and all its descendants (httpd's children, the gateway's workers),
 * or null when `pid` is gone.
 */
export function readTreeCpuTicks(pid: number): number | null {
  return sumOverTree(pid, readCpuTicks);
}

/** `getconf CLK_TCK`, the unit of /proc's times; {@link DEFAULT_CLOCK_TICKS} if it fails. */
export async function clockTicksPerSecond(): Promise<number> {
  try {
    const out = await new Deno.Command("getconf", { args: ["CLK_TCK"], stdin: "null" }).output();
    const n = Number(new TextDecoder().decode(out.stdout).trim());
    return out.success && Number.isInteger(n) && n > 0 ? n : DEFAULT_CLOCK_TICKS;
  } catch {
    return DEFAULT_CLOCK_TICKS;
  }
}

/**
 * Microseconds of CPU per unit (a request, a MiB) between two readings of the same tree;
 * undefined when a reading is missing (the process ended) or there were no units.
 *
 * @example
 * ```ts
 * // 250 ticks at 100 per second over 50,000 requests: 50 µs per request.
 * cpuMicrosPerUnit(1000, 1250, 100, 50_000); // 50
 * ```
 */
export function cpuMicrosPerUnit(
  beforeTicks: number | null,
  afterTicks: number | null,
  ticksPerSecond: number,
  units: number,
): number | undefined {
  if (beforeTicks === null || afterTicks === null || !(units > 0)) return undefined;
  return Math.max(0, afterTicks - beforeTicks) / ticksPerSecond * 1e6 / units;
}
