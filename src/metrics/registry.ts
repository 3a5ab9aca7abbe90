import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { QIMEN_ERRORS } from '../errors/qimen-errors';
import { CALLBACK_PLATFORM_NAMES, type CallbackPlatformName, PLATFORM_NAMES } from '../platforms';

/**
 * The process's Prometheus metrics (prom-client), served by `GET /metrics` (service) and by the worker's
 * METRICS_PORT. Every label takes its values from a small fixed set (method names we handle, errorIds,
 * platform names, outcomes): no ids, no secrets, nothing a caller chooses. Children are created once
 * here, so recording on the hot path is a lookup and an increment.
 *
 * METRICS=off disables recording (each record function returns at once) and `/metrics` answers 404:
 * the switch the bench uses to measure what metrics cost on the push path.
 */
export const METRICS_ENABLED = process.env.METRICS !== 'off';

export const registry = new Registry();
if (METRICS_ENABLED) collectDefaultMetrics({ register: registry });

/** The platforms a claim can name; anything else is counted as `other`. */
export const PLATFORM_LABELS = [...PLATFORM_NAMES, 'other'] as const;
/** How a send attempt ended (the attempt row's outcome). */
export const DISPATCH_OUTCOMES = ['submitted', 'found', 'retryable', 'terminal', 'rejected'] as const;
export type DispatchOutcome = (typeof DISPATCH_OUTCOMES)[number];
/** The platforms that post callbacks (the platform registry's entries with a callback route). */
export const CALLBACK_PLATFORMS = CALLBACK_PLATFORM_NAMES;
export type CallbackPlatform = CallbackPlatformName;
export const CALLBACK_OUTCOMES = ['stored', 'bad-sign', 'unreadable', 'rate-limited', 'server-busy', 'error'] as const;
export type CallbackOutcome = (typeof CALLBACK_OUTCOMES)[number];
export const PUSH_OUTCOMES = ['success', ...Object.keys(QIMEN_ERRORS)] as const;
export const STORE_OUTCOMES = ['created', 'revised', 'out-of-order', 'duplicate', 'replay'] as const;
export type StoreOutcome = (typeof STORE_OUTCOMES)[number];
/** The method label of a push whose `method` is missing or not one we handle. */
export const OTHER_METHOD = 'other';

const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const DISPATCH_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 15, 30];

export const metrics = {
  pushes: new Counter({
    name: 'claim_relay_qimen_pushes_total', help: 'Qimen pushes answered, by method and outcome (errorId, or success).',
    labelNames: ['method', 'outcome'] as const, registers: [registry],
  }),
  pushDuration: new Histogram({
    name: 'claim_relay_qimen_push_duration_seconds', help: 'Time to answer a Qimen push (body read to answer), by result.',
    labelNames: ['result'] as const, buckets: LATENCY_BUCKETS, registers: [registry],
  }),
  storeDuration: new Histogram({
    name: 'claim_relay_push_store_duration_seconds',
    help: 'Time in recordJudgment by outcome: created/revised/out-of-order are stored pushes (write and commit), duplicate/replay were answered without a write.',
    labelNames: ['outcome'] as const, buckets: LATENCY_BUCKETS, registers: [registry],
  }),
  pushGroupSize: new Histogram({
    name: 'claim_relay_push_group_size', help: 'Pushes committed together in one transaction (group commit; src/storage/judgments/judgment-store.ts).',
    buckets: [1, 2, 4, 8, 16, 32, 64], registers: [registry],
  }),
  dispatchAttempts: new Counter({
    name: 'claim_relay_dispatch_attempts_total', help: 'Claim send attempts finished, by platform and outcome.',
    labelNames: ['platform', 'outcome'] as const, registers: [registry],
  }),
  dispatchDuration: new Histogram({
    name: 'claim_relay_dispatch_attempt_duration_seconds', help: 'Latency of a claim send attempt (the platform exchange), by platform and outcome.',
    labelNames: ['platform', 'outcome'] as const, buckets: DISPATCH_BUCKETS, registers: [registry],
  }),
  callbacks: new Counter({
    name: 'claim_relay_callbacks_total', help: 'Platform callbacks received, by platform and outcome (stored, bad-sign, unreadable, rate-limited, error).',
    labelNames: ['platform', 'outcome'] as const, registers: [registry],
  }),
  claims: new Gauge({
    name: 'claim_relay_claims', help: 'Claims in the database by platform and status (one GROUP BY, cached 5 s).',
    labelNames: ['platform', 'status'] as const, registers: [registry],
  }),
  outboxLag: new Gauge({
    name: 'claim_relay_outbox_lag_seconds', help: 'Age of the oldest due pending claim (0 when none is due).', registers: [registry],
  }),
  transactionRetries: new Counter({
    name: 'claim_relay_db_transaction_retries_total',
    help: 'MySQL/MariaDB transactions run again after losing a deadlock or a lock wait, by error code (src/storage/transactions.ts).',
    labelNames: ['code'] as const, registers: [registry],
  }),
  poolOpen: new Gauge({ name: 'claim_relay_db_pool_open_connections', help: 'Database connections open in the pool (SQLite: 1).', registers: [registry] }),
  poolFree: new Gauge({ name: 'claim_relay_db_pool_free_connections', help: 'Open database connections idle in the pool (SQLite: 0).', registers: [registry] }),
  poolWaiting: new Gauge({ name: 'claim_relay_db_pool_waiting_requests', help: 'Requests waiting for a pool connection.', registers: [registry] }),
  poolLimit: new Gauge({ name: 'claim_relay_db_pool_max_connections', help: 'Pool size limit (DATABASE_POOL_SIZE; SQLite: 1).', registers: [registry] }),
  rejectedPushes: new Counter({
    name: 'claim_relay_rejected_pushes_kept_total',
    help: 'Verified but refused Qimen pushes kept as rejected pushes before the answer (a repeat of a kept body counts too), by errorId.',
    labelNames: ['errorId'] as const, registers: [registry],
  }),
  heapCompactions: new Histogram({
    name: 'claim_relay_heap_compaction_seconds',
    help: 'Full garbage collections run before handling a big verified push (src/http/heap-compaction.ts), by their pause.',
    buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1], registers: [registry],
  }),
};

type CounterChild = ReturnType<Counter<string>['labels']>;
type HistogramChild = ReturnType<Histogram<string>['labels']>;

/** Children created once: recording is a Map lookup, an increment and an observation. */
function children<C>(keys: readonly string[], make: (key: string) => C): Map<string, C> {
  return new Map(keys.map((k) => [k, make(k)]));
}

const pushDurationByResult = { success: metrics.pushDuration.labels('success'), failure: metrics.pushDuration.labels('failure') };
const storeByOutcome = children(STORE_OUTCOMES, (o) => metrics.storeDuration.labels(o));
/** A counter child, its series shown at 0 from the start (so rate() sees the first increment). */
function zeroed(child: CounterChild): CounterChild {
  if (METRICS_ENABLED) child.inc(0);
  return child;
}

const dispatchByPlatform = children(PLATFORM_LABELS, (p) => ({
  count: children(DISPATCH_OUTCOMES, (o) => zeroed(metrics.dispatchAttempts.labels(p, o))),
  latency: children(DISPATCH_OUTCOMES, (o) => metrics.dispatchDuration.labels(p, o)),
}));
const callbacksByPlatform = children(CALLBACK_PLATFORMS, (p) => children(CALLBACK_OUTCOMES, (o) => zeroed(metrics.callbacks.labels(p, o))));
const pushCounters = new Map<string, Map<string, CounterChild>>();

/** Creates the push counters of these methods (and `other`) at 0; returns the per-method outcome maps. */
export function pushCountersFor(methods: Iterable<string>): ReadonlyMap<string, ReadonlyMap<string, CounterChild>> {
  for (const method of [...methods, OTHER_METHOD]) {
    if (!pushCounters.has(method)) pushCounters.set(method, children(PUSH_OUTCOMES, (o) => zeroed(metrics.pushes.labels(method, o))));
  }
  return pushCounters;
}

/** A push answered: `counter` from pushCountersFor, `outcome` its errorId or success. */
export function recordPush(counters: ReadonlyMap<string, CounterChild>, outcome: string, seconds: number): void {
  if (!METRICS_ENABLED) return;
  (counters.get(outcome) ?? counters.get('internal-error')!).inc();
  (outcome === 'success' ? pushDurationByResult.success : pushDurationByResult.failure).observe(seconds);
}

export function recordStore(outcome: StoreOutcome, seconds: number): void {
  if (!METRICS_ENABLED) return;
  (storeByOutcome.get(outcome) as HistogramChild).observe(seconds);
}

export function recordHeapCompaction(seconds: number): void {
  if (METRICS_ENABLED) metrics.heapCompactions.observe(seconds);
}

export function recordPushGroup(size: number): void {
  if (METRICS_ENABLED) metrics.pushGroupSize.observe(size);
}

/** A transaction run again; `code` is one of the few retried error codes (src/storage/transactions.ts), never a caller's value. */
export function recordTransactionRetry(code: string): void {
  if (METRICS_ENABLED) metrics.transactionRetries.inc({ code });
}

export function recordDispatchAttempt(platform: string, outcome: DispatchOutcome, seconds: number): void {
  if (!METRICS_ENABLED) return;
  const p = dispatchByPlatform.get(platform) ?? dispatchByPlatform.get('other')!;
  p.count.get(outcome)!.inc();
  p.latency.get(outcome)!.observe(seconds);
}

export function recordCallback(platform: CallbackPlatform, outcome: CallbackOutcome): void {
  if (!METRICS_ENABLED) return;
  callbacksByPlatform.get(platform)!.get(outcome)!.inc();
}

/** Seconds since `startedMs` (a performance.now() reading). */
export function recordRejectedPush(errorId: string): void {
  if (METRICS_ENABLED) metrics.rejectedPushes.labels(errorId).inc();
}

export function secondsSince(startedMs: number): number {
  return (performance.now() - startedMs) / 1000;
}
