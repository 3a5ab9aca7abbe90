export { METRICS_ENABLED, metrics, recordCallback, recordDispatchAttempt, recordHeapCompaction, recordPushGroup, recordRejectedPush, recordStore, recordTransactionRetry, registry, secondsSince } from './registry';
export type { CallbackOutcome, DispatchOutcome, StoreOutcome } from './registry';
export { callbackMetrics, metricsRoute, qimenMetrics, renderMetrics, startMetricsServer } from './http';
export { refreshDatabaseGauges } from './database';
