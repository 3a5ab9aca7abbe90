import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { recordHeapCompaction, secondsSince } from '../metrics';

/**
 * One full garbage collection before a big push is parsed (issue 6: a 999,999-package push in ≤ 400 MiB).
 *
 * Under a burst of ordinary pushes V8 grows its heap and leaves it large: after bench scenarios A, C and F,
 * the service held 215–270 MiB of heap, of which only about 50 MiB was live (its Mark-Compact log). The
 * garbage among it cannot be reused until V8's next full collection, so a big push that arrives then
 * (19 MB of body, 1M strings, its arrays) grew the process to 403–414 MiB. Collected first, the push
 * reuses that heap: peak RSS 308 MiB, RSS before 272 MiB, for a 43 ms pause (measured 2026-11-23).
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
