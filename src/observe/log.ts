/**
 * Structured logs as JSON lines: one object per line with `time`, `level`, `msg` and the
 * fields given. Lines are buffered and written in batches (every 50 ms or 64 KiB), so an
 * access log line costs a JSON.stringify, not a system call.
 * @module
 */

/** Log levels, most verbose first. */
export const LOG_LEVELS = ["debug", "info", "warn", "error"] as const;
/** A log level. */
export type LogLevel = typeof LOG_LEVELS[number];

/** Where lines go. */
export interface LogSink {
  write(line: string): void;
  flush(): Promise<void>;
}

/** See module doc. */
export class Logger {
  private readonly min: number;

  constructor(level: LogLevel, private readonly sink: LogSink) {
    this.min = LOG_LEVELS.indexOf(level);
  }

  /** Whether `level` is written (check before building costly fields). */
  enabled(level: LogLevel): boolean {
    return LOG_LEVELS.indexOf(level) >= this.min;
  }

  log(level: LogLevel, msg: string, fields: Record<string, unknown> = {}): void {
    if (!this.enabled(level)) return;
    this.sink.write(JSON.stringify({ time: new Date().toISOString(), level, msg, ...fields }));
  }

  debug(msg: string, fields?: Record<string, unknown>): void {
    this.log("debug", msg, fields);
  }
  info(msg: string, fields?: Record<string, unknown>): void {
    this.log("info", msg, fields);
  }
  warn(msg: string, fields?: Record<string, unknown>): void {
    this.log("warn", msg, fields);
  }
  error(msg: string, fields?: Record<string, unknown>): void {
    this.log("error", msg, fields);
  }

  /** Writes out what is buffered. */
  flush(): Promise<void> {
    return this.sink.flush();
  }
}

/** A sink that batches lines into `writer` (e.g. Deno.stdout). */
export function bufferedSink(writer: { write(p: Uint8Array): Promise<number> }): LogSink {
  const enc = new TextEncoder();
  let pending: string[] = [];
  let size = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let chain: Promise<void> = Promise.resolve();
  const flush = () => {
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
    if (pending.length === 0) return chain;
    const bytes = enc.encode(pending.join("\n") + "\n");
    pending = [];
    size = 0;
    chain = chain.then(async () => {
      let off = 0;
      while (off < bytes.length) off += await writer.write(bytes.subarray(off));
    }).catch(() => {});
    return chain;
  };
  return {
    write(line) {
      pending.push(line);
      size += line.length;
      if (size >= 65536) flush();
      else if (timer === undefined) {
        timer = setTimeout(flush, 50);
        Deno.unrefTimer(timer as unknown as number);
      }
    },
    flush,
  };
}

/** A sink that keeps lines in memory (tests). */
export function memorySink(): LogSink & { lines: string[] } {
  const lines: string[] = [];
  return { lines, write: (l) => void lines.push(l), flush: () => Promise.resolve() };
}
