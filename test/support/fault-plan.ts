import fc from 'fast-check';
import { settledWithin } from './bounded-wait';
import type { TcpProxy } from './tcp-proxy';

/**
 * A seeded plan of connection faults, and the loop that plays it on a TcpProxy. The plan is drawn with
 * fast-check from one seed, so a failing run's seed (printed) replays the same faults in the same order;
 * the moments they land on still depend on the machine's timing.
 *
 * Kinds:
 * - `reset-in-flight`: the next statement batch sent to the database (a write of at least
 *   `minQueryBytes`) is forwarded, then its connection is reset `delayMs` later, while the server runs it;
 * - `reset-all`: every open connection reset at once;
 * - `stall`: nothing forwarded for `stallMs` (open and new connections alike), then every stalled
 *   connection reset.
 * After each, new connections are refused for `refuseMs` (0: the database is back at once).
 */
export type FaultKind = 'reset-in-flight' | 'reset-all' | 'stall';

export interface PlannedFault {
  kind: FaultKind;
  /** Wait before this fault, after the previous one ended. */
  gapMs: number;
  delayMs: number;
  stallMs: number;
  refuseMs: number;
}

export function planFaults(seed: number, count: number): PlannedFault[] {
  const fault = fc.record({
    // Resets of batches in flight are the faults that can leave the database half done: most of the plan.
    kind: fc.constantFrom<FaultKind>('reset-in-flight', 'reset-in-flight', 'reset-in-flight', 'reset-in-flight', 'reset-all', 'stall', 'stall'),
    gapMs: fc.integer({ min: 200, max: 1200 }),
    delayMs: fc.integer({ min: 0, max: 4 }),
    stallMs: fc.integer({ min: 300, max: 2000 }),
    refuseMs: fc.oneof(fc.constant(0), fc.integer({ min: 100, max: 1000 })),
  });
  return fc.sample(fc.array(fault, { minLength: count, maxLength: count }), { seed, numRuns: 1 })[0];
}

export interface FaultTally {
  planned: number;
  played: Record<FaultKind, number>;
  /** reset-in-flight faults whose batch was seen and reset (the others found no batch within their wait). */
  inFlightHits: number;
}

/**
 * Plays `plan` on `proxy` until it is done or `until()` says stop; the proxy is left restored. An armed
 * in-flight reset waits at most `armMs` for a batch.
 */
export async function playFaults(proxy: TcpProxy, plan: readonly PlannedFault[], opts: { minQueryBytes: number; armMs: number; until: () => boolean }): Promise<FaultTally> {
  const tally: FaultTally = { planned: plan.length, played: { 'reset-in-flight': 0, 'reset-all': 0, stall: 0 }, inFlightHits: 0 };
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
  for (const f of plan) {
    if (opts.until()) break;
    await sleep(f.gapMs);
    if (f.kind === 'reset-in-flight') {
      const fired = proxy.resetAfterNextQuery({ minBytes: opts.minQueryBytes, delayMs: f.delayMs });
      const hit = (await settledWithin(fired, opts.armMs)) === true;
      if (hit) tally.inFlightHits++;
      else proxy.disarm();
      if (hit) await sleep(f.delayMs + 1);
    } else if (f.kind === 'reset-all') {
      proxy.resetAll();
    } else {
      await proxy.stall(f.stallMs);
    }
    tally.played[f.kind]++;
    if (f.refuseMs > 0) {
      proxy.cut();
      await sleep(f.refuseMs);
      proxy.restore();
    }
  }
  return tally;
}
