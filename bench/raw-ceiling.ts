import { createHash } from 'node:crypto';
import { createConnection, createPool, Pool, PoolConnection, RowDataPacket } from 'mysql2';

/**
 * Scenario G of `npm run bench`: the raw database ceiling of a unique push. A plain mysql2 script (callback
 * API, no TypeORM, no HTTP) writes the rows a unique push of the spec example writes — one work_order, one
 * raw_push with the ~1.3 KB body inline, one judgment_revision with every column — with the same
 * transaction shape as the service (READ COMMITTED, one transaction per push; the service commits several
 * pushes in one) and the same concurrency (RAW_IN_FLIGHT pushes in flight over a pool of RAW_POOL
 * connections, as the service's 32 HTTP connections over DATABASE_POOL_SIZE=10).
 *
 * The row values are copied from a push the service stored (RAW_TEMPLATE_URL, work order RAW_TEMPLATE_ID),
 * read with SELECT *; the column lists come from SHOW COLUMNS of the target tables (auto-increment ids
 * left out). Per push the identity (sha256), externalOrderId, content hash and times change.
 *
 * Variants (RAW_VARIANT):
 *   batch       one multi-statement round trip per push (the fewest round trips): SET TRANSACTION ISOLATION LEVEL
 *               READ COMMITTED; START TRANSACTION; INSERT work_order; SET @wo; INSERT raw_push; SET @rp;
 *               INSERT judgment_revision (@wo, @rp); COMMIT
 *   statements  one statement per round trip on one pooled connection (READ COMMITTED set per session):
 *               START TRANSACTION, three INSERTs (ids from insertId), COMMIT
 *
 * Protocol: after RAW_WARMUP warm-up pushes it prints {"ready":true} and waits for SIGUSR2; then it pushes
 * for RAW_SECONDS and prints one line {"result":{…}} and exits. Env: RAW_URL (the target database, whose
 * three tables exist), RAW_TEMPLATE_URL, RAW_TEMPLATE_ID, RAW_VARIANT, RAW_SECONDS (15), RAW_IN_FLIGHT (32),
 * RAW_POOL (10), RAW_WARMUP (200).
 *
 *   node dist/bench/raw-ceiling.js
 */

type Variant = 'batch' | 'statements';
type Row = Record<string, unknown>;

export interface RawCeilingResult {
  variant: Variant;
  inFlight: number;
  pool: number;
  seconds: number;
  pushes: number;
  perSecond: number;
  p50: number;
  p99: number;
  max: number;
  errors: number;
  errorSample: string;
}

const env = (name: string, fallback?: string) => {
  const v = process.env[name] ?? fallback;
  if (v === undefined) throw new Error(`${name} is required`);
  return v;
};

const TABLES = ['work_order', 'raw_push', 'judgment_revision'] as const;
const tag = `${process.pid.toString(36)}${Date.now().toString(36)}`;
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const utcText = (d: Date) => d.toISOString().replace('T', ' ').replace('Z', '');

/** A value written into the SQL text as is (a session variable), not escaped. */
const raw = (sql: string) => ({ toSqlString: () => sql });

// `any`: mysql2's callback overloads differ per call; the caller names the result type.
type Callback = (err: unknown, result?: any) => void;

function q<T>(run: (cb: Callback) => void): Promise<T> {
  return new Promise((resolve, reject) => run((err, result) => (err ? reject(err) : resolve(result as T))));
}

async function main(): Promise<void> {
  const variant = env('RAW_VARIANT', 'batch') as Variant;
  if (variant !== 'batch' && variant !== 'statements') throw new Error(`RAW_VARIANT must be batch or statements, not ${variant}`);
  const seconds = Number(env('RAW_SECONDS', '15'));
  const inFlight = Number(env('RAW_IN_FLIGHT', '32'));
  const poolSize = Number(env('RAW_POOL', '10'));
  const warmup = Number(env('RAW_WARMUP', '200'));

  // 1. The template rows, as stored by the service, and the target tables' columns.
  const reader = createConnection({ uri: env('RAW_TEMPLATE_URL'), dateStrings: true, supportBigNumbers: true, bigNumberStrings: true });
  const one = async (sql: string, params: unknown[]) => {
    const rows = await q<RowDataPacket[]>((cb) => reader.query(sql, params, cb));
    if (rows.length !== 1) throw new Error(`template: ${sql} found ${rows.length} rows`);
    return rows[0] as Row;
  };
  const id = Number(env('RAW_TEMPLATE_ID'));
  const template = {
    work_order: await one('SELECT * FROM work_order WHERE id = ?', [id]),
    judgment_revision: await one('SELECT * FROM judgment_revision WHERE workOrderId = ? AND revision = 1', [id]),
  } as Record<(typeof TABLES)[number], Row>;
  template.raw_push = await one('SELECT * FROM raw_push WHERE id = ?', [template.judgment_revision.rawPushId]);
  reader.end();

  const pool: Pool = createPool({ uri: env('RAW_URL'), connectionLimit: poolSize, multipleStatements: true, charset: 'utf8mb4', timezone: 'Z' });
  const columns = {} as Record<(typeof TABLES)[number], string[]>;
  for (const table of TABLES) {
    const rows = await q<RowDataPacket[]>((cb) => pool.query(`SHOW COLUMNS FROM \`${table}\``, cb));
    columns[table] = rows.filter((r) => !/auto_increment/i.test(String(r.Extra))).map((r) => String(r.Field));
    const missing = columns[table].filter((c) => !(c in template[table]));
    if (missing.length) throw new Error(`template row of ${table} lacks ${missing.join(', ')}`);
  }
  const head = (table: (typeof TABLES)[number]) => `INSERT INTO \`${table}\` (${columns[table].map((c) => `\`${c}\``).join(', ')}) VALUES (${columns[table].map(() => '?').join(', ')})`;
  const sql = { work_order: head('work_order'), raw_push: head('raw_push'), judgment_revision: head('judgment_revision') };
  const values = (table: (typeof TABLES)[number], row: Row) => columns[table].map((c) => row[c]);

  let seq = 0;
  /** The three rows of push n (ids of work order and raw push given by the caller: values or session variables). */
  const rowsOf = () => {
    const n = ++seq;
    const identityKey = sha256(`${tag}:${n}`);
    const contentHash = sha256(`${tag}:content:${n}`);
    const externalOrderId = `RAW_${tag}_${n}`;
    const now = utcText(new Date());
    return {
      workOrder: { ...template.work_order, identityKey, externalOrderId, receivedAt: now, updatedAt: now, latestContentHash: contentHash },
      rawPush: { ...template.raw_push, receivedAt: now, bodySha256: contentHash },
      revision: (workOrderId: unknown, rawPushId: unknown) => ({ ...template.judgment_revision, workOrderId, rawPushId, receivedAt: now, contentHash, externalOrderId }),
    };
  };

  const batchSql = [
    'SET TRANSACTION ISOLATION LEVEL READ COMMITTED', 'START TRANSACTION', sql.work_order, 'SET @wo := LAST_INSERT_ID()',
    sql.raw_push, 'SET @rp := LAST_INSERT_ID()', sql.judgment_revision, 'COMMIT',
  ].join(';\n');
  const pushBatch = async () => {
    const r = rowsOf();
    const params = [...values('work_order', r.workOrder), ...values('raw_push', r.rawPush), ...values('judgment_revision', r.revision(raw('@wo'), raw('@rp')))];
    await q((cb) => pool.query(batchSql, params, cb));
  };

  pool.on('connection', (conn) => conn.query('SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED'));
  const pushStatements = async () => {
    const r = rowsOf();
    const conn = await q<PoolConnection>((cb) => pool.getConnection(cb));
    try {
      await q((cb) => conn.query('START TRANSACTION', cb));
      const wo = await q<{ insertId: number }>((cb) => conn.query(sql.work_order, values('work_order', r.workOrder), cb));
      const rp = await q<{ insertId: number }>((cb) => conn.query(sql.raw_push, values('raw_push', r.rawPush), cb));
      await q((cb) => conn.query(sql.judgment_revision, values('judgment_revision', r.revision(wo.insertId, rp.insertId)), cb));
      await q((cb) => conn.query('COMMIT', cb));
      conn.release();
    } catch (err) {
      conn.destroy();
      throw err;
    }
  };
  const push = variant === 'batch' ? pushBatch : pushStatements;

  /** `inFlight` loops pushing until `until` (ms since epoch) or until `count` pushes were started. */
  const drive = async (until: number, count: number) => {
    const latencies: number[] = [];
    let started = 0;
    let errors = 0;
    let errorSample = '';
    const loop = async () => {
      while (Date.now() < until && started < count) {
        started++;
        const t0 = process.hrtime.bigint();
        try {
          await push();
          latencies.push(Number(process.hrtime.bigint() - t0) / 1e6);
        } catch (err) {
          errors++;
          errorSample ||= String((err as Error).message ?? err).slice(0, 300);
        }
      }
    };
    await Promise.all(Array.from({ length: inFlight }, loop));
    return { latencies, errors, errorSample };
  };

  // 2. Warm-up (the pool's connections open, the statements' code paths run), then wait for the signal.
  const warm = await drive(Date.now() + 30_000, warmup);
  if (warm.errors) throw new Error(`warm-up failed: ${warm.errorSample}`);
  await new Promise<void>((resolve) => {
    // Bounded: a bench that went away without stopping this process does not leave it holding its pool.
    const orphaned = setTimeout(() => {
      process.stderr.write('raw-ceiling: no start signal within 120 s, exiting\n');
      process.exit(1);
    }, 120_000);
    process.once('SIGUSR2', () => {
      clearTimeout(orphaned);
      resolve();
    });
    process.stdout.write(`${JSON.stringify({ ready: true, variant, columns: Object.fromEntries(TABLES.map((t) => [t, columns[t].length])) })}\n`);
  });

  // 3. The measured load.
  const t0 = process.hrtime.bigint();
  const run = await drive(Date.now() + seconds * 1000, Number.POSITIVE_INFINITY);
  const wall = Number(process.hrtime.bigint() - t0) / 1e9;
  const sorted = run.latencies.sort((a, b) => a - b);
  const pct = (p: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] : NaN);
  const result: RawCeilingResult = {
    variant, inFlight, pool: poolSize, seconds: wall, pushes: sorted.length, perSecond: sorted.length / wall,
    p50: pct(50), p99: pct(99), max: sorted[sorted.length - 1] ?? NaN, errors: run.errors, errorSample: run.errorSample,
  };
  process.stdout.write(`${JSON.stringify({ result })}\n`);
  await q((cb) => pool.end(cb));
}

main().catch((err) => {
  process.stderr.write(`raw-ceiling failed: ${(err as Error).stack ?? err}\n`);
  process.exit(1);
});
