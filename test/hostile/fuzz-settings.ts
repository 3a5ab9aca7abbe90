/**
 * The environment switches of the fuzz targets in test/hostile (docs/testing.md): FUZZ_RUNS (how many
 * generated cases; each target has its own default), FUZZ_SEED (replays a run), FUZZ_DATABASES (the
 * databases of the generated runs, default sqlite) and FUZZ_SECONDS (the most time one property may take:
 * fast-check stops generating after it and the run still passes on what it tried; default 12, or none
 * when FUZZ_RUNS is set, so that a long run is not cut).
 */
import fc, { type Parameters, type Plugin } from 'fast-check';
import type { DatabaseKind } from '../../ormconfig';

export const FUZZ_SEED = process.env.FUZZ_SEED === undefined ? undefined : Number(process.env.FUZZ_SEED);

export const FUZZ_DATABASES: DatabaseKind[] = (process.env.FUZZ_DATABASES ?? 'sqlite')
  .split(',')
  .map((s) => s.trim())
  .filter((s): s is DatabaseKind => s === 'sqlite' || s === 'mysql');

/** FUZZ_RUNS, or this target's default. */
export function fuzzRuns(defaultRuns: number): number {
  return Number(process.env.FUZZ_RUNS ?? defaultRuns);
}

const FUZZ_SECONDS = process.env.FUZZ_SECONDS !== undefined ? Number(process.env.FUZZ_SECONDS) : process.env.FUZZ_RUNS === undefined ? 12 : undefined;

/** fast-check's parameters for `runs` cases: the seed to replay, stop at the first failure, the time bound. */
export function fuzzParameters<T>(runs: number): Parameters<T> {
  return { numRuns: runs, seed: FUZZ_SEED, endOnFailure: true, plugins: FUZZ_SECONDS === undefined ? [] : [fc.interruptAfterTimeLimit(FUZZ_SECONDS * 1000) as Plugin<T>] };
}

/** `describe.each` over FUZZ_DATABASES (skipped when it names none). */
export function describeFuzz(title: string, body: (kind: DatabaseKind) => void): void {
  if (FUZZ_DATABASES.length === 0) describe.skip(title, () => undefined);
  else describe.each(FUZZ_DATABASES)(title, body);
}
