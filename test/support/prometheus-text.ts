/**
 * Reading the Prometheus text exposition that `GET /metrics` answers (prom-client's format), for the tests
 * and the bench. Only what they need: sample lines `name{label="value",…} number`, comments skipped.
 *
 * Hand-written because the one npm parser (parse-prometheus-text-format 1.1.1) drops the labels, count and
 * sum of a labelled histogram when `le` comes first, which is how prom-client writes it.
 */
export interface Sample {
  name: string;
  labels: Readonly<Record<string, string>>;
  value: number;
}

const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)(?:\s+\d+)?$/;
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;
const unescape = (v: string) => v.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));

export function parseExposition(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const m = SAMPLE.exec(line);
    if (!m) throw new Error(`not a Prometheus sample line: ${line}`);
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? '').matchAll(LABEL)) labels[l[1]] = unescape(l[2]);
    samples.push({ name: m[1], labels, value: m[3] === '+Inf' ? Infinity : Number(m[3]) });
  }
  return samples;
}

const hasLabels = (s: Sample, labels: Record<string, string>) => Object.entries(labels).every(([k, v]) => s.labels[k] === v);

/** The sum of every series of `name` that carries these labels (a counter over the labels left out). */
export function sumOf(samples: readonly Sample[], name: string, labels: Record<string, string> = {}): number {
  return samples.reduce((sum, s) => (s.name === name && hasLabels(s, labels) ? sum + s.value : sum), 0);
}

export interface HistogramCounts {
  /** Cumulative counts by upper bound, ascending (the last is +Inf). */
  buckets: Array<{ le: number; count: number }>;
  count: number;
  sum: number;
}

/** A histogram's counts, its series with these labels added together. */
export function histogramOf(samples: readonly Sample[], name: string, labels: Record<string, string> = {}): HistogramCounts {
  const byBound = new Map<number, number>();
  for (const s of samples) {
    if (s.name !== `${name}_bucket` || !hasLabels(s, labels)) continue;
    const le = s.labels.le === '+Inf' ? Infinity : Number(s.labels.le);
    byBound.set(le, (byBound.get(le) ?? 0) + s.value);
  }
  const buckets = [...byBound].map(([le, count]) => ({ le, count })).sort((a, b) => a.le - b.le);
  return { buckets, count: sumOf(samples, `${name}_count`, labels), sum: sumOf(samples, `${name}_sum`, labels) };
}

/** What was observed between two readings of one histogram. */
export function histogramDelta(before: HistogramCounts, after: HistogramCounts): HistogramCounts {
  const earlier = new Map(before.buckets.map((b) => [b.le, b.count]));
  return {
    buckets: after.buckets.map((b) => ({ le: b.le, count: b.count - (earlier.get(b.le) ?? 0) })),
    count: after.count - before.count,
    sum: after.sum - before.sum,
  };
}

/** The smallest bucket bound under which at least the share `q` of the observations fall (null: none observed). */
export function quantileBound(h: HistogramCounts, q: number): number | null {
  if (h.count <= 0) return null;
  return h.buckets.find((b) => b.count >= q * h.count)?.le ?? Infinity;
}
