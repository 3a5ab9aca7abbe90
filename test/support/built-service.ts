import { spawn, ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { ensureBuilt as ensureBuiltIfStale } from '../../scripts/build';

const ROOT = join(__dirname, '../..');

/**
 * Compiles the service to dist/ unless its last complete build is newer than every source file (scripts/build.js,
 * as the launchers do). Called once per jest run, before any test file (test/global-setup.ts): spawned services
 * and the CSV export thread run dist/. Type errors elsewhere in the tree still emit JavaScript and do not stop
 * the tests (`npm run typecheck` reports them). Returns what it did.
 */
export function ensureBuilt(): string {
  return ensureBuiltIfStale({ tolerateTypeErrors: true });
}

/** Starts `node dist/src/<entry>.js` with the given environment; output is kept for failure messages. */
export function spawnService(entry: 'main' | 'worker', env: Record<string, string>): ChildProcess & { output: () => string } {
  let output = '';
  const child = spawn(process.execPath, [join(ROOT, `dist/src/${entry}.js`)], {
    cwd: ROOT,
    env: { ...process.env, LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  }) as ChildProcess & { output: () => string };
  child.stdout!.on('data', (c) => (output += c));
  child.stderr!.on('data', (c) => (output += c));
  child.output = () => output;
  return child;
}

/** Waits until GET url answers 200 (bounded). */
export async function waitReady(url: string, timeoutMs = 30_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    try {
      if ((await fetch(url)).status === 200) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${url} not ready after ${timeoutMs} ms`);
}
