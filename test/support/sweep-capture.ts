import type { ChildProcess } from 'node:child_process';
import { appendFileSync, readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import pino, { Logger, LevelWithSilent } from 'pino';
import type { DatabaseKind } from '../../ormconfig';
import type { createLogger as CreateLogger } from '../../src/logging';
import { describeFinding, scanDatabase, SecretMatcher } from './secret-scan';
import { appendRecord, currentTest, sweepFile } from './sweep-run';
import { registerConfigSecrets, registeredSecrets } from './test-secrets';

/**
 * What the secret sweep records while the tests run (wired by test/secrets/setup.ts and
 * test/support/databases.ts): service log lines, spawned services' output, error answers, and a scan
 * of every test database's tables before it is dropped. Everything goes to the run directory
 * (test/support/sweep-run.ts); outside a sweep run each of these does nothing.
 */

const destinations = new Map<string, pino.DestinationStream>();

/** The running test file's log file of the run directory (one synchronous destination per file). */
function logDestination(): pino.DestinationStream | undefined {
  const file = sweepFile('logs', '.log');
  if (!file) return undefined;
  if (!destinations.has(file)) destinations.set(file, pino.destination({ dest: file, sync: true, append: true }));
  return destinations.get(file);
}

const LEVELS = pino.levels.values;

/**
 * src/logging's createLogger, but every logger also writes everything from `debug` up to the run's log
 * directory, whatever level (even `silent`) and destination the test chose for itself.
 */
export function capturingCreateLogger(create: typeof CreateLogger): typeof CreateLogger {
  return (options = {}) => {
    const captured = logDestination();
    if (!captured) return create(options);
    const level = (options.level ?? process.env.LOG_LEVEL ?? 'info') as LevelWithSilent;
    const streams: pino.StreamEntry[] = [{ level: 'debug', stream: captured }];
    if (level !== 'silent') streams.push({ level, stream: options.destination ?? pino.destination(1) });
    const lowest = level !== 'silent' && LEVELS[level] < LEVELS.debug ? level : 'debug';
    return create({ level: lowest, destination: pino.multistream(streams) }) as Logger;
  };
}

/** Routes whose failures are answered HTTP 200 in their protocol's envelope, and what success looks like. */
const ENVELOPE_SUCCESS: Record<string, (body: string) => boolean> = {
  '/qimen': (body) => body.includes('"errorId":"success"'),
  '/callbacks/shopex': (body) => body.includes('"rsp":"succ"'),
  '/callbacks/duobaoyu': (body) => body === 'SUCCESS',
};
const MAX_ANSWER_BYTES = 1 << 20;

/**
 * Wraps a service's request handler (a Koa app's callback): every error answer — HTTP status ≥ 400,
 * or a failure envelope of Qimen or a callback route — is recorded with its headers and body.
 */
export function recordingErrorAnswers(handler: (req: IncomingMessage, res: ServerResponse) => unknown) {
  return (req: IncomingMessage, res: ServerResponse) => {
    if (sweepFile('answers', '.jsonl')) tapAnswer(req, res);
    return handler(req, res);
  };
}

function tapAnswer(req: IncomingMessage, res: ServerResponse): void {
  const path = (req.url ?? '').split('?')[0]; // the query is the request's, and may carry credentials
  const envelope = ENVELOPE_SUCCESS[path];
  const chunks: Buffer[] = [];
  let size = 0;
  const keep = (chunk: unknown, encoding: unknown) => {
    if (chunk === undefined || chunk === null || typeof chunk === 'function' || size >= MAX_ANSWER_BYTES) return;
    if (res.statusCode < 400 && !envelope) return;
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk, typeof encoding === 'string' ? (encoding as BufferEncoding) : 'utf8') : Buffer.from(chunk as Uint8Array);
    chunks.push(bytes);
    size += bytes.length;
  };
  const { write, end } = res;
  res.write = function (this: ServerResponse, chunk: unknown, ...rest: unknown[]) {
    keep(chunk, rest[0]);
    return (write as (...a: unknown[]) => boolean).call(this, chunk, ...rest);
  } as typeof res.write;
  res.end = function (this: ServerResponse, chunk?: unknown, ...rest: unknown[]) {
    keep(chunk, rest[0]);
    return (end as (...a: unknown[]) => ServerResponse).call(this, chunk, ...rest);
  } as typeof res.end;
  const { file, name } = currentTest();
  res.once('close', () => {
    const body = Buffer.concat(chunks).toString('utf8');
    if (res.statusCode < 400 && (!envelope || envelope(body))) return;
    appendRecord('answers', { where: `${file} › ${name}: ${req.method} ${path} → ${res.statusCode}`, headers: res.getHeaders(), body });
  });
}

/**
 * Wraps child_process.spawn: a spawned node process (a built service or worker) logs from `debug` up,
 * its stdout and stderr are copied to the run's log directory, and its config file's secrets registered.
 */
export function capturingSpawn<T extends (...args: any[]) => ChildProcess>(spawn: T): T {
  return ((...args: unknown[]) => {
    const file = args[0] === process.execPath ? sweepFile('logs', '.child.log') : undefined;
    if (!file) return spawn(...args);
    const at = Array.isArray(args[1]) ? 2 : 1;
    const options = (args[at] ?? {}) as { env?: NodeJS.ProcessEnv };
    const env: NodeJS.ProcessEnv = { ...(options.env ?? process.env), LOG_LEVEL: 'debug' };
    args[at] = { ...options, env };
    if (env.CLAIM_RELAY_CONFIG) {
      try {
        registerConfigSecrets(JSON.parse(readFileSync(env.CLAIM_RELAY_CONFIG, 'utf8')), env);
      } catch {
        // the child reports its own config error
      }
    }
    const child = spawn(...args);
    const output = file.replace(/\.child\.log$/, `.child-${child.pid}.log`);
    appendFileSync(output, ''); // counted even when it prints nothing
    for (const stream of [child.stdout, child.stderr]) stream?.on('data', (chunk: Buffer) => appendFileSync(output, chunk));
    return child;
  }) as T;
}

/**
 * Before a test database is dropped: every table's text and blob cells are searched for every secret
 * registered so far in the run; the counts and findings go to the run directory.
 */
export async function sweepTablesBeforeDrop(db: { kind: DatabaseKind; url: string }): Promise<void> {
  if (!sweepFile('tables', '.jsonl')) return;
  const label = `${db.kind} database of ${currentTest().file} (${db.kind === 'sqlite' ? 'file' : new URL(db.url).pathname.slice(1)})`;
  try {
    const started = Date.now();
    const scan = await scanDatabase(db.kind, db.url, new SecretMatcher(registeredSecrets()), label);
    appendRecord('tables', { label, ...scan, ms: Date.now() - started });
    if (scan.findings.length) process.stderr.write(`secret sweep: ${scan.findings.map(describeFinding).join('\n')}\n`);
  } catch (err) {
    appendRecord('tables', { label, error: (err as Error).message });
  }
}
