import { execFileSync, spawn, ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';

const ROOT = join(__dirname, '../..');
const ENTRY = join(ROOT, 'dist/src/main.js');

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

/** Written after a build completed: dist is whole when this is newer than every source file. */
const STAMP = join(ROOT, 'dist/.built');
/** Held (a directory: mkdir is atomic) by the one test process building; the others wait for it. */
const LOCK = join(ROOT, '.build-lock');
const LOCK_WAIT_MS = 180_000;

const sleepSync = (ms: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
const mtimeOr0 = (path: string) => (existsSync(path) ? statSync(path).mtimeMs : 0);

/** What the build compiles: tsconfig.build.json's `include` (the service, and the scripts and fakes it ships). */
function sourcesMtime(): number {
  const { include } = JSON.parse(readFileSync(join(ROOT, 'tsconfig.build.json'), 'utf8')) as { include: string[] };
  return Math.max(...include.map((p) => {
    const path = join(ROOT, p);
    return statSync(path).isDirectory() ? newestMtime(path) : statSync(path).mtimeMs;
  }));
}

/**
 * Compiles the service to dist/ unless its last complete build is newer than every source file. Called once
 * per jest run, before any test file (test/global-setup.ts): spawned services and the CSV export thread run
 * dist/. The lock keeps two jest runs at once from writing dist/ together. Returns what it did.
 */
export function ensureBuilt(): string {
  if (mtimeOr0(STAMP) > sourcesMtime()) return 'dist up to date';
  const waitUntil = Date.now() + LOCK_WAIT_MS;
  for (;;) {
    try {
      mkdirSync(LOCK);
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      if (Date.now() > waitUntil) throw new Error(`${LOCK} held for more than ${LOCK_WAIT_MS / 1000} s: remove it if no build is running`);
      sleepSync(200);
    }
  }
  try {
    if (mtimeOr0(STAMP) > sourcesMtime()) return 'dist built by another test process';
    const started = Date.now();
    try {
      execFileSync(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', join(ROOT, 'tsconfig.build.json')], { cwd: ROOT, stdio: 'pipe', timeout: 150_000 });
    } catch (err) {
      // Type errors elsewhere in the tree still emit JavaScript; only a missing output stops the test.
      if (mtimeOr0(ENTRY) < started - 1000) throw err;
    }
    writeFileSync(STAMP, new Date().toISOString());
    return `compiled in ${((Date.now() - started) / 1000).toFixed(1)} s`;
  } finally {
    rmSync(LOCK, { recursive: true, force: true });
  }
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
