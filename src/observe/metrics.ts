/**
 * A small Prometheus registry: counters and histograms with labels, and gauges read by a
 * callback at scrape time, rendered in the text exposition format (version 0.0.4). Kept
 * here rather than a library so that recording a request costs a map lookup and adds.
 * @module
 */

type Labels = Record<string, string>;

function labelKey(names: readonly string[], values: readonly string[]): string {
  let s = "";
  for (let i = 0; i < names.length; i++) {
    if (i > 0) s += ",";
    s += `${names[i]}="${escapeLabel(values[i])}"`;
  }
  return s;
}

/** Escapes a label value (backslash, quote, newline) per the text format. */
export function escapeLabel(v: string): string {
  return v.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n");
}

interface Family {
  render(out: string[]): void;
}

/** Series are keyed by their raw label values; escaping happens only when scraped. */
const SEP = "\u0000";

/** A monotonically increasing counter with fixed label names. */
export class Counter implements Family {
  private readonly values = new Map<string, number>();
  constructor(readonly name: string, readonly help: string, readonly labels: readonly string[]) {}

  inc(values: readonly string[], by = 1): void {
    const k = values.join(SEP);
    this.values.set(k, (this.values.get(k) ?? 0) + by);
  }

  render(out: string[]): void {
    out.push(`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} counter`);
    for (const [k, v] of this.values) {
      out.push(`${this.name}{${labelKey(this.labels, k.split(SEP))}} ${v}`);
    }
  }
}

/** A histogram with fixed buckets (upper bounds, in the unit of the name). */
export class Histogram implements Family {
  private readonly series = new Map<string, { counts: number[]; sum: number; count: number }>();
  constructor(
    readonly name: string,
    readonly help: string,
    readonly labels: readonly string[],
    readonly buckets: readonly number[],
  ) {}

  observe(values: readonly string[], v: number): void {
    const k = values.join(SEP);
    let s = this.series.get(k);
    if (!s) {
      this.series.set(k, s = { counts: new Array(this.buckets.length).fill(0), sum: 0, count: 0 });
    }
    for (let i = 0; i < this.buckets.length; i++) if (v <= this.buckets[i]) s.counts[i]++;
    s.sum += v;
    s.count++;
  }

  render(out: string[]): void {
    out.push(`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} histogram`);
    for (const [raw, s] of this.series) {
      const k = labelKey(this.labels, raw.split(SEP));
      const sep = k ? "," : "";
      this.buckets.forEach((b, i) =>
        out.push(`${this.name}_bucket{${k}${sep}le="${b}"} ${s.counts[i]}`)
      );
      out.push(`${this.name}_bucket{${k}${sep}le="+Inf"} ${s.count}`);
      out.push(`${this.name}_sum{${k}} ${s.sum}`, `${this.name}_count{${k}} ${s.count}`);
    }
  }
}

/** A gauge (or counter) family whose samples are read when scraped. */
export class Collected implements Family {
  constructor(
    readonly name: string,
    readonly help: string,
    readonly type: "gauge" | "counter",
    private readonly read: () => Iterable<[Labels, number]>,
  ) {}

  render(out: string[]): void {
    out.push(`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} ${this.type}`);
    for (const [labels, v] of this.read()) {
      const names = Object.keys(labels);
      const k = labelKey(names, names.map((n) => labels[n]));
      out.push(k ? `${this.name}{${k}} ${v}` : `${this.name} ${v}`);
    }
  }
}

/** Families in registration order. */
export class Registry {
  private readonly families: Family[] = [];

  add<T extends Family>(family: T): T {
    this.families.push(family);
    return family;
  }

  /** The text exposition of every family. */
  render(): string {
    const out: string[] = [];
    for (const f of this.families) f.render(out);
    return out.join("\n") + "\n";
  }
}
