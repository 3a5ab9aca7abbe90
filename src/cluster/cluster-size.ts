import { availableParallelism } from 'node:os';

/** How many service processes one machine runs, and why when it is not what WEB_CONCURRENCY asked for. */
export interface ClusterSize {
  processes: number;
  /** Why WEB_CONCURRENCY was not followed (SQLite), for the start-up log. */
  note: string | null;
}

/**
 * Reads WEB_CONCURRENCY: unset or 1 is one process (no cluster); `auto` or 0 is one per core; n > 1 is n
 * processes. SQLite has one writer, so on SQLite it is always one process.
 */
export function clusterSize(env: NodeJS.ProcessEnv, databaseUrl: string, cores = availableParallelism()): ClusterSize {
  const raw = (env.WEB_CONCURRENCY ?? '').trim();
  if (raw === '' || raw === '1') return { processes: 1, note: null };
  const asked = raw === 'auto' || raw === '0' ? cores : Number(raw);
  if (!Number.isInteger(asked) || asked < 1 || asked > 256) throw new Error(`WEB_CONCURRENCY must be auto or a whole number from 1 to 256 (got ${raw})`);
  if (asked > 1 && databaseUrl.startsWith('sqlite:')) return { processes: 1, note: `WEB_CONCURRENCY=${raw} ignored: SQLite has one writer, so one process serves it` };
  return { processes: asked, note: null };
}
