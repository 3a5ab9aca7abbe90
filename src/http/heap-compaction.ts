import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { recordHeapCompaction, secondsSince } from '../metrics';

/**
 * One full garbage collection before a big verified push is parsed (issue 6: a 999,999-package push
 * answered in ≤ 3 s and under 400 MB).
 *
 * Under a burst of ordinary pushes V8 grows its heap well beyond what is live and keeps it: the garbage in
 * it is not reused until V8's next full collection. A big push arriving then (19 MB of body, a million
 * strings, their arrays) would grow the process on top of that heap; collected first, the push is built in
 * the heap the burst left instead. The price is the collection's pause, once per big push. What it changes,
 * measured on the real service with and without it: BENCHMARKS.md, section "M heap compaction before a big
 * push" (bench/heap-compaction.ts).
 *
 * Only verified pushes get here (the signature is checked first), so no one else can make the service
 * pause; bodies of at most COMPACT_HEAP_OVER_BYTES never pause it.
 *
 * Node exposes no GC call without `--expose-gc` on the command line, which `npm start` and every operator's
 * launcher would have to carry. The flag is set at run time instead and read by a new context, which is
 * given the `gc` function (the technique of the expose-gc npm package), and the flag is cleared again at
 * once: the flag is read by every context and worker thread created while it is set (the CSV export
 * thread, jest's test contexts), and none but this one should get a global `gc`.
 */
export const COMPACT_HEAP_OVER_BYTES = 4 * 1024 * 1024;

let fullGc: (() => void) | undefined;

function collector(): () => void {
  if (!fullGc) {
    setFlagsFromString('--expose-gc');
    try {
      fullGc = runInNewContext('gc') as () => void;
    } finally {
      setFlagsFromString('--no-expose-gc');
    }
  }
  return fullGc;
}

/** Runs a full collection when `bodyBytes` is over COMPACT_HEAP_OVER_BYTES; whether it ran. */
export function compactHeapBefore(bodyBytes: number): boolean {
  if (bodyBytes <= COMPACT_HEAP_OVER_BYTES) return false;
  const started = performance.now();
  collector()();
  recordHeapCompaction(secondsSince(started));
  return true;
}
