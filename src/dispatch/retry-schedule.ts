import { parseDuration } from '../config/duration';

/**
 * When to try a claim again after its `attempt`-th failed send (1-based), or null when the schedule is
 * spent (the claim goes `dead`). Each delay of the configured schedule gets ±20% jitter so claims that
 * failed together do not all return together.
 */
export function nextAttemptDelayMs(schedule: readonly string[], attempt: number, random: () => number = Math.random): number | null {
  const base = schedule[attempt - 1];
  if (base === undefined) return null;
  const ms = parseDuration(base)!;
  return Math.round(ms * (0.8 + 0.4 * random()));
}
