import 'reflect-metadata';
import { performance } from 'node:perf_hooks';
import { methodOf } from '../src/metrics/http';
import { pushCountersFor, recordPush, recordPushGroup, recordStore, secondsSince } from '../src/metrics/registry';
import { DANNIAO_JUDGE_METHOD } from '../src/handlers/danniao-judge.handler';

/**
 * `npm run build && node dist/bench/metrics-cost.js`: what the metrics cost a stored push, in CPU, measured
 * in one process (no network, no database), so the figure does not move with the machine's load the way
 * throughput on this shared 2-core machine does (±25% between runs). A stored push records: the method
 * looked up in the query string, two performance.now() readings, one counter increment and one histogram
 * observation (qimenMetrics), one store-latency observation (recordStore) and, once per group commit, one
 * group-size observation (recordPushGroup; counted whole here, as if every push were alone).
 *
 * Prints µs per push for the metrics and, next to it, the service's CPU per stored push from BENCHMARKS.md
 * (pass it as the first argument, in ms; default 0.5), and their ratio: issue 6's overhead target is ≤ 3%.
 */
const ROUNDS = 2_000_000;
const query = `app_key=12345678&customerId=DN&format=json&method=${encodeURIComponent(DANNIAO_JUDGE_METHOD)}&timestamp=2026-11-23%2012%3A00%3A00&v=2.0&sign_method=md5&sign=ABC`;
const methods = [DANNIAO_JUDGE_METHOD];
const counters = pushCountersFor(methods);

function onePush(): void {
  const started = performance.now();
  const method = methodOf(query, methods);
  recordStore('created', secondsSince(started));
  recordPushGroup(1);
  recordPush(counters.get(method)!, 'success', secondsSince(started));
}

/** µs of CPU the metrics cost one stored push, measured over ROUNDS pushes after a JIT warm-up. */
function metricsMicrosPerPush(): number {
  for (let i = 0; i < 100_000; i++) onePush(); // warm up (JIT)
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < ROUNDS; i++) onePush();
  return Number(process.hrtime.bigint() - t0) / 1e3 / ROUNDS;
}

const usPerPush = metricsMicrosPerPush();
if (process.argv.includes('--json')) {
  // How bench/service-metrics.ts runs it, in a process of its own.
  process.stdout.write(`${JSON.stringify({ usPerPush })}\n`);
} else {
  const servicePerPushMs = Number(process.argv[2] ?? 0.5);
  process.stdout.write(
    `metrics on the push path: ${usPerPush.toFixed(2)} µs per stored push (${ROUNDS.toLocaleString('en')} pushes in one process); ` +
      `the service spends ${servicePerPushMs} ms of CPU per stored push (BENCHMARKS.md), so metrics are ${((100 * usPerPush) / (servicePerPushMs * 1000)).toFixed(2)}% of it\n`,
  );
}
