import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { HistogramCounts, histogramDelta, histogramOf, parseExposition, quantileBound, Sample, sumOf } from '../test/support/prometheus-text';
import { httpRequest } from './support';

/**
 * The bench's figures as the service counted them itself (issue 6: "the bench reads its own figures from
 * /metrics where it can"): two readings of `GET /metrics` around a load, and what happened between them.
 * They stand next to the figures measured from outside (autocannon's answers, rows in the database), so a
 * disagreement between the two shows.
 */
export async function scrapeMetrics(port: number): Promise<Sample[]> {
  const answer = await httpRequest(port, 'GET', '/metrics');
  if (answer.status !== 200) throw new Error(`GET /metrics answered ${answer.status}`);
  return parseExposition(answer.body);
}

export interface ServedFigures {
  /** Pushes the service answered success / with any error (claim_relay_qimen_pushes_total). */
  success: number;
  failed: number;
  /** Pushes stored as new work orders (claim_relay_push_store_duration_seconds{outcome="created"} count). */
  created: number;
  /** Upper bounds (ms) of the buckets holding the median and the 99th percentile of the stored pushes' time in the store, commit included. */
  storeP50Ms: number | null;
  storeP99Ms: number | null;
  /** The same for the time to answer a successful push, as the service measured it (body read to answer). */
  answerP99Ms: number | null;
  /** Group commits (claim_relay_push_group_size) and the mean pushes (and look-ups) per group. */
  groups: number;
  meanGroupSize: number | null;
  /** Transactions run again after a lost deadlock or lock wait (claim_relay_db_transaction_retries_total). */
  retries: number;
}

const ms = (seconds: number | null) => (seconds === null ? null : seconds * 1000);
const delta = (before: Sample[], after: Sample[], name: string, labels: Record<string, string> = {}): HistogramCounts =>
  histogramDelta(histogramOf(before, name, labels), histogramOf(after, name, labels));

export function servedBetween(before: Sample[], after: Sample[]): ServedFigures {
  const count = (name: string, labels: Record<string, string> = {}) => sumOf(after, name, labels) - sumOf(before, name, labels);
  const success = count('claim_relay_qimen_pushes_total', { outcome: 'success' });
  const created = delta(before, after, 'claim_relay_push_store_duration_seconds', { outcome: 'created' });
  const answered = delta(before, after, 'claim_relay_qimen_push_duration_seconds', { result: 'success' });
  const groups = delta(before, after, 'claim_relay_push_group_size');
  return {
    success,
    failed: count('claim_relay_qimen_pushes_total') - success,
    created: created.count,
    storeP50Ms: ms(quantileBound(created, 0.5)),
    storeP99Ms: ms(quantileBound(created, 0.99)),
    answerP99Ms: ms(quantileBound(answered, 0.99)),
    groups: groups.count,
    meanGroupSize: groups.count > 0 ? groups.sum / groups.count : null,
    retries: count('claim_relay_db_transaction_retries_total'),
  };
}

/** The service's memory as Node sees it (prom-client's default metrics): what its RSS is made of. */
export interface HeapFigures {
  heapUsed: number;
  heapTotal: number;
  external: number;
  rss: number;
}

export function heapOf(samples: Sample[]): HeapFigures {
  return {
    heapUsed: sumOf(samples, 'nodejs_heap_size_used_bytes'),
    heapTotal: sumOf(samples, 'nodejs_heap_size_total_bytes'),
    external: sumOf(samples, 'nodejs_external_memory_bytes'),
    rss: sumOf(samples, 'process_resident_memory_bytes'),
  };
}

/**
 * What metrics cost one stored push, in µs of CPU: bench/metrics-cost.ts in a process of its own (no network,
 * no database, so the figure does not move with the machine's load), with metrics on and with METRICS=off.
 */
export async function metricsCost(benchDir: string): Promise<{ onUs: number; offUs: number }> {
  const run = async (metrics: 'on' | 'off') => {
    const env = { ...process.env, METRICS: metrics === 'off' ? 'off' : '' };
    const { stdout } = await promisify(execFile)(process.execPath, [join(benchDir, 'metrics-cost.js'), '--json'], { env, timeout: 120_000 });
    return (JSON.parse(stdout) as { usPerPush: number }).usPerPush;
  };
  return { onUs: await run('on'), offUs: await run('off') };
}
