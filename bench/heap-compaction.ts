import autocannon from 'autocannon';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createConnection, Connection, RowDataPacket } from 'mysql2/promise';
import { histogramOf, Sample, sumOf } from '../test/support/prometheus-text';
import { signedPush, TEST_APP } from '../test/support/qimen-push';
import { exampleBody } from './fixture';
import { heapOf, HeapFigures, scrapeMetrics } from './service-metrics';
import { fmt, freePort, freshDatabase, httpRequest, LOOPBACK, markdownTable, memoryOf, rssSampler, sleep, startNode, stopChild, waitForOk } from './support';

/**
 * `npm run build && node dist/bench/heap-compaction.js [--json]` (also scenario M of `npm run bench`): what the
 * full garbage collection before a big verified push (src/http/heap-compaction.ts) does to the 999,999-package
 * push. The real service (`node dist/src/main.js`, MariaDB, a fresh database each) is started once with it and
 * once without it (the same build under the preload bench/without-heap-compaction.js, which replaces the one
 * call; the service's claim_relay_heap_compaction_seconds must then count none). Each takes a burst of
 * HEAP_BENCH_PUSHES ordinary unique pushes (default 25,000 over HEAP_BENCH_CONNECTIONS = 64 connections, about
 * what the best A run stores in 15 s: enough to grow V8's heap as a long load does, which a short burst does not),
 * rests 1 s, then the big push, signed, over loopback: its answer time, the process's peak RSS
 * (VmHWM: since the service started, the burst included) right after the answer and once its package rows are
 * stored, its RSS sampled every 20 ms meanwhile, and the V8 heap before it (GET /metrics).
 * HEAP_BENCH_ORDER=without,with runs the services in the other order (the machine's load drifts).
 */
const PUSHES = Number(process.env.HEAP_BENCH_PUSHES ?? 25_000);
const CONNECTIONS = Number(process.env.HEAP_BENCH_CONNECTIONS ?? 64);
const BIG_PACKAGES = 999_999;
const MYSQL = (process.env.BENCH_MYSQL ?? `mysql://root@${LOOPBACK}:3306`).replace(/\/+$/, '');
const ORDER = (process.env.HEAP_BENCH_ORDER ?? 'with,without').split(',').map((s) => s.trim()) as Variant[];
/** Issue 6: the big push answered in ≤ 3 s with peak RSS ≤ 400 MB. */
export const HEAP_BENCH_TARGET = { answerMs: 3000, peakRssBytes: 400e6 };

type Variant = 'with' | 'without';

export interface HeapCompactionRun {
  variant: Variant;
  burst: { pushes: number; ok: number; seconds: number };
  heapBefore: HeapFigures;
  rssBefore: number;
  /** VmHWM right before the big push: the burst's peak. */
  hwmBefore: number;
  answerStatus: number;
  ok: boolean;
  answerMs: number;
  /** V8's collections while the push was answered (nodejs_gc_duration_seconds), the one before it included: their time by kind. */
  gcMs: { major: number; minor: number; incremental: number };
  hwmAnswered: number;
  /** Highest VmRSS sampled every 20 ms from the push's first byte until its package rows were stored. */
  sampledPeak: number;
  /** VmHWM once the package rows are stored (job row gone), or NaN when not within 120 s. */
  hwmStored: number;
  storedMs: number;
  rssAfter: number;
  /** Full collections the service ran (claim_relay_heap_compaction_seconds) and their pause in all. */
  compactions: number;
  compactionMs: number;
}

export interface HeapCompactionFigures {
  date: string;
  pushes: number;
  connections: number;
  loadAtStart: number;
  loadAtEnd: number;
  bodyBytes: number;
  runs: HeapCompactionRun[];
}

async function scalar(db: Connection, sql: string, params: unknown[]): Promise<number> {
  const [rows] = await db.query<RowDataPacket[]>(sql, params);
  return Number(Object.values(rows[0] ?? {})[0] ?? 0);
}

/** Milliseconds V8 spent in collections of `kind` between two readings of GET /metrics. */
function gcMsBetween(before: Sample[], after: Sample[], kind: string): number {
  const sum = (samples: Sample[]) => sumOf(samples, 'nodejs_gc_duration_seconds_sum', { kind });
  return (sum(after) - sum(before)) * 1000;
}

/** Unique pushes of the spec example over `connections` keep-alive connections until `total` are answered. */
async function burst(port: number, tag: string, total: number, connections: number): Promise<HeapCompactionRun['burst']> {
  let seq = 0;
  let ok = 0;
  const started = process.hrtime.bigint();
  await autocannon({
    url: `http://${LOOPBACK}:${port}`,
    connections,
    amount: total,
    timeout: 10,
    requests: [
      {
        setupRequest: (req) => {
          const { query, body } = signedPush(exampleBody(`HEAPGC_${tag}_${++seq}`));
          return { ...req, method: 'POST', path: `/qimen?${query}`, headers: { ...req.headers, 'content-type': 'application/json; charset=utf-8' }, body };
        },
        onResponse: (status, body) => {
          if (status === 200 && body.includes('"error":"200"')) ok++;
        },
      },
    ],
  });
  return { pushes: total, ok, seconds: Number(process.hrtime.bigint() - started) / 1e9 };
}

async function oneRun(admin: Connection, distRoot: string, dir: string, variant: Variant, big: Buffer, bigQuery: () => string): Promise<HeapCompactionRun> {
  const database = `claim_relay_bench_heapgc_${process.pid}_${variant}`;
  const databases: string[] = [];
  await freshDatabase(admin, database, databases);
  const config = join(dir, 'config.json');
  writeFileSync(config, JSON.stringify({ qimen: { apps: [TEST_APP] } }));
  const port = await freePort();
  const preload = variant === 'without' ? ['--require', join(distRoot, 'bench/without-heap-compaction.js')] : [];
  const service = startNode(`service (${variant} heap compaction)`, join(distRoot, 'src/main.js'), {
    ...process.env, PORT: String(port), DATABASE_URL: `${MYSQL}/${database}`, CLAIM_RELAY_CONFIG: config, LOG_LEVEL: 'warn',
  }, preload, join(distRoot, '..'));
  try {
    await waitForOk(service, port, '/readyz', 60_000);
    const pushed = await burst(port, `${process.pid}_${variant}`, PUSHES, CONNECTIONS);
    await sleep(1000); // as scenario D: let the service settle after the load
    const samplesBefore = await scrapeMetrics(port);
    const heapBefore = heapOf(samplesBefore);
    const before = memoryOf(service.pid);
    const peak = rssSampler(service.pid);
    const answer = await httpRequest(port, 'POST', `/qimen?${bigQuery()}`, big, 120_000);
    const answered = memoryOf(service.pid);
    const samplesAnswered = await scrapeMetrics(port);
    // The answer comes once the raw push and its package_index_job row are committed; the package rows follow
    // (src/storage/package-index.ts). Stored: the job row is gone.
    const workOrderId = Number(/"workOrderId":(\d+)/.exec(answer.body)?.[1] ?? -1);
    const storeStarted = Date.now();
    let pending = 1;
    while (pending > 0 && Date.now() - storeStarted < 120_000) {
      pending = await scalar(admin, `SELECT COUNT(*) FROM \`${database}\`.package_index_job WHERE workOrderId = ?`, [workOrderId]);
      if (pending > 0) await sleep(20);
    }
    const storedMs = Date.now() - storeStarted;
    const sampledPeak = peak();
    const stored = memoryOf(service.pid);
    const compaction = histogramOf(await scrapeMetrics(port), 'claim_relay_heap_compaction_seconds');
    return {
      variant,
      burst: pushed,
      heapBefore,
      rssBefore: before.rss,
      hwmBefore: before.hwm,
      answerStatus: answer.status,
      ok: answer.status === 200 && answer.body.includes('"error":"200"'),
      answerMs: answer.ms,
      gcMs: { major: gcMsBetween(samplesBefore, samplesAnswered, 'major'), minor: gcMsBetween(samplesBefore, samplesAnswered, 'minor'),
        incremental: gcMsBetween(samplesBefore, samplesAnswered, 'incremental') },
      hwmAnswered: answered.hwm,
      sampledPeak,
      hwmStored: pending === 0 ? stored.hwm : NaN,
      storedMs: pending === 0 ? storedMs : NaN,
      rssAfter: stored.rss,
      compactions: compaction.count,
      compactionMs: compaction.sum * 1000,
    };
  } finally {
    await stopChild(service);
    for (const name of databases) await admin.query(`DROP DATABASE IF EXISTS \`${name}\``);
  }
}

export async function heapCompaction(distRoot: string, log: (line: string) => void = () => {}): Promise<HeapCompactionFigures> {
  const dir = mkdtempSync(join(tmpdir(), 'claim-relay-heapgc-'));
  const admin = await createConnection(MYSQL);
  const loadAtStart = loadavg()[0];
  try {
    const packageNos = Array.from({ length: BIG_PACKAGES }, (_, i) => `PK${String(i + 1).padStart(14, '0')}`);
    const runs: HeapCompactionRun[] = [];
    let bodyBytes = 0;
    for (const variant of ORDER) {
      // Each service gets its own big push (its own externalOrderId), signed right before it is sent.
      const big = Buffer.from(exampleBody(`HEAPGC_${process.pid}_${variant}_BIG`, packageNos));
      bodyBytes = big.length;
      log(`heap compaction: the service ${variant} it, ${fmt.int(PUSHES)} pushes then the ${fmt.int(BIG_PACKAGES)}-package push`);
      const run = await oneRun(admin, distRoot, dir, variant, big, () => signedPush(big).query);
      log(`  answered ${run.ok ? 'success' : `FAILED (${run.answerStatus})`} in ${fmt.int(run.answerMs)} ms; peak RSS ${fmt.mib(run.hwmStored)} ` +
        `(RSS before ${fmt.mib(run.rssBefore)}, heap ${fmt.mib(run.heapBefore.heapUsed)} used of ${fmt.mib(run.heapBefore.heapTotal)}); ${run.compactions} compaction(s)`);
      runs.push(run);
    }
    return { date: new Date().toISOString(), pushes: PUSHES, connections: CONNECTIONS, loadAtStart, loadAtEnd: loadavg()[0], bodyBytes, runs };
  } finally {
    await admin.end();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The figures as a table, one column per service. */
export function heapCompactionTable(f: HeapCompactionFigures): string {
  const cell = (fn: (r: HeapCompactionRun) => string) => f.runs.map(fn);
  const rows: [string, ...string[]][] = [
    ['Ordinary pushes before (answered "200")', ...cell((r) => `${fmt.int(r.burst.pushes)} (${fmt.int(r.burst.ok)}) in ${r.burst.seconds.toFixed(1)} s`)],
    ['V8 heap before: used / total (GET /metrics)', ...cell((r) => `${fmt.mib(r.heapBefore.heapUsed)} / ${fmt.mib(r.heapBefore.heapTotal)}`)],
    ['RSS before (VmRSS)', ...cell((r) => fmt.mib(r.rssBefore))],
    ['Peak RSS before: the burst (VmHWM)', ...cell((r) => fmt.mib(r.hwmBefore))],
    ['Answer', ...cell((r) => (r.ok ? '200, error "200"' : `**${r.answerStatus}, not success**`))],
    ['**Time to answer**', ...cell((r) => `**${fmt.int(r.answerMs)} ms**`)],
    ['Full collections run / their pause', ...cell((r) => `${r.compactions} / ${r.compactions ? `${fmt.int(r.compactionMs)} ms` : '—'}`)],
    ['V8 collections while answering: major / minor / incremental marking', ...cell((r) => `${fmt.int(r.gcMs.major)} / ${fmt.int(r.gcMs.minor)} / ${fmt.int(r.gcMs.incremental)} ms`)],
    ['Peak RSS at the answer (VmHWM)', ...cell((r) => fmt.mib(r.hwmAnswered))],
    ['**Peak RSS once the packages are stored (VmHWM)**', ...cell((r) => `**${fmt.mib(r.hwmStored)}**`)],
    ['Highest VmRSS sampled every 20 ms', ...cell((r) => fmt.mib(r.sampledPeak))],
    ['Packages stored, after the answer', ...cell((r) => (Number.isNaN(r.storedMs) ? 'NOT within 120 s' : `${fmt.int(r.storedMs)} ms`))],
    ['RSS then (VmRSS)', ...cell((r) => fmt.mib(r.rssAfter))],
  ];
  return markdownTable(['999,999-package push', ...f.runs.map((r) => `${r.variant} heap compaction`)], rows);
}

/** Issue 6's limit for each service, and what the collection changed. */
export function heapCompactionTargets(f: HeapCompactionFigures): string {
  const each = f.runs.map((r) => {
    const met = r.ok && r.answerMs <= HEAP_BENCH_TARGET.answerMs && r.hwmStored <= HEAP_BENCH_TARGET.peakRssBytes;
    return `${r.variant} it ${met ? 'met' : '**not met**'} (${fmt.int(r.answerMs)} ms, peak ${fmt.mib(r.hwmStored)} = ${fmt.int(r.hwmStored / 1e6)} MB)`;
  });
  const withIt = f.runs.find((r) => r.variant === 'with');
  const without = f.runs.find((r) => r.variant === 'without');
  const signed = (n: number, text: string) => `${n >= 0 ? '+' : '−'}${text}`;
  const change = withIt && without
    ? ` The collection changed peak RSS by ${signed(withIt.hwmStored - without.hwmStored, fmt.mib(Math.abs(withIt.hwmStored - without.hwmStored)))}` +
      ` and the time to answer by ${signed(withIt.answerMs - without.answerMs, `${fmt.int(Math.abs(withIt.answerMs - without.answerMs))} ms`)}.`
    : '';
  return `Issue 6, a 999,999-package push answered in ≤ 3 s with peak RSS ≤ 400 MB (381.5 MiB): ${each.join('; ')}.${change}`;
}

/** Section M of BENCHMARKS.md. */
export function heapCompactionSection(f: HeapCompactionFigures): string {
  return [
    '## M heap compaction before a big push',
    '',
    `Written by \`npm run bench\` (also alone: \`BENCH_SCENARIOS=M npm run bench\` or \`node dist/bench/heap-compaction.js\`), ${f.date};`,
    `load average ${f.loadAtStart.toFixed(2)} at the start, ${f.loadAtEnd.toFixed(2)} at the end. What the full garbage collection before a big verified push`,
    '(src/http/heap-compaction.ts) does to the 999,999-package push after a burst of ordinary pushes (bench/heap-compaction.ts).',
    '',
    `- Two services, one after the other, each \`node dist/src/main.js\` on a fresh MariaDB database (LOG_LEVEL=warn, the development Qimen`,
    '  app): one as built, one under the preload bench/without-heap-compaction.js, which replaces the call and nothing else (its',
    '  `claim_relay_heap_compaction_seconds` counts no collection).',
    `- Each takes ${fmt.int(f.pushes)} unique pushes of the spec example over ${f.connections} connections (autocannon), rests 1 s, then one signed push of`,
    `  999,999 package numbers (${fmt.int(f.bodyBytes)} bytes). Peak RSS is VmHWM, the process's peak since it started (the burst included);`,
    '  "stored" is when its package_index_job row is gone (the package rows written after the answer).',
    '',
    heapCompactionTable(f),
    '',
    heapCompactionTargets(f),
  ].join('\n');
}

if (require.main === module) {
  heapCompaction(join(__dirname, '..'), (line) => process.stderr.write(`${line}\n`)).then((f) => {
    if (process.argv.includes('--json')) return void process.stdout.write(`${JSON.stringify(f)}\n`);
    process.stdout.write(`${heapCompactionSection(f)}\n`);
  }, (err) => {
    process.stderr.write(`${(err as Error).stack}\n`);
    process.exit(1);
  });
}
