import { ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { createDataSource } from '../../ormconfig';
import { createTestDatabase, TEST_DATABASES, TestDatabase } from '../support/databases';
import { startTcpProxy, TcpProxy } from '../support/tcp-proxy';
import { TEST_APP } from '../support/qimen-push';

/**
 * SIGTERM ends the service and the worker within the 25 s the README promises: with stdout read to the end,
 * with stdout's reader gone (as `node dist/src/main.js | head -2`), and with the database no longer answering.
 */
const ROOT = join(__dirname, '../..');
const SHUTDOWN_BOUND_MS = 25_000;
type Entry = 'main' | 'worker';
/** The line each process logs once it is running. */
const RUNNING_LINE: Record<Entry, string> = { main: 'claim-relay listening', worker: 'dispatch worker running' };

interface Running {
  child: ChildProcess;
  /** Output so far (stderr, and stdout while it is read), for failure messages. */
  output: () => string;
}

/** Spawns `node dist/src/<entry>.js`; resolves once it has logged its running line. */
async function startProcess(entry: Entry, env: Record<string, string>, stdout: { closeAfterLines?: number } = {}): Promise<Running> {
  const child = spawn(process.execPath, [join(ROOT, `dist/src/${entry}.js`)], {
    cwd: ROOT,
    env: { ...process.env, LOG_LEVEL: 'info', PORT: '0', METRICS_PORT: '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stderr!.on('data', (c) => (output += c));
  let lines = 0;
  const running = new Promise<void>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`${entry} exited (${code}) before running:\n${output}`)));
    createInterface({ input: child.stdout! }).on('line', (line) => {
      output += `${line}\n`;
      lines++;
      if (line.includes(RUNNING_LINE[entry])) resolve();
      // The reader goes away, as `head -2` does: the process's next write to stdout meets a closed pipe.
      if (lines === stdout.closeAfterLines) child.stdout!.destroy();
    });
  });
  await withTimeout(running, 30_000, () => `${entry} not running after 30 s:\n${output}`);
  return { child, output: () => output };
}

function withTimeout<T>(p: Promise<T>, ms: number, message: () => string): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([p, new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(message())), ms)))]).finally(() => clearTimeout(timer));
}

/** Sends SIGTERM; answers how the process ended, or 'still running' after `boundMs` (it is then killed). */
async function terminate({ child }: Running, boundMs = SHUTDOWN_BOUND_MS): Promise<{ code: number | null; signal: string | null } | 'still running'> {
  const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  child.kill('SIGTERM');
  try {
    return await withTimeout(exited, boundMs, () => 'still running');
  } catch {
    child.kill('SIGKILL');
    return 'still running';
  }
}

function writeConfig(): string {
  const file = join(mkdtempSync(join(tmpdir(), 'shutdown-')), 'config.json');
  writeFileSync(file, JSON.stringify({ qimen: { apps: [TEST_APP] } }));
  return file;
}

async function migratedDatabase(kind: 'sqlite' | 'mysql', url?: string): Promise<TestDatabase> {
  const db = await createTestDatabase(kind);
  const dataSource = await createDataSource(url ?? db.url);
  await dataSource.initialize();
  await dataSource.runMigrations({ transaction: 'each' });
  await dataSource.destroy();
  return db;
}

describe.each(TEST_DATABASES)('SIGTERM on %s', (kind) => {
  let db: TestDatabase;
  let env: Record<string, string>;
  beforeAll(async () => {
    db = await migratedDatabase(kind);
    env = { DATABASE_URL: db.url, CLAIM_RELAY_CONFIG: writeConfig() };
  });
  afterAll(() => db.drop());

  describe.each(['main', 'worker'] as const)('dist/src/%s.js', (entry) => {
    it('stops cleanly (exit 0) within 25 s with stdout read throughout', async () => {
      const proc = await startProcess(entry, env);
      const ended = await terminate(proc);
      expect([ended, proc.output()]).toEqual([{ code: 0, signal: null }, expect.stringContaining('"msg":"stopped"')]);
    });

    it('stops cleanly (exit 0) within 25 s when the reader of its stdout has gone (| head -2)', async () => {
      const proc = await startProcess(entry, env, { closeAfterLines: entry === 'main' ? 2 : 1 });
      const ended = await terminate(proc);
      expect([ended, proc.output()]).toEqual([{ code: 0, signal: null }, expect.any(String)]);
    });
  });
});

const onMysql = TEST_DATABASES.includes('mysql') ? describe : describe.skip;

onMysql('SIGTERM with the database no longer answering', () => {
  let db: TestDatabase;
  let proxy: TcpProxy;
  let env: Record<string, string>;
  beforeAll(async () => {
    db = await migratedDatabase('mysql');
    const url = new URL(db.url);
    proxy = await startTcpProxy({ host: url.hostname, port: Number(url.port || 3306) });
    url.host = `127.0.0.1:${proxy.port}`;
    env = { DATABASE_URL: url.toString(), CLAIM_RELAY_CONFIG: writeConfig() };
  });
  afterAll(async () => {
    await proxy.close();
    await db.drop();
  });
  afterEach(() => proxy.restore());

  it.each(['main', 'worker'] as const)('dist/src/%s.js exits within 25 s of SIGTERM while its database connections hang', async (entry) => {
    const proc = await startProcess(entry, env);
    proxy.freeze();
    const ended = await terminate(proc);
    expect([ended === 'still running' ? ended : 'exited', proc.output()]).toEqual(['exited', expect.any(String)]);
  });

  it.each(['main', 'worker'] as const)('dist/src/%s.js stops cleanly (exit 0) within 25 s of SIGTERM after its database refused connections', async (entry) => {
    const proc = await startProcess(entry, env);
    proxy.cut();
    const ended = await terminate(proc);
    expect([ended, proc.output()]).toEqual([{ code: 0, signal: null }, expect.any(String)]);
  });
});
