import * as heapCompaction from '../src/http/heap-compaction';

/**
 * A preload (`node --require dist/bench/without-heap-compaction.js dist/src/main.js`) for bench/heap-compaction.ts:
 * the service as it is, except that the full collection before a big push never runs. The controller reads
 * compactHeapBefore from the module's exports at each call, so replacing the export is enough; the metric
 * claim_relay_heap_compaction_seconds then counts nothing, which the bench checks. It imports nothing the
 * service does not load anyway, so the process's memory is the service's own.
 */
(heapCompaction as unknown as { compactHeapBefore: (bodyBytes: number) => boolean }).compactHeapBefore = () => false;
