import { spawn, ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
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

/** A spawned built program; its output is kept for assertions and failure messages. */
export type BuiltChild = ChildProcess & {
  /** stdout and stderr together, in arrival order. */
  output(): string;
  /** One stream alone. */
  outputOf(stream: 'stdout' | 'stderr'): string;
};

/** Starts `node dist/src/<entry>.js` with the given environment (in `cwd`, default the project). */
export function spawnService(entry: 'main' | 'worker', env: Record<string, string>, cwd = ROOT): BuiltChild {
  return spawnBuilt(`src/${entry}.js`, [], { LOG_LEVEL: 'warn', ...env }, cwd);
}

/** Starts `node dist/<script> …args` (e.g. `scripts/run-fakes.js`) with the given environment. */
export function spawnBuilt(script: string, args: string[], env: Record<string, string>, cwd = ROOT): BuiltChild {
  let output = '';
  const apart = { stdout: '', stderr: '' };
  const child = spawn(process.execPath, [join(ROOT, 'dist', script), ...args], {
    cwd,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  }) as BuiltChild;
  for (const stream of ['stdout', 'stderr'] as const) {
    child[stream]!.on('data', (chunk) => {
      output += chunk;
      apart[stream] += chunk;
    });
  }
  child.output = () => output;
  child.outputOf = (stream) => apart[stream];
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

/** A free TCP port on 127.0.0.1 (the OS picks it; released before the caller binds it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}
