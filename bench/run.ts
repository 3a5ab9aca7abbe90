import autocannon from 'autocannon';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { createConnection, Connection, RowDataPacket } from 'mysql2/promise';
import { clusterSize } from '../src/cluster/cluster-size';
import { signedPush, TEST_APP } from '../test/support/qimen-push';
import { financeScenario, financeSection, financeTables, financeTargetsParagraph, FinanceRun } from './finance-scale';
import { settlementScenario, settlementSection, SettlementRun } from './settlement-scale';
import { exampleBody } from './fixture';
import { pacedLoad, PacedFigures } from './paced-load';
import type { RawCeilingResult } from './raw-ceiling';
import { bodyFlood, FloodFigures } from './body-flood';
import { heapCompaction, HeapCompactionFigures, heapCompactionSection } from './heap-compaction';
import { startDelayProxyProcess } from './delay-proxy';
import { HeapFigures, heapOf, metricsCost, scrapeMetrics, ServedFigures, servedBetween } from './service-metrics';
import {
  Child, cpuCoresCell, CpuCores, cpuMeter, cpuSecondsOf, findPid, machineBusySeconds, fmt, freePort, httpRequest, LOOPBACK, markdownTable, memoryOf, MiB, sleep,
  startNode, stopChild, treeCpuSecondsOf, waitForLine, waitForOk, freshDatabase, freshMigratedDatabase } from './support';

/**
 * `npm run bench`: claim-relay against MariaDB under load, next to a bare Koa route (the ceiling of HTTP +
 * body reading). Scenarios: A unique pushes, B bare Koa, C duplicate pushes, D one 999,999-package push,
 * E claim dispatch (worker processes draining seeded claims to the fake platforms), F mixed pushes (80% unique,
 * 15% duplicate, 5% bad signature), G the raw database ceiling of a unique push (a plain mysql2 script,
 * bench/raw-ceiling.ts, next to A), H the finance API on 1,000,000 judgments (bench/finance-scale.ts: seeding
 * and measuring take about 3 minutes; BENCH_SCENARIOS=A,B,C,D,E,F,G leaves it out), K statement imports (settlements) of
 * 100,000 lines on H's data set and the reconciliation view on them (bench/settlement-scale.ts; on H's database when H
 * ran, else seeded for K), M the 999,999-package push after a burst of pushes, on a service with and one without the full
 * collection before a big push (bench/heap-compaction.ts).
 * Writes BENCHMARKS.md at the repo root. Everything runs on loopback; every load is bounded in time.
 *
 * Environment (all optional):
 *   BENCH_SCENARIOS=A,…,M     run only these (default: all). BENCHMARKS.md is written whole only by a run of A–D
 *                             at scale 1; a run of E (default claims/workers), F, G, H or K (default data) at
 *                             scale 1 writes its own section, keeping the rest
 *   BENCH_FINANCE_JUDGMENTS=1000000  judgments seeded for H and K;  BENCH_SEED_BOUND_S=360  their seeding stops after this
 *   BENCH_STATEMENT_LINES=100000     lines of K's statement (K writes its section at 1,000,000 judgments, 100,000 lines)
 *   BENCH_CONNECTIONS=32,64   connection counts tried in scenario A (B and C use A's best)
 *   BENCH_DURATION_SCALE=1    multiplies the load durations (e.g. 0.2 for a quick smoke run)
 *   BENCH_CPU_PROF=/tmp/dir   run the service (and E's workers, H's service) with --cpu-prof, writing the .cpuprofiles there
 *   BENCH_DISPATCH_CLAIMS=3000     claims per round of scenario E
 *   BENCH_DISPATCH_WORKERS=1,2,3,4 worker process counts of scenario E, one round each
 *   BENCH_MYSQL=mysql://root@127.0.0.1:3306   the MariaDB server
 *   BENCH_DB_DELAY_MS=0       the service and the raw writer reach MariaDB through a proxy that holds each answer this
 *                             long (a database farther away than loopback); such a run writes only section J
 *   WEB_CONCURRENCY=2         the service runs as that many processes (src/cluster/); such a run of A,G writes only section L
 */

const ROOT = resolve(__dirname, '../..');
const SERVICE_SCRIPT = join(ROOT, 'dist/src/main.js');
const BARE_SCRIPT = join(__dirname, 'bare-koa.js');
const DATABASE = 'claim_relay_bench';
const MYSQL = (process.env.BENCH_MYSQL ?? `mysql://root@${LOOPBACK}:3306`).replace(/\/+$/, '');
const SCALE = Number(process.env.BENCH_DURATION_SCALE ?? 1);
const SECONDS = { unique: 15 * SCALE, bare: 15 * SCALE, duplicate: 10 * SCALE, mixed: 15 * SCALE, raw: 15 * SCALE, finance: 10 * SCALE };
const CONNECTIONS = (process.env.BENCH_CONNECTIONS ?? '32,64').split(',').map(Number).filter((n) => n > 0);
/** Every scenario by default, H included (it took under 3 minutes of a run: see its section of BENCHMARKS.md). */
const DEFAULT_SCENARIOS = 'A,B,C,D,E,F,G,H,I,K,M';
const SCENARIOS = new Set((process.env.BENCH_SCENARIOS ?? DEFAULT_SCENARIOS).toUpperCase().split(',').map((s) => s.trim()));
/**
 * The scenarios run with the service on the bench database; E runs worker processes on a database of its own,
 * H a service of its own on a seeded database. G needs the service only for the push it copies.
 */
const LOAD_SCENARIOS = ['A', 'B', 'C', 'D', 'F', 'G'].filter((s) => SCENARIOS.has(s));
const BIG_PACKAGES = 999_999;
const BENCHMARKS_MD = join(ROOT, 'BENCHMARKS.md');

/** Per run: two benches started at once (several people share this machine) must not drop each other's claims. */
const DISPATCH_DATABASE = `claim_relay_bench_dispatch_${process.pid}`;
const FAKES_SCRIPT = join(__dirname, 'fakes-server.js');
const WORKER_SCRIPT = join(ROOT, 'dist/src/worker.js');
const DEFAULT_DISPATCH = { claims: 3000, workers: '1,2,3,4' };
const DISPATCH_CLAIMS = Number(process.env.BENCH_DISPATCH_CLAIMS ?? DEFAULT_DISPATCH.claims);
const DISPATCH_WORKERS = (process.env.BENCH_DISPATCH_WORKERS ?? DEFAULT_DISPATCH.workers).split(',').map(Number).filter((n) => n > 0);
/** A full E run (the default claims and worker counts) writes its section of BENCHMARKS.md. */
const DISPATCH_FULL = DISPATCH_CLAIMS === DEFAULT_DISPATCH.claims && DISPATCH_WORKERS.join(',') === DEFAULT_DISPATCH.workers;
const DISPATCH_WAIT_MS = 120_000;
/** Claims each worker sends before the measured ones (JIT, pools and connections warm; not counted). */
const DISPATCH_WARMUP_PER_WORKER = 100;
/** Issue 3: 300 claims/s with 3 workers; issue 6: 500 claims/s with 4. */
const DISPATCH_TARGETS = [{ issue: 3, workers: 3, perSecond: 300 }, { issue: 6, workers: 4, perSecond: 500 }];

const TARGET = { storedPerSecond: 1500 };
/** The big push: issue 2 (5 s, under 512 MB) and issue 6 (3 s, 400 MB). */
const BIG_PUSH_TARGETS = [{ issue: 2, answerMs: 5000, peakRss: 512 * MiB }, { issue: 6, answerMs: 3000, peakRss: 400 * MiB }];

/** F: the mix of pushes (out of 20 requests: 1 bad signature, 3 duplicates, 16 unique), over 32 connections. */
const MIXED = { connections: 32, duplicateBodies: 64, badSecret: 'not-the-secret-0123456789abcdef0' };

/** G: the plain mysql2 writer, as many pushes in flight as A's 32 connections over the service's default pool. */
const RAW_SCRIPT = join(__dirname, 'raw-ceiling.js');
const RAW_DATABASE = `claim_relay_bench_raw_${process.pid}`;
const RAW = { inFlight: 32, pool: Number(process.env.DATABASE_POOL_SIZE ?? 10), variants: ['batch', 'statements'] as const };
/** Issue 6: stored unique pushes ≥ 60% of the raw database ceiling, and ≥ 2,000/s. */
const ISSUE6_PUSH_TARGET = { shareOfCeiling: 0.6, perSecond: 2000 };
/** Issue 14: stored unique pushes at least the raw database ceiling (group commit writes many pushes per transaction). */
const ISSUE14_SHARE_OF_CEILING = 1.0;
/** Issue 6: p99 latency at half the best stored rate. */
const ISSUE6_HALF_RATE_P99_MS = 50;
/** Issue 6: the metrics' share of the service's CPU per stored push. */
const ISSUE6_METRICS_SHARE = 0.03;

/** H: the finance API on a seeded database (BENCH_FINANCE_JUDGMENTS, default 1,000,000; seeding bounded). */
const FINANCE = {
  judgments: Number(process.env.BENCH_FINANCE_JUDGMENTS ?? 1_000_000),
  connections: 8,
  seedBoundMs: Number(process.env.BENCH_SEED_BOUND_S ?? 360) * 1000,
};
/** An H run on the default data set writes its section of BENCHMARKS.md. */
const FINANCE_FULL = FINANCE.judgments === 1_000_000;
/** K: the statement's lines (BENCH_STATEMENT_LINES, default 100,000), imported on H's data set. */
const STATEMENT_LINES = Number(process.env.BENCH_STATEMENT_LINES ?? 100_000);
/** A K run on the default data set and statement writes its section of BENCHMARKS.md. */
const SETTLEMENT_FULL = FINANCE_FULL && STATEMENT_LINES === 100_000;

/** The sections after the main tables, in this order; each is written by a run of its scenario. */
const SECTION_KEYS = [
  '## E claim dispatch', '## F mixed pushes', '## G raw database ceiling', '## H finance on', '## I unauthenticated body flood', '## J database farther away',
  '## K settlements on', '## L one service process per core', '## M heap compaction before a big push',
] as const;
/** Service processes of A (WEB_CONCURRENCY passes through to the service: src/cluster/cluster-size.ts). */
const SERVICE_PROCESSES = clusterSize(process.env, MYSQL).processes;
/** Each answer of MariaDB held this long on its way to the service and the raw writer (0: straight loopback). */
const DB_DELAY_MS = Number(process.env.BENCH_DB_DELAY_MS ?? 0);
/** The MariaDB the service and the raw writer use: MYSQL, or the delay proxy in front of it. */
let serviceMysql = MYSQL;
type SectionKey = (typeof SECTION_KEYS)[number];

// ---------------------------------------------------------------------------------------------- pushes

const runTag = Date.now().toString(36);
let pushSeq = 0;

interface Built {
  path: string;
  body: Buffer;
  /** F: what the request is (unique, duplicate, bad signature); its answers are counted by errorId per kind. */
  kind?: string;
}

/** A freshly signed push (current timestamp) of the spec example with a unique externalOrderId. */
function uniquePush(): Built {
  const { query, body } = signedPush(exampleBody(`BENCH_${runTag}_${++pushSeq}`));
  return { path: `/qimen?${query}`, body };
}

/** The same body, signed again now (the timestamp changes, the bytes do not). */
function resigned(body: Buffer): Built {
  const signed = signedPush(body);
  return { path: `/qimen?${signed.query}`, body: signed.body };
}

/** A unique push signed with the wrong secret: it must be answered sign-check-failure. */
function badlySigned(): Built {
  const { query, body } = signedPush(exampleBody(`BENCH_${runTag}_BAD_${++pushSeq}`), { secret: MIXED.badSecret });
  return { path: `/qimen?${query}`, body };
}

// ---------------------------------------------------------------------------------------------- load

interface LoadFigures {
  label: string;
  connections: number;
  seconds: number;
  /** autocannon's mean of the per-second request counts. */
  reqPerSec: number;
  completed: number;
  /** 2xx answers whose body holds "error":"200". */
  ok: number;
  envelopeFailures: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  p50: number;
  p99: number;
  max: number;
  workOrderIds: Set<number>;
  failureSamples: string[];
  /** Answers by request kind and errorId (requests built with a `kind` only). */
  byKind: Record<string, Record<string, number>>;
  /** CPU used during the load, in cores (CPU seconds / wall seconds): the server under test, MariaDB, this process. */
  cpu: { server: number | null; mariadb: number | null; loadgen: number; other: number | null };
}

/** Processes whose CPU is measured around each load. */
interface Watched {
  server: Child;
  mariadbPid: number | null;
}

/** autocannon against 127.0.0.1:port for `seconds`, each request built by `build()`; answers are checked. */
async function load(label: string, port: number, watched: Watched, connections: number, seconds: number, build: () => Built): Promise<LoadFigures> {
  const cpuBefore = {
    server: treeCpuSecondsOf(watched.server.pid), mariadb: watched.mariadbPid ? cpuSecondsOf(watched.mariadbPid) : null, self: process.cpuUsage(), machine: machineBusySeconds(),
  };
  const wallStarted = process.hrtime.bigint();
  let ok = 0;
  let envelopeFailures = 0;
  const workOrderIds = new Set<number>();
  const failureSamples: string[] = [];
  const byKind: Record<string, Record<string, number>> = {};
  const result = await autocannon({
    url: `http://${LOOPBACK}:${port}`,
    connections,
    duration: seconds,
    timeout: 10,
    requests: [
      {
        // One request in flight per connection: the context set up with a request is the one its answer sees.
        setupRequest: (req, context) => {
          const push = build();
          context.kind = push.kind;
          return { ...req, method: 'POST', path: push.path, headers: { ...req.headers, 'content-type': 'application/json; charset=utf-8' }, body: push.body };
        },
        onResponse: (status, body, context) => {
          const kind = context.kind as string | undefined;
          if (kind) {
            const errorId = /"errorId":"([^"]*)"/.exec(body)?.[1] ?? `HTTP ${status}`;
            const counts = (byKind[kind] ??= {});
            counts[errorId] = (counts[errorId] ?? 0) + 1;
          }
          if (status >= 200 && status < 300 && body.includes('"error":"200"')) {
            ok++;
            const id = /"workOrderId":(\d+)/.exec(body);
            if (id) workOrderIds.add(Number(id[1]));
          } else {
            envelopeFailures++;
            if (failureSamples.length < 3) failureSamples.push(`${status} ${body.slice(0, 300)}`);
          }
        },
      },
    ],
  });
  const wall = Number(process.hrtime.bigint() - wallStarted) / 1e9;
  const serverAfter = treeCpuSecondsOf(watched.server.pid);
  const mariadbAfter = watched.mariadbPid ? cpuSecondsOf(watched.mariadbPid) : null;
  const self = process.cpuUsage(cpuBefore.self);
  const machineAfter = machineBusySeconds();
  const cores = (before: number | null, after: number | null) => (before === null || after === null ? null : (after - before) / wall);
  const server = cores(cpuBefore.server, serverAfter);
  const mariadb = cores(cpuBefore.mariadb, mariadbAfter);
  const loadgen = (self.user + self.system) / 1e6 / wall;
  const machine = cores(cpuBefore.machine, machineAfter);
  // Everything else the machine ran meanwhile (other people's builds and tests share these cores).
  const other = machine === null ? null : Math.max(0, machine - (server ?? 0) - (mariadb ?? 0) - loadgen);
  return {
    label,
    connections,
    seconds: result.duration,
    reqPerSec: result.requests.average,
    completed: result.requests.total,
    ok,
    envelopeFailures,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    p50: result.latency.p50,
    p99: result.latency.p99,
    max: result.latency.max,
    workOrderIds,
    failureSamples,
    byKind,
    cpu: { server, mariadb, loadgen, other },
  };
}

// ---------------------------------------------------------------------------------------------- database

async function scalar(db: Connection, sql: string, params: unknown[] = []): Promise<number> {
  const [rows] = await db.query<RowDataPacket[]>(sql, params);
  return Number(Object.values(rows[0])[0]);
}

/** MariaDB's global counters: statements received, InnoDB fsyncs (redo log and data files). */
async function serverCounters(db: Connection): Promise<{ questions: number; fsyncs: number }> {
  const [rows] = await db.query<RowDataPacket[]>(`SHOW GLOBAL STATUS WHERE Variable_name IN ('Questions', 'Innodb_data_fsyncs')`);
  const get = (name: string) => Number(rows.find((r) => String(r.Variable_name).toLowerCase() === name.toLowerCase())?.Value ?? NaN);
  return { questions: get('Questions'), fsyncs: get('Innodb_data_fsyncs') };
}

const countWorkOrders = (db: Connection) => scalar(db, `SELECT COUNT(*) FROM \`${DATABASE}\`.work_order`);

/** The work-order count once it has stopped moving (requests in flight when the load stopped finish first). */
async function settledWorkOrders(db: Connection): Promise<number> {
  let last = await countWorkOrders(db);
  for (let i = 0; i < 20; i++) {
    await sleep(250);
    const now = await countWorkOrders(db);
    if (now === last) return now;
    last = now;
  }
  return last;
}

// ---------------------------------------------------------------------------------------------- E claim dispatch

/** One round of scenario E: `workers` worker processes drain `claims` due claims. */
interface DispatchRound {
  workers: number;
  claims: number;
  /** From the moment the claims were made due until none was pending (or the bound). */
  seconds: number;
  /** Claims that left `pending` per second. */
  perSecond: number;
  timedOut: boolean;
  /** Requests the fakes received, and distinct claims among them (connect_order_sn, orderItemId). */
  requests: number;
  distinct: number;
  duplicates: number;
  /** Claims not `submitted` at the end, and the statuses of all. */
  notSubmitted: number;
  statuses: Record<string, number>;
  attempts: number;
  queriesPerClaim: number;
  fsyncsPerClaim: number;
  /** CPU used while draining, in cores: all workers together, MariaDB, the fakes' process, everything else. */
  cpu: { workers: number | null; mariadb: number | null; fakes: number | null; other: number | null };
  /** Worker log lines at warn or above (from the last lines each kept), with a sample. */
  workerWarnings: number;
  warningSample: string;
}

interface DispatchRun {
  rounds: DispatchRound[];
  date: string;
  loadAtStart: string;
  mariadb: string;
}

/** Claims seeded as not due; the round makes them all due at once. */
const NOT_DUE = '2999-01-01 00:00:00.000';
const dispatchTable = (name: string) => `\`${DISPATCH_DATABASE}\`.\`${name}\``;
const sqlUtc = (d: Date) => d.toISOString().replace('T', ' ').replace('Z', '');

/**
 * `n` measured claims (routes `bench-…`) and `warmup` warm-up claims (routes `warmup-…`), all pending and not
 * due, alternately Glitzcloud and Duobaoyu, each with its own key, in multi-row INSERTs.
 */
async function seedClaims(db: Connection, round: number, n: number, warmup: number): Promise<void> {
  for (const table of ['claim', 'claim_attempt', 'claim_event']) await db.query(`TRUNCATE TABLE ${dispatchTable(table)}`);
  const now = sqlUtc(new Date());
  const rows: unknown[][] = [];
  for (let i = 0; i < n + warmup; i++) {
    const measured = i < n;
    const key = `E${runTag}R${round}${measured ? 'N' : 'W'}${i}`;
    const glitz = i % 2 === 0;
    const fields = glitz
      ? { type: '1', connect_order_sn: key, problem_description: 'x' }
      : { orderItemId: key, afterSaleType: '4', skuCode: 'SKU-BENCH', reasonCode: '11060778541', reasonName: '包装损坏', refundFreightAmount: 0, remark: 'x' };
    const platform = glitz ? 'glitzcloud' : 'duobaoyu';
    rows.push([i + 1, `${measured ? 'bench' : 'warmup'}-${platform}`, platform, 'pending', 1, 100 + i, 'CNY', JSON.stringify(fields), 0, NOT_DUE, 0, now, now]);
  }
  for (let i = 0; i < rows.length; i += 500) {
    await db.query(
      `INSERT INTO ${dispatchTable('claim')} (workOrderId, route, platform, status, revision, amountMinor, currency, fields, attempts, nextAttemptAt, mayExistOnPlatform, createdAt, updatedAt) VALUES ?`,
      [rows.slice(i, i + 500)],
    );
  }
}

interface DispatchEnv {
  db: Connection;
  children: Child[];
  databases: string[];
  tmp: string;
  mariadbPid: number | null;
  log: (msg: string) => void;
}

/**
 * E: a fresh database (migrations), the fakes in their own process, then per worker count a freshly seeded set
 * of claims drained by that many `node dist/src/worker.js` processes. Workers and fakes are stopped here;
 * main's cleanup stops them (and drops the database) should anything fail.
 */
async function dispatchScenario(env: DispatchEnv): Promise<DispatchRun> {
  const { db, log } = env;
  const loadAtStart = loadavg()[0].toFixed(2);
  const url = await freshMigratedDatabase(db, MYSQL, DISPATCH_DATABASE, env.databases);

  const fakes = startNode('fakes', FAKES_SCRIPT, { ...process.env }, [], ROOT);
  env.children.push(fakes);
  const announced = JSON.parse(await waitForLine(fakes, (l) => l.startsWith('{'), 15_000)) as { platforms: Record<string, unknown>; control: number };
  const { glitzcloud, duobaoyu } = announced.platforms;
  const configPath = join(env.tmp, 'dispatch-config.json');
  writeFileSync(configPath, JSON.stringify({ qimen: { apps: [TEST_APP] }, platforms: { glitzcloud, duobaoyu } }));
  const summary = async () => JSON.parse((await httpRequest(announced.control, 'GET', '/summary')).body) as Record<string, { requests: number; distinct: number }>;
  log(`E claim dispatch: database ${DISPATCH_DATABASE} migrated; fakes on loopback (pid ${fakes.pid}); ${fmt.int(DISPATCH_CLAIMS)} claims per round, workers ${DISPATCH_WORKERS.join(', ')}`);

  const profileDir = process.env.BENCH_CPU_PROF;
  const rounds: DispatchRound[] = [];
  for (const [round, count] of DISPATCH_WORKERS.entries()) {
    await seedClaims(db, round, DISPATCH_CLAIMS, DISPATCH_WARMUP_PER_WORKER * count);

    // Workers up (LOG_LEVEL=info only adds their start/stop lines: nothing on the send path logs below warn),
    // then warmed up on their own claims; the fakes forget those before the measured claims are made due.
    const workers = Array.from({ length: count }, (_, i) =>
      startNode(`worker ${i + 1}/${count}`, WORKER_SCRIPT, { ...process.env, DATABASE_URL: url, CLAIM_RELAY_CONFIG: configPath, LOG_LEVEL: 'info' },
        profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [], ROOT),
    );
    env.children.push(...workers);
    await Promise.all(workers.map((w) => waitForLine(w, (l) => l.includes('dispatch worker running'), 60_000)));
    const drained = await drainClaims(db, 'warmup-%');
    if (drained.pending > 0) throw new Error(`the warm-up claims were not sent within ${DISPATCH_WAIT_MS / 1000} s`);
    const reset = await httpRequest(announced.control, 'POST', '/reset');
    if (reset.status !== 200) throw new Error(`fakes reset failed: ${reset.status} ${reset.body}`);

    const workerCpu = () => workers.reduce<number | null>((sum, w) => { const s = cpuSecondsOf(w.pid); return sum === null || s === null ? null : sum + s; }, 0);
    const mariadbCpu = () => (env.mariadbPid ? cpuSecondsOf(env.mariadbPid) : null);
    const before = { workers: workerCpu(), mariadb: mariadbCpu(), fakes: cpuSecondsOf(fakes.pid), machine: machineBusySeconds() };
    const countersBefore = await serverCounters(db);
    const { seconds, pending } = await drainClaims(db, 'bench-%');
    const timedOut = pending > 0;
    const after = { workers: workerCpu(), mariadb: mariadbCpu(), fakes: cpuSecondsOf(fakes.pid), machine: machineBusySeconds() };
    const countersAfter = await serverCounters(db);
    await Promise.all(workers.map((w) => stopChild(w)));

    const cores = (a: number | null, b: number | null) => (a === null || b === null ? null : (b - a) / seconds);
    const cpu = { workers: cores(before.workers, after.workers), mariadb: cores(before.mariadb, after.mariadb), fakes: cores(before.fakes, after.fakes), other: null as number | null };
    const machine = cores(before.machine, after.machine);
    if (machine !== null) cpu.other = Math.max(0, machine - (cpu.workers ?? 0) - (cpu.mariadb ?? 0) - (cpu.fakes ?? 0));

    const seen = Object.values(await summary());
    const requests = seen.reduce((s, p) => s + p.requests, 0);
    const distinct = seen.reduce((s, p) => s + p.distinct, 0);
    const [statusRows] = await db.query<RowDataPacket[]>(
      `SELECT status, COUNT(*) AS n FROM ${dispatchTable('claim')} WHERE route LIKE 'bench-%' GROUP BY status ORDER BY status`,
    );
    const statuses = Object.fromEntries(statusRows.map((r) => [String(r.status), Number(r.n)]));
    const attempts = await scalar(
      db, `SELECT COUNT(*) FROM ${dispatchTable('claim_attempt')} a JOIN ${dispatchTable('claim')} c ON c.id = a.claimId WHERE c.route LIKE 'bench-%'`,
    );
    const warnings = workers.flatMap((w) => w.tail().split('\n').filter((l) => /"level":[456]0/.test(l)));
    const done = DISPATCH_CLAIMS - pending;
    const r: DispatchRound = {
      workers: count, claims: DISPATCH_CLAIMS, seconds, perSecond: done / seconds, timedOut, requests, distinct, duplicates: requests - distinct,
      notSubmitted: DISPATCH_CLAIMS - (statuses.submitted ?? 0), statuses, attempts,
      queriesPerClaim: (countersAfter.questions - countersBefore.questions) / Math.max(done, 1),
      fsyncsPerClaim: (countersAfter.fsyncs - countersBefore.fsyncs) / Math.max(done, 1),
      cpu, workerWarnings: warnings.length, warningSample: warnings.slice(-2).join('\n'),
    };
    rounds.push(r);
    log(`  ${count} worker(s): ${fmt.int(done)} claims in ${seconds.toFixed(2)} s${timedOut ? ` (STOPPED at the ${DISPATCH_WAIT_MS / 1000} s bound, ${pending} pending)` : ''} = ` +
      `${fmt.int(r.perSecond)} claims/s; ${fmt.int(requests)} platform requests for ${fmt.int(distinct)} distinct claims (${r.duplicates} duplicates); ` +
      `statuses ${JSON.stringify(statuses)}; ${fmt.int(attempts)} attempts; CPU cores ${dispatchCpuCell(r)}; ` +
      `${r.queriesPerClaim.toFixed(1)} SQL statements and ${r.fsyncsPerClaim.toFixed(2)} InnoDB fsyncs per claim`);
    if (warnings.length) log(`  the workers logged ${warnings.length} lines at warn or above, e.g.:\n${r.warningSample}`);
  }
  await stopChild(fakes);
  const mariadb = String((await db.query<RowDataPacket[]>('SELECT VERSION() AS v'))[0][0].v);
  return { rounds, date: new Date().toISOString(), loadAtStart, mariadb };
}

/**
 * Makes the claims whose route is LIKE `routes` due at once, then polls every 100 ms until none of them is
 * pending, bounded at DISPATCH_WAIT_MS. Returns the seconds from the UPDATE to the last poll, and what is
 * still pending.
 */
async function drainClaims(db: Connection, routes: string): Promise<{ seconds: number; pending: number }> {
  const startedAt = process.hrtime.bigint();
  const elapsedMs = () => Number(process.hrtime.bigint() - startedAt) / 1e6;
  await db.query(`UPDATE ${dispatchTable('claim')} SET nextAttemptAt = UTC_TIMESTAMP(3) - INTERVAL 1 SECOND WHERE status = 'pending' AND route LIKE ?`, [routes]);
  for (;;) {
    const pending = await scalar(db, `SELECT COUNT(*) FROM ${dispatchTable('claim')} WHERE status = 'pending' AND route LIKE ?`, [routes]);
    if (pending === 0 || elapsedMs() >= DISPATCH_WAIT_MS) return { seconds: elapsedMs() / 1000, pending };
    await sleep(100);
  }
}

function dispatchCpuCell(r: DispatchRound): string {
  const c = (n: number | null) => (n === null ? '?' : n.toFixed(2));
  return `${c(r.cpu.workers)} / ${c(r.cpu.mariadb)} / ${c(r.cpu.fakes)} / ${c(r.cpu.other)}`;
}

function dispatchMsPerClaim(r: DispatchRound): string {
  const ms = (cores: number | null) => (cores === null ? '?' : fmt.ms((1000 * cores * r.seconds) / Math.max(r.claims, 1)));
  return `${ms(r.cpu.workers)} / ${ms(r.cpu.mariadb)}`;
}

function dispatchMarkdownTable(run: DispatchRun): string {
  return markdownTable(
    ['E claim dispatch', 'Claims', 'Secs', 'Claims/s', 'Platform requests', 'Duplicates', 'Not submitted', 'SQL stmts / claim', 'CPU cores workers / MariaDB / fakes / other', 'CPU ms per claim workers / MariaDB'],
    run.rounds.map((r) => [
      `${r.workers} worker${r.workers === 1 ? '' : 's'}`, fmt.int(r.claims), `${r.seconds.toFixed(2)}${r.timedOut ? ' (bound)' : ''}`, fmt.int(r.perSecond),
      fmt.int(r.requests), fmt.int(r.duplicates), fmt.int(r.notSubmitted), r.queriesPerClaim.toFixed(1), dispatchCpuCell(r), dispatchMsPerClaim(r),
    ]),
  );
}

function dispatchTargetsParagraph(run: DispatchRun): string {
  return DISPATCH_TARGETS.map((t) => {
    const r = run.rounds.find((x) => x.workers === t.workers);
    if (!r) return `Issue ${t.issue}, at least ${t.perSecond} claims/s with ${t.workers} workers: **not measured** (no ${t.workers}-worker round).`;
    const clean = !r.timedOut && r.duplicates === 0 && r.notSubmitted === 0;
    const met = clean && r.perSecond >= t.perSecond;
    return `Issue ${t.issue}, at least ${t.perSecond} claims/s with ${t.workers} workers: **${met ? 'met' : 'not met'}**, ${fmt.int(r.perSecond)} claims/s` +
      `${clean ? '' : ` (${r.duplicates} duplicates, ${r.notSubmitted} not submitted${r.timedOut ? ', stopped at the bound' : ''})`}.`;
  }).join(' ');
}

/** The `## E claim dispatch` section of BENCHMARKS.md (self-contained: it may be written by an E-only run). */
function dispatchSection(run: DispatchRun): string {
  const cpu = cpus();
  return [
    '## E claim dispatch',
    '',
    `Written by \`npm run bench\` (also alone: \`BENCH_SCENARIOS=E npm run bench\`), ${run.date}; ${cpu.length} cores, ${cpu[0]?.model.trim() ?? 'unknown CPU'};`,
    `Node ${process.version}; MariaDB ${run.mariadb}; load average (1 min) at the start of E: ${run.loadAtStart}.`,
    '',
    `- Each round: a fresh set of ${fmt.int(DISPATCH_CLAIMS)} pending claims (half Glitzcloud, half Duobaoyu, each with its own`,
    `  connect_order_sn / orderItemId) inserted directly into \`claim\` of a fresh database (claim_relay_bench_dispatch_<pid>, migrated), not yet due;`,
    '  then W `node dist/src/worker.js` processes (default batch 16, pool 10, the config\'s default dispatch settings) are',
    `  started and first send ${DISPATCH_WARMUP_PER_WORKER} warm-up claims each (not counted: JIT, pools and connections warm, as in a`,
    '  long-running worker); then all measured claims are made due by one UPDATE, and the clock runs until none is `pending`',
    `  (polled every 100 ms, bounded at ${DISPATCH_WAIT_MS / 1000} s). Claims/s = measured claims that left \`pending\` / seconds.`,
    '- The four fake platforms (test/fakes: signature checks, JSON parsing, a record of every request) run in a process of',
    '  their own (bench/fakes-server.ts) on loopback. "Duplicates" = platform requests received − distinct claims among them',
    '  (must be 0); "Not submitted" = claims whose status is not `submitted` at the end.',
    '- "CPU cores" is CPU time over wall time while draining: all workers together, MariaDB, the fakes\' process, everything',
    '  else on the machine (the bench process polling, other people\'s work, loopback softirqs). "SQL stmts / claim" is',
    '  MariaDB\'s status Questions per claim (it includes the idle polls of the workers and the bench\'s own polling, and',
    '  other people\'s statements on a shared server). The machine is shared: a round whose "other" is well above 0.1 core',
    '  ran beside someone else\'s load and is slower for it; run E again when the machine is quiet.',
    '',
    dispatchMarkdownTable(run),
    '',
    dispatchTargetsParagraph(run),
    '',
  ].join('\n');
}

/**
 * BENCHMARKS.md with its section `key` (e.g. `## E claim dispatch`) replaced by `section`; when absent, the
 * section goes before the first section that follows it in SECTION_KEYS, else at the end.
 */
function withSection(current: string, key: SectionKey, section: string): string {
  const start = current.indexOf(`\n${key}`);
  if (start < 0) {
    const later = SECTION_KEYS.slice(SECTION_KEYS.indexOf(key) + 1).map((k) => current.indexOf(`\n${k}`)).filter((i) => i >= 0);
    if (later.length === 0) return `${current.replace(/\n*$/, '')}\n\n${section}`;
    const at = Math.min(...later);
    return `${current.slice(0, at).replace(/\n*$/, '')}\n\n${section}\n${current.slice(at + 1)}`;
  }
  const next = current.indexOf('\n## ', start + 1);
  return `${current.slice(0, start).replace(/\n*$/, '')}\n\n${section}${next < 0 ? '' : `\n${current.slice(next + 1)}`}`;
}

/** The current section `key` of BENCHMARKS.md, to keep across a run without its scenario. */
function existingSection(key: SectionKey): string | null {
  if (!existsSync(BENCHMARKS_MD)) return null;
  const current = readFileSync(BENCHMARKS_MD, 'utf8');
  const start = current.indexOf(`\n${key}`);
  if (start < 0) return null;
  const next = current.indexOf('\n## ', start + 1);
  return `${current.slice(start + 1, next < 0 ? undefined : next).replace(/\n*$/, '')}\n`;
}

/** The sections this run wrote afresh (E at its default size, F, G and H at scale 1 and H at its default size). */
function freshSections(report: Report, best: UniqueRun | undefined, loadAtStart: string): Partial<Record<SectionKey, string>> {
  const fresh: Partial<Record<SectionKey, string>> = {};
  if (report.dispatch && DISPATCH_FULL) fresh['## E claim dispatch'] = dispatchSection(report.dispatch);
  if (SERVICE_PROCESSES > 1) {
    // Only the comparison of A and G is about the processes; the other sections stay one-process figures.
    if (SCALE === 1 && report.raw && DB_DELAY_MS === 0) fresh['## L one service process per core'] = clusterSection(report, best, loadAtStart);
    return fresh;
  }
  if (DB_DELAY_MS > 0) {
    // Only the comparison of A and G holds for a database farther away; the other sections stay loopback figures.
    if (SCALE === 1 && report.raw) fresh['## J database farther away'] = farSection(report, best, loadAtStart);
    return fresh;
  }
  if (SCALE === 1 && report.mixed) fresh['## F mixed pushes'] = mixedSection(report.mixed, loadAtStart);
  if (SCALE === 1 && report.raw) fresh['## G raw database ceiling'] = rawSection(report.raw, report.unique, best, loadAtStart);
  if (SCALE === 1 && FINANCE_FULL && report.finance) {
    fresh['## H finance on'] = financeSection(report.finance, { connections: FINANCE.connections, seconds: SECONDS.finance, loadAtStart: report.financeLoadAtStart ?? loadAtStart });
  }
  if (report.flood) fresh['## I unauthenticated body flood'] = floodSection(report.flood);
  if (report.heap) fresh['## M heap compaction before a big push'] = heapCompactionSection(report.heap);
  if (SCALE === 1 && SETTLEMENT_FULL && report.settlement) {
    fresh['## K settlements on'] = settlementSection(report.settlement, {
      connections: FINANCE.connections, seconds: SECONDS.finance, loadAtStart: report.settlementLoadAtStart ?? loadAtStart,
    });
  }
  return fresh;
}

/** A section that sets A beside G under other conditions: its title, how it was run, what differs. */
function comparisonSection(title: string, command: string, what: string[], report: Report, best: UniqueRun | undefined, loadAtStart: string): string {
  return [
    title,
    '',
    `Written by \`${command} npm run bench\`, ${new Date().toISOString()}; ${cpus().length} cores; load average ${loadAtStart} at the start.`,
    ...what,
    '',
    rawTable(report.raw!, report.unique, best),
    '',
    rawTargetsParagraph(report.raw!, best),
  ].join('\n');
}

/** J: A against G with every MariaDB answer held DB_DELAY_MS (bench/delay-proxy.ts). */
function farSection(report: Report, best: UniqueRun | undefined, loadAtStart: string): string {
  return comparisonSection('## J database farther away', `BENCH_DB_DELAY_MS=${DB_DELAY_MS} BENCH_SCENARIOS=A,G`, [
    `The service and the raw writer reach MariaDB through a loopback proxy (bench/delay-proxy.ts, a process of its own) that holds each of its`,
    `answers ${DB_DELAY_MS} ms (every round trip that much longer, as with a database on another machine); the load is as in A and G.`,
  ], report, best, loadAtStart);
}

/** L: A against G with the service run as WEB_CONCURRENCY processes (src/cluster/). */
function clusterSection(report: Report, best: UniqueRun | undefined, loadAtStart: string): string {
  return comparisonSection('## L one service process per core', `WEB_CONCURRENCY=${process.env.WEB_CONCURRENCY} BENCH_SCENARIOS=A,G`, [
    `The service runs as ${SERVICE_PROCESSES} processes behind one port (node:cluster; each with its own pool of ${RAW.pool} connections and its own`,
    'dispatch worker); its CPU is the sum over the primary and the processes it forked. The load and G are as in section G, on the same',
    'machine: the service processes, MariaDB and the load generator share its cores.',
  ], report, best, loadAtStart);
}

/** I: what a flood of badly signed big bodies costs the service (bench/body-flood.ts). */
function floodSection(f: FloodFigures): string {
  return [
    '## I unauthenticated body flood',
    '',
    `Written by \`npm run bench\` (also alone: \`BENCH_SCENARIOS=I npm run bench\`), ${new Date().toISOString()}; load average ${loadavg()[0].toFixed(2)} at the end.`,
    `${f.bodies} concurrent pushes of ${f.bodyMiB} MiB with a bad signature (only the public app_key and a current timestamp needed), sent as fast as loopback takes them,`,
    'while an ordinary signed push goes every 100 ms; default config (`qimen.maxInFlightBodyBytes` 64 MiB), embedded SQLite.',
    '',
    markdownTable(
      ['RSS before', 'peak RSS', 'RSS 2 s after', 'flood answers', 'ordinary pushes stored', 'ordinary p50', 'ordinary max'],
      [[`${fmt.int(f.rssBeforeMiB)} MiB`, `${fmt.int(f.peakRssMiB)} MiB`, `${fmt.int(f.rssAfterMiB)} MiB`, Object.entries(f.answers).map(([k, n]) => `${k} ×${n}`).join(', '),
        `${f.ordinary.stored} of ${f.ordinary.count}`, `${f.ordinary.p50Ms.toFixed(1)} ms`, `${f.ordinary.maxMs.toFixed(1)} ms`]],
    ),
    '',
    `Issue 16 targets: peak RSS ≤ 600 MB: ${f.peakRssMiB * MiB <= 600e6 ? 'met' : '**missed**'}; ordinary pushes answered in ≤ 1 s: ${f.ordinary.maxMs <= 1000 ? 'met' : `**missed** (max ${f.ordinary.maxMs.toFixed(0)} ms)`}.`,
  ].join('\n');
}

// ---------------------------------------------------------------------------------------------- G raw database ceiling

/** One variant of G: the plain mysql2 writer's figures, the CPU around it and MariaDB's counters. */
interface RawRound extends RawCeilingResult {
  /** Rows in the three tables after the run, per push written (3: work_order, raw_push, judgment_revision). */
  rowsPerPush: number;
  cpu: CpuCores;
  queriesPerPush: number;
  fsyncsPerPush: number;
  columns: Record<string, number>;
}

interface RawRun {
  rounds: RawRound[];
  /** The stored push the rows are copied from. */
  templateWorkOrderId: number;
}

const RAW_TABLES = ['work_order', 'raw_push', 'judgment_revision'];

/**
 * G: the three tables of a unique push, created empty in a database of their own LIKE the bench database's,
 * then per variant a `node dist/bench/raw-ceiling.js` process writing the rows of the stored push
 * `templateWorkOrderId` over and over, RAW.inFlight in flight over a pool of RAW.pool, for SECONDS.raw.
 */
async function rawCeilingScenario(db: Connection, env: { children: Child[]; databases: string[]; mariadbPid: number | null; log: (m: string) => void }, templateWorkOrderId: number): Promise<RawRun> {
  await freshDatabase(db, RAW_DATABASE, env.databases);
  for (const t of RAW_TABLES) await db.query(`CREATE TABLE \`${RAW_DATABASE}\`.\`${t}\` LIKE \`${DATABASE}\`.\`${t}\``);
  const rounds: RawRound[] = [];
  for (const variant of RAW.variants) {
    for (const t of RAW_TABLES) await db.query(`TRUNCATE TABLE \`${RAW_DATABASE}\`.\`${t}\``);
    const writer = startNode(`raw-ceiling ${variant}`, RAW_SCRIPT, {
      ...process.env, RAW_URL: `${serviceMysql}/${RAW_DATABASE}`, RAW_TEMPLATE_URL: `${serviceMysql}/${DATABASE}`, RAW_TEMPLATE_ID: String(templateWorkOrderId),
      RAW_VARIANT: variant, RAW_SECONDS: String(SECONDS.raw), RAW_IN_FLIGHT: String(RAW.inFlight), RAW_POOL: String(RAW.pool),
    }, [], ROOT);
    env.children.push(writer);
    const ready = JSON.parse(await waitForLine(writer, (l) => l.startsWith('{"ready"'), 60_000)) as { columns: Record<string, number> };
    const warmRows = await scalar(db, `SELECT COUNT(*) FROM \`${RAW_DATABASE}\`.work_order`);
    env.log(`G raw database ceiling, ${variant === 'batch' ? 'one batch per push' : 'one statement per round trip'}: ${RAW.inFlight} in flight, pool ${RAW.pool}, ${SECONDS.raw} s ` +
      `(columns ${Object.entries(ready.columns).map(([t, n]) => `${t} ${n}`).join(', ')}; ${warmRows} warm-up pushes)`);
    const resultLine = waitForLine(writer, (l) => l.startsWith('{"result"'), (SECONDS.raw + 120) * 1000);
    const countersBefore = await serverCounters(db);
    const meter = cpuMeter(() => [writer.pid], env.mariadbPid);
    writer.proc.kill('SIGUSR2');
    const { result } = JSON.parse(await resultLine) as { result: RawCeilingResult };
    const cpu = meter();
    const countersAfter = await serverCounters(db);
    await stopChild(writer);
    let rows = 0;
    for (const t of RAW_TABLES) rows += await scalar(db, `SELECT COUNT(*) FROM \`${RAW_DATABASE}\`.\`${t}\``);
    const pushes = Math.max(result.pushes, 1);
    const round: RawRound = {
      ...result, rowsPerPush: rows / (result.pushes + warmRows), cpu, columns: ready.columns,
      queriesPerPush: (countersAfter.questions - countersBefore.questions) / pushes, fsyncsPerPush: (countersAfter.fsyncs - countersBefore.fsyncs) / pushes,
    };
    rounds.push(round);
    env.log(`  ${fmt.int(result.perSecond)} pushes/s (${fmt.int(result.perSecond * 3)} rows/s), p50 ${fmt.ms(result.p50)} ms, p99 ${fmt.ms(result.p99)} ms, max ${fmt.ms(result.max)} ms; ` +
      `${result.errors} errors${result.errorSample ? ` (${result.errorSample})` : ''}; ${round.rowsPerPush.toFixed(2)} rows per push; CPU cores ${cpuCoresCell(cpu)}; ` +
      `${round.queriesPerPush.toFixed(1)} SQL statements and ${round.fsyncsPerPush.toFixed(2)} InnoDB fsyncs per push`);
  }
  return { rounds, templateWorkOrderId };
}

/** CPU milliseconds per push of the writer (the service or the script) and of MariaDB. */
function cpuMsPerPush(cpu: { server: number | null; mariadb: number | null }, seconds: number, pushes: number): string {
  const ms = (cores: number | null) => (cores === null ? '?' : fmt.ms((1000 * cores * seconds) / Math.max(pushes, 1)));
  return `${ms(cpu.server)} / ${ms(cpu.mariadb)}`;
}

const rawLabel = (r: RawRound) => (r.variant === 'batch' ? 'G plain mysql2, one batch per push' : 'G plain mysql2, one statement per round trip');

/** The ceiling: the fastest variant of G. */
const rawCeiling = (raw: RawRun) => raw.rounds.reduce((b, r) => (r.perSecond > b.perSecond ? r : b), raw.rounds[0]);

function rawTable(raw: RawRun, unique: UniqueRun[], best: UniqueRun | undefined): string {
  const ceiling = rawCeiling(raw);
  const rows: string[][] = [];
  for (const a of unique) {
    const share = `${((100 * a.storedPerSec) / ceiling.perSecond).toFixed(0)}%`;
    rows.push([
      `A unique pushes, the service${SERVICE_PROCESSES > 1 ? ` (${SERVICE_PROCESSES} processes)` : ''}${a === best ? ' (best)' : ''}`, String(a.connections),
      SERVICE_PROCESSES > 1 ? `${RAW.pool} each` : String(RAW.pool), a.seconds.toFixed(1), fmt.int(a.storedPerSec),
      fmt.int(a.storedPerSec * 3), fmt.ms(a.p50), fmt.ms(a.p99), fmt.ms(a.max), fmt.int(a.non2xx + a.envelopeFailures + a.errors),
      a.queriesPerPush.toFixed(1), a.fsyncsPerPush.toFixed(2), cpuCell(a), cpuMsPerPush(a.cpu, a.seconds, a.stored), a === best ? `**${share}**` : share,
    ]);
  }
  for (const r of raw.rounds) {
    rows.push([
      rawLabel(r), String(r.inFlight), String(r.pool), r.seconds.toFixed(1), fmt.int(r.perSecond), fmt.int(r.perSecond * r.rowsPerPush), fmt.ms(r.p50),
      fmt.ms(r.p99), fmt.ms(r.max), fmt.int(r.errors), r.queriesPerPush.toFixed(1), r.fsyncsPerPush.toFixed(2), cpuCoresCell(r.cpu),
      cpuMsPerPush(r.cpu, r.seconds, r.pushes),
      r === ceiling ? '100% (the ceiling)' : `${((100 * r.perSecond) / ceiling.perSecond).toFixed(0)}%`,
    ]);
  }
  return markdownTable(
    ['Writer', 'In flight', 'Pool', 'Secs', 'Pushes/s', 'Rows/s', 'p50 ms', 'p99 ms', 'Max ms', 'Errors', 'SQL stmts / push', 'fsyncs / push',
      'CPU cores writer / MariaDB / bench / other', 'CPU ms / push writer / MariaDB', 'Share of the ceiling'],
    rows,
  );
}

function rawTargetsParagraph(raw: RawRun, best: UniqueRun | undefined): string {
  const ceiling = rawCeiling(raw);
  if (!best) {
    return `Issue 6, stored unique pushes ≥ ${ISSUE6_PUSH_TARGET.shareOfCeiling * 100}% of the raw database ceiling: **not measured** in this run (scenario A did not run; ` +
      `\`BENCH_SCENARIOS=A,G\` measures both); the ceiling is ${fmt.int(ceiling.perSecond)} pushes/s (${rawLabel(ceiling)}).`;
  }
  const share = best.storedPerSec / ceiling.perSecond;
  const shareMet = share >= ISSUE6_PUSH_TARGET.shareOfCeiling && best.consistent;
  const rateMet = best.storedPerSec >= ISSUE6_PUSH_TARGET.perSecond && best.consistent;
  return (
    `Issue 6, stored unique pushes ≥ ${ISSUE6_PUSH_TARGET.shareOfCeiling * 100}% of the raw database ceiling: **${shareMet ? 'met' : 'not met'}**, ` +
    `${fmt.int(best.storedPerSec)} pushes/s stored (A, ${best.connections} connections) = ${(100 * share).toFixed(0)}% of ${fmt.int(ceiling.perSecond)} pushes/s ` +
    `(${rawLabel(ceiling)}). Issue 6, ≥ ${fmt.int(ISSUE6_PUSH_TARGET.perSecond)} stored pushes/s: **${rateMet ? 'met' : 'not met'}**, ${fmt.int(best.storedPerSec)}/s; ` +
    (ceiling.perSecond < ISSUE6_PUSH_TARGET.perSecond
      ? `the measured ceiling that stops it: a plain mysql2 script doing only the database work of a push reaches ${fmt.int(ceiling.perSecond)} pushes/s on this machine ` +
        `(one transaction and one commit per push, as the service does), below ${fmt.int(ISSUE6_PUSH_TARGET.perSecond)}/s before any HTTP, signature or validation work.`
      : `the raw database ceiling (${fmt.int(ceiling.perSecond)} pushes/s) is above it, so the database does not stop it.`) +
    ` ${issue14Sentence(best, share)}`
  );
}

/**
 * Issue 14's aim, and when it is not met, what bounds the service on this machine: the CPU every stored push
 * costs the service, MariaDB and the load generator together, shared by the machine's cores.
 */
function issue14Sentence(best: UniqueRun, share: number): string {
  const met = share >= ISSUE14_SHARE_OF_CEILING && best.consistent;
  const head = `Issue 14, stored unique pushes ≥ ${ISSUE14_SHARE_OF_CEILING.toFixed(1)}× the raw database ceiling: **${met ? 'met' : 'not met'}**, ${share.toFixed(2)}×`;
  const { server, mariadb, loadgen } = best.cpu;
  if (met || server === null || mariadb === null) return `${head}.`;
  const perPush = (cores: number) => (1000 * cores) / best.storedPerSec;
  const totalMs = perPush(server) + perPush(mariadb) + perPush(loadgen);
  const processes = `${SERVICE_PROCESSES} service process${SERVICE_PROCESSES === 1 ? '' : 'es'}`;
  return `${head}; CPU per stored push: service ${fmt.ms(perPush(server))} ms, MariaDB ${fmt.ms(perPush(mariadb))} ms, load generator ` +
    `${fmt.ms(perPush(loadgen))} ms, so the ${cpus().length} cores hold at most ${fmt.int((1000 * cpus().length) / totalMs)} pushes/s of them, ` +
    `and ${processes} (one core each at most) ${fmt.int((1000 * SERVICE_PROCESSES) / perPush(server))}.`;
}

function rawSection(raw: RawRun, unique: UniqueRun[], best: UniqueRun | undefined, loadAtStart: string): string {
  const cpu = cpus();
  const cols = raw.rounds[0]?.columns ?? {};
  return [
    '## G raw database ceiling',
    '',
    `Written by \`npm run bench\` (also \`BENCH_SCENARIOS=A,G npm run bench\`; G alone shows no A beside it), ${new Date().toISOString()}; ${cpu.length} cores,`,
    `${cpu[0]?.model.trim() ?? 'unknown CPU'}; Node ${process.version}; load average (1 min) at the start of the run: ${loadAtStart}.`,
    '',
    '- **G**: the rows a unique push of the spec example writes — one `work_order`, one `raw_push` with the body inline (the example,',
    `  ~1.3 KB, stored as received), one \`judgment_revision\` with every column (${Object.entries(cols).map(([t, n]) => `${t} ${n}`).join(', ')} columns, from`,
    '  `SHOW COLUMNS`) — copied from a push the service stored in this run and written over and over by a plain mysql2 script',
    '  (bench/raw-ceiling.ts, callback API, its own process) into empty copies of the three tables (`CREATE TABLE … LIKE`),',
    '  with the service\'s transaction shape (READ COMMITTED, one transaction and one COMMIT per push, a new sha256 identity per push)',
    `  and its concurrency: ${RAW.inFlight} pushes in flight over a pool of ${RAW.pool} connections (A: 32 HTTP connections, DATABASE_POOL_SIZE=10).`,
    '  "One batch per push" sends the whole transaction as one multi-statement round trip (fewest round trips, the',
    '  fastest way to write these rows); "one statement per round trip" sends, as the service does,',
    '  START TRANSACTION, three INSERTs and COMMIT one by one on one connection. 200 warm-up pushes first (not counted).',
    '- Pushes/s = transactions committed / seconds; rows/s = pushes/s × 3 (the same rows for A). p50/p99/max: per push, from',
    '  asking the pool for a connection to the COMMIT\'s answer (for A: autocannon\'s HTTP latency). "Share of the ceiling" is',
    '  pushes/s over the fastest G variant\'s. SQL statements and InnoDB fsyncs per push from MariaDB\'s status (Questions,',
    '  Innodb_data_fsyncs), which counts the whole server: other people\'s statements on a shared server are in it.',
    '- "CPU cores": the writer (G: the mysql2 script; A: the service), MariaDB, the bench process, everything else (other',
    '  people\'s work and loopback softirqs: a busy "other" means a shared machine, and lower figures for both). "CPU ms / push":',
    '  CPU time of the writer and of MariaDB over the pushes stored: with every process on the same 2 cores, the sum of what',
    '  each push costs (writer + MariaDB + load generator) is what bounds pushes/s.',
    '',
    rawTable(raw, unique, best),
    '',
    rawTargetsParagraph(raw, best),
    '',
  ].join('\n');
}

// ---------------------------------------------------------------------------------------------- F mixed pushes

interface MixedRun extends LoadFigures {
  /** Work orders added during the run. */
  stored: number;
  /** "200" answers to unique pushes; stored − this = pushes in flight at the stop. */
  uniqueOk: number;
  checks: Array<{ ok: boolean; text: string }>;
}

const MIXED_KINDS = ['unique', 'duplicate', 'bad signature'] as const;

function mixedChecks(f: LoadFigures, stored: number): { uniqueOk: number; checks: MixedRun['checks'] } {
  const count = (kind: string, errorId?: string) =>
    Object.entries(f.byKind[kind] ?? {}).reduce((n, [id, c]) => n + (errorId === undefined || id === errorId ? c : 0), 0);
  const uniqueOk = count('unique', 'success');
  const inFlight = stored - uniqueOk;
  const checks = [
    { ok: count('bad signature') > 0 && count('bad signature', 'sign-check-failure') === count('bad signature'), text: `every bad signature answered sign-check-failure (${fmt.int(count('bad signature', 'sign-check-failure'))} of ${fmt.int(count('bad signature'))})` },
    { ok: count('unique') > 0 && uniqueOk === count('unique'), text: `every unique push answered "200" (${fmt.int(uniqueOk)} of ${fmt.int(count('unique'))})` },
    { ok: count('duplicate') > 0 && count('duplicate', 'success') === count('duplicate'), text: `every duplicate answered "200" (${fmt.int(count('duplicate', 'success'))} of ${fmt.int(count('duplicate'))})` },
    { ok: inFlight >= 0 && inFlight <= f.connections, text: `${fmt.int(stored)} work orders stored for ${fmt.int(uniqueOk)} unique "200" answers (${inFlight} in flight at the stop; duplicates and bad signatures store none)` },
  ];
  return { uniqueOk, checks };
}

function mixedTables(m: MixedRun): string {
  const load = markdownTable(
    ['Scenario', 'Conns', 'Secs', 'Req/s', 'p50 ms', 'p99 ms', 'Max ms', 'Answers', 'Non-2xx', 'Not "200"', 'Work orders stored', 'CPU cores server / MariaDB / load gen / other'],
    [['F mixed pushes', String(m.connections), m.seconds.toFixed(1), ...latencyCells(m), fmt.int(m.completed), fmt.int(m.non2xx), fmt.int(m.envelopeFailures),
      `${fmt.int(m.stored)} (${fmt.int(m.stored / m.seconds)}/s)`, cpuCell(m)]],
  );
  const ids = [...new Set(Object.values(m.byKind).flatMap((c) => Object.keys(c)))].sort((a, b) => (a === 'success' ? -1 : b === 'success' ? 1 : a.localeCompare(b)));
  const total = Object.values(m.byKind).reduce((n, c) => n + Object.values(c).reduce((x, y) => x + y, 0), 0);
  const answers = markdownTable(
    ['F answers by errorId', 'Share', 'Answers', ...ids.map((id) => (id === 'success' ? 'success ("200")' : id))],
    MIXED_KINDS.map((kind) => {
      const c = m.byKind[kind] ?? {};
      const n = Object.values(c).reduce((x, y) => x + y, 0);
      return [kind, `${((100 * n) / Math.max(total, 1)).toFixed(1)}%`, fmt.int(n), ...ids.map((id) => fmt.int(c[id] ?? 0))];
    }),
  );
  return `${load}\n\n${answers}`;
}

function mixedSection(m: MixedRun, loadAtStart: string): string {
  const cpu = cpus();
  return [
    '## F mixed pushes',
    '',
    `Written by \`npm run bench\` (also alone: \`BENCH_SCENARIOS=F npm run bench\`), ${new Date().toISOString()}; ${cpu.length} cores, ${cpu[0]?.model.trim() ?? 'unknown CPU'};`,
    `Node ${process.version}; load average (1 min) at the start of the run: ${loadAtStart}.`,
    '',
    `- Against the service of the table above (MariaDB, the same database), ${MIXED.connections} connections, ${SECONDS.mixed} s. Out of every 20 requests:`,
    '  16 unique pushes (as A), 3 duplicates (one of 64 bodies stored just before, re-signed: the fast path, as C) and',
    '  1 push signed with a wrong secret (answered `sign-check-failure` before its body is parsed): 80% / 15% / 5%.',
    '- Each answer is counted by its request\'s kind and its envelope\'s `errorId` (`success` is error "200"). "Work orders stored"',
    '  counts work_order rows added during the run. Columns and "CPU cores" as in the main table.',
    '',
    mixedTables(m),
    '',
    `Checks: ${m.checks.map((c) => `${c.ok ? 'ok' : '**FAILED**'}: ${c.text}`).join('; ')}.`,
    '',
  ].join('\n');
}

// ---------------------------------------------------------------------------------------------- report

interface UniqueRun extends LoadFigures {
  stored: number;
  storedPerSec: number;
  consistent: boolean;
  consistency: string;
  /** MariaDB statements (status Questions) and InnoDB fsyncs (Innodb_data_fsyncs) per stored push. */
  queriesPerPush: number;
  fsyncsPerPush: number;
  /** The same run as the service counted it (GET /metrics before and after). */
  served: ServedFigures;
}

interface BigPush {
  bodyBytes: number;
  status: number;
  ok: boolean;
  answerMs: number;
  rssBefore: number;
  hwmBefore: number;
  hwmAfter: number;
  rssAfter: number;
  /** From the answer until every package row is stored (its package_index_job row gone). */
  findMs: number;
  /** Peak RSS once the package rows are stored. */
  hwmIndexed: number;
  storedPackages: number;
  cpuServiceIndexing: number | null;
  cpuMariadbIndexing: number | null;
  /** CPU seconds spent while it was being answered: the service, MariaDB. */
  cpuService: number | null;
  cpuMariadb: number | null;
  /** The service's heap before the push (GET /metrics): what its RSS before was made of. */
  heapBefore: HeapFigures;
}

interface Report {
  unique: UniqueRun[];
  /** I: badly signed big bodies at once (bench/body-flood.ts). */
  flood?: FloodFigures;
  /** M: the big push on a service with and one without the full collection before it (bench/heap-compaction.ts). */
  heap?: HeapCompactionFigures;
  /** A again, sent at a steady half of the best A rate; `served`: as the service counted it, warm-up included. */
  halfRate?: PacedFigures & { served: ServedFigures };
  bare?: LoadFigures;
  duplicate?: LoadFigures & { storedDuring: number; sameWorkOrder: boolean };
  big?: BigPush;
  dispatch?: DispatchRun;
  mixed?: MixedRun;
  raw?: RawRun;
  finance?: FinanceRun;
  financeLoadAtStart?: string;
  settlement?: SettlementRun;
  settlementLoadAtStart?: string;
  /** µs of CPU the metrics cost a stored push (bench/metrics-cost.ts), on and with METRICS=off. */
  metricsCost?: { onUs: number; offUs: number };
}

function latencyCells(f: LoadFigures): string[] {
  return [fmt.int(f.reqPerSec), fmt.ms(f.p50), fmt.ms(f.p99), fmt.ms(f.max)];
}

function cpuCell(f: LoadFigures): string {
  const c = (n: number | null) => (n === null ? '?' : n.toFixed(2));
  return `${c(f.cpu.server)} / ${c(f.cpu.mariadb)} / ${c(f.cpu.loadgen)} / ${c(f.cpu.other)}`;
}

function loadTable(report: Report, best?: UniqueRun): string {
  const rows: string[][] = [];
  for (const u of report.unique) {
    rows.push([
      `A unique pushes${u === best ? ' (best)' : ''}`, String(u.connections), u.seconds.toFixed(1), ...latencyCells(u), fmt.int(u.completed),
      fmt.int(u.non2xx), fmt.int(u.envelopeFailures), `${fmt.int(u.stored)} (${fmt.int(u.storedPerSec)}/s)`, cpuCell(u),
    ]);
  }
  if (report.halfRate) {
    const h = report.halfRate;
    rows.push([
      `A at half the best rate (${fmt.int(h.rate)}/s, open loop)`, '—', h.seconds.toFixed(1), fmt.int(h.reqPerSec), fmt.ms(h.p50), fmt.ms(h.p99), fmt.ms(h.max),
      fmt.int(h.completed), '—', fmt.int(h.failures), '—', cpuCoresCell(h.cpu),
    ]);
  }
  if (report.bare) {
    const b = report.bare;
    rows.push(['B bare Koa route', String(b.connections), b.seconds.toFixed(1), ...latencyCells(b), fmt.int(b.completed), fmt.int(b.non2xx), fmt.int(b.envelopeFailures), '—', cpuCell(b)]);
  }
  if (report.duplicate) {
    const d = report.duplicate;
    rows.push([
      'C duplicate pushes', String(d.connections), d.seconds.toFixed(1), ...latencyCells(d), fmt.int(d.completed), fmt.int(d.non2xx), fmt.int(d.envelopeFailures),
      `${fmt.int(d.storedDuring)} new`, cpuCell(d),
    ]);
  }
  const head = ['Scenario', 'Conns', 'Secs', 'Req/s', 'p50 ms', 'p99 ms', 'Max ms', 'Answers', 'Non-2xx', 'Not "200"', 'Work orders stored', 'CPU cores server / MariaDB / load gen / other'];
  return markdownTable(head, rows);
}

const boundMs = (n: number | null) => (n === null ? '—' : n === Infinity ? '> 10,000' : `≤ ${fmt.ms(n)}`);

/** One A run as the service counted it: answers, stores, group commits (GET /metrics). */
function servedCells(s: ServedFigures): string[] {
  return [
    `${fmt.int(s.success)} answered success, ${fmt.int(s.failed)} failed`,
    `${fmt.int(s.created)} stored`,
    `store time p50 ${boundMs(s.storeP50Ms)} ms, p99 ${boundMs(s.storeP99Ms)} ms`,
    `answer p99 ${boundMs(s.answerP99Ms)} ms`,
    `${fmt.int(s.groups)} group commits of ${s.meanGroupSize?.toFixed(1) ?? '—'} on average`,
    `${fmt.int(s.retries)} transactions retried`,
  ];
}

function servedTable(unique: UniqueRun[], best?: UniqueRun, halfRate?: Report['halfRate']): string {
  const row = (label: string, s: ServedFigures) => [
    label, `${fmt.int(s.success)} / ${fmt.int(s.failed)}`, fmt.int(s.created),
    `${boundMs(s.storeP50Ms)} / ${boundMs(s.storeP99Ms)}`, boundMs(s.answerP99Ms), fmt.int(s.groups), s.meanGroupSize?.toFixed(1) ?? '—', fmt.int(s.retries),
  ];
  const rows = unique.map((u) => row(`${u.connections} connections${u === best ? ' (best)' : ''}`, u.served));
  if (halfRate) rows.push(row(`half the best rate (${fmt.int(halfRate.rate)}/s; its 5 s of warm-up included)`, halfRate.served));
  return markdownTable(
    ['A as the service counted it (GET /metrics)', 'Answered success / failed', 'Stored (created)', 'Store time p50 / p99 ms', 'Answer p99 ms', 'Group commits', 'Pushes per group', 'Retried transactions'],
    rows,
  );
}

/** The service's CPU per stored push in an A run, in ms (null when its CPU was not read). */
function serviceMsPerPush(u: UniqueRun): number | null {
  return u.cpu.server === null ? null : (1000 * u.cpu.server * u.seconds) / Math.max(u.stored, 1);
}

function bigTable(big: BigPush): string {
  return markdownTable(
    ['D big push', 'Value'],
    [
      ['Package numbers', fmt.int(BIG_PACKAGES)],
      ['Body size', `${fmt.int(big.bodyBytes)} bytes (${fmt.mib(big.bodyBytes)})`],
      ['Answer', big.ok ? `${big.status}, error "200"` : `${big.status} (FAILED)`],
      ['Time to answer', `${fmt.int(big.answerMs)} ms`],
      ['CPU while answering: service / MariaDB', `${big.cpuService?.toFixed(2) ?? '?'} s / ${big.cpuMariadb?.toFixed(2) ?? '?'} s`],
      ['Service RSS before (VmRSS)', fmt.mib(big.rssBefore)],
      ['Its V8 heap before: used / total; external memory (GET /metrics)', `${fmt.mib(big.heapBefore.heapUsed)} / ${fmt.mib(big.heapBefore.heapTotal)}; ${fmt.mib(big.heapBefore.external)}`],
      ['Service peak RSS before (VmHWM)', fmt.mib(big.hwmBefore)],
      ['Service peak RSS after (VmHWM)', fmt.mib(big.hwmAfter)],
      ['Service RSS after (VmRSS)', fmt.mib(big.rssAfter)],
      ['Every package queryable (job row gone), after the answer', `${fmt.int(big.findMs)} ms`],
      ['CPU while storing the package rows: service / MariaDB', `${big.cpuServiceIndexing?.toFixed(2) ?? '?'} s / ${big.cpuMariadbIndexing?.toFixed(2) ?? '?'} s`],
      ['Service peak RSS once the packages are stored (VmHWM)', fmt.mib(big.hwmIndexed)],
      ['Packages stored for its work order', fmt.int(big.storedPackages)],
    ],
  );
}

function targetsParagraph(best: UniqueRun | undefined, big: BigPush | undefined, halfRate?: Report['halfRate'], cost?: Report['metricsCost']): string {
  const parts: string[] = [];
  const perPushMs = best ? serviceMsPerPush(best) : null;
  if (cost && perPushMs !== null) {
    const share = cost.onUs / (perPushMs * 1000);
    parts.push(
      `Issue 6, metrics ≤ ${ISSUE6_METRICS_SHARE * 100}% of the push path: **${share <= ISSUE6_METRICS_SHARE ? 'met' : 'not met'}**, ` +
        `${cost.onUs.toFixed(2)} µs per stored push (bench/metrics-cost.ts; ${cost.offUs.toFixed(2)} µs with METRICS=off) = ` +
        `${(100 * share).toFixed(2)}% of the ${fmt.ms(perPushMs)} ms of CPU the service spent per stored push in the best A run.`,
    );
  }
  if (halfRate) {
    const met = halfRate.p99 <= ISSUE6_HALF_RATE_P99_MS && halfRate.failures === 0;
    parts.push(
      `Issue 6, p99 ≤ ${ISSUE6_HALF_RATE_P99_MS} ms at half the best stored rate: **${met ? 'met' : 'not met'}**, p99 ${fmt.ms(halfRate.p99)} ms ` +
        `(p50 ${fmt.ms(halfRate.p50)} ms) at ${fmt.int(halfRate.reqPerSec)} req/s sent at a steady ${fmt.int(halfRate.rate)}/s` +
        (halfRate.failures ? `, ${fmt.int(halfRate.failures)} answers not "200"` : '') + '.',
    );
  }
  if (best) {
    const met = best.storedPerSec >= TARGET.storedPerSecond && best.consistent;
    parts.push(
      `Target 1, at least ${fmt.int(TARGET.storedPerSecond)} stored pushes/s: **${met ? 'met' : 'not met'}**, ` +
        `${fmt.int(best.storedPerSec)} pushes/s stored (scenario A, ${best.connections} connections, p99 ${fmt.ms(best.p99)} ms)` +
        (best.consistent ? '' : `; the stored rows do not match the answers (${best.consistency})`) + '.',
    );
  }
  if (big) {
    // Peak RSS: VmHWM once the package rows are stored (the peak since the service started, so it also covers A–C).
    for (const t of BIG_PUSH_TARGETS) {
      const fast = big.ok && big.answerMs <= t.answerMs;
      const small = big.hwmIndexed <= t.peakRss;
      parts.push(
        `Issue ${t.issue}, a ${fmt.int(BIG_PACKAGES)}-package push answered in at most ${t.answerMs / 1000} s with peak RSS at most ${t.peakRss / MiB} MiB: ` +
          `**${fast && small ? 'met' : 'not met'}**, answered ${big.ok ? 'successfully' : 'WITH A FAILURE'} in ${fmt.int(big.answerMs)} ms, ` +
          `peak RSS ${fmt.mib(big.hwmIndexed)}; every package queryable ${fmt.int(big.findMs)} ms after the answer.`,
      );
    }
  }
  return parts.join(' ');
}

async function writeBenchmarksMd(db: Connection, report: Report, best: UniqueRun | undefined, loadAtStart: string): Promise<string> {
  const mariadb = String((await db.query<RowDataPacket[]>('SELECT VERSION() AS v'))[0][0].v);
  const cpu = cpus();
  const text = [
    '# Benchmarks',
    '',
    'Written by `npm run bench` (bench/run.ts); figures of the last run. Everything ran on one machine over loopback:',
    'the load generator (autocannon, in the bench process), the service and MariaDB share its cores.',
    '',
    `- Date: ${new Date().toISOString()}`,
    `- Machine: ${cpu.length} cores, ${cpu[0]?.model.trim() ?? 'unknown CPU'}; ${fmt.mib(totalmem())} memory`,
    `- Node: ${process.version}`,
    `- MariaDB: ${mariadb}`,
    `- Service: \`node dist/src/main.js\`, DATABASE_URL=mysql://root@127.0.0.1:3306/${DATABASE} (fresh database), LOG_LEVEL=warn,`,
    `  the development Qimen app (${TEST_APP.appKey}), default pool size`,
    '',
    '## Scenarios',
    '',
    '- **A unique pushes**: each request is the spec example (test/fixtures/danniao-judge-request.json) with its own',
    '  externalOrderId, freshly signed (md5, current timestamp). "Work orders stored" counts work_order rows added during',
    '  the run; it may exceed the "200" answers by at most the connection count (pushes in flight when the load stopped).',
    '- **B bare Koa route**: the same signed bodies against a bare Koa server that only reads the raw body and answers a',
    '  small JSON (bench/bare-koa.ts): the ceiling of HTTP + body reading on this machine.',
    '- **C duplicate pushes**: one already-stored body repeated (re-signed per request): the duplicate fast path.',
    `- **D big push**: one push with ${fmt.int(BIG_PACKAGES)} package numbers; RSS from /proc/<pid>/status of the service.`,
    '- **E claim dispatch**, **F mixed pushes**, **G raw database ceiling** (A next to it), **H finance on 1,000,000 judgments** and',
    '  **K settlements on 1,000,000 judgments**:',
    '  sections of their own below, each also written by a run of its scenario alone (`BENCH_SCENARIOS=F npm run bench`).',
    '',
    loadTable(report, best),
    '',
    '"CPU cores" is CPU time over wall time during the load (from /proc/<pid>/stat), for the server under test, the',
    'local MariaDB server, the bench process (autocannon plus the signing of each request) and everything else the machine',
    'ran meanwhile (from /proc/stat: other processes, and kernel time charged to no process such as loopback TCP softirqs);',
    `the machine has ${cpu.length} cores. Load average (1 min) at the start: ${loadAtStart}.` +
      (best && serviceMsPerPush(best) !== null ? ` In the best scenario A run the service spent ${fmt.ms(serviceMsPerPush(best)!)} ms of CPU per stored push.` : '') +
      (best ? ` MariaDB received ${best.queriesPerPush.toFixed(1)} statements and did ${best.fsyncsPerPush.toFixed(2)} InnoDB fsyncs per stored push (status Questions, Innodb_data_fsyncs).` : ''),
    '',
    report.unique.length ? servedTable(report.unique, best, report.halfRate) : '',
    '',
    'The service\'s own figures for the same runs, from its `GET /metrics` read before and after each (src/metrics): times are',
    'the upper bounds of the histogram buckets (1, 2.5, 5, 10, 25, 50, 100 ms, …) that hold the quantile.',
    '',
    report.big ? bigTable(report.big) : '',
    '',
    '## Targets',
    '',
    targetsParagraph(best, report.big, report.halfRate, report.metricsCost),
    '',
  ].join('\n');
  const fresh = freshSections(report, best, loadAtStart);
  let whole = text;
  for (const key of SECTION_KEYS) {
    const section = fresh[key] ?? existingSection(key);
    if (section) whole = withSection(whole, key, section);
  }
  writeFileSync(BENCHMARKS_MD, whole);
  return text;
}

// ---------------------------------------------------------------------------------------------- main

async function main(): Promise<void> {
  const started = Date.now();
  const loadAtStart = loadavg()[0].toFixed(2);
  process.stdout.write(`[bench] machine load average (1 min) at start: ${loadAtStart} on ${cpus().length} cores\n`);
  const log = (msg: string) => process.stdout.write(`[bench ${((Date.now() - started) / 1000).toFixed(1)}s] ${msg}\n`);
  const children: Child[] = [];
  let admin: Connection | undefined;
  /** Databases this run created, dropped at the end. */
  const databases: string[] = [];
  const tmp = mkdtempSync(join(tmpdir(), 'claim-relay-bench-'));
  const delayProxy = DB_DELAY_MS > 0 ? await startDelayProxyProcess(Number(new URL(MYSQL).port || 3306), DB_DELAY_MS) : null;
  if (delayProxy) {
    const proxied = new URL(MYSQL);
    proxied.port = String(delayProxy.port);
    serviceMysql = proxied.toString().replace(/\/+$/, '');
    log(`MariaDB answers held ${DB_DELAY_MS} ms on their way to the service and the raw writer (proxy on port ${delayProxy.port}, pid ${delayProxy.child.pid})`);
  }

  let cleaning: Promise<void> | undefined;
  const cleanup = () =>
    (cleaning ??= (async () => {
      await Promise.all(children.map((c) => stopChild(c).catch(() => undefined)));
      await delayProxy?.close();
      if (admin) {
        for (const name of databases) await admin.query(`DROP DATABASE IF EXISTS \`${name}\``).catch((err) => log(`could not drop ${name}: ${err.message}`));
        await admin.end().catch(() => undefined);
      }
      rmSync(tmp, { recursive: true, force: true });
    })());
  const onSignal = (signal: NodeJS.Signals) => {
    log(`${signal}: stopping`);
    void cleanup().finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  try {
    admin = await createConnection({ uri: `${MYSQL}/`, connectTimeout: 5000, multipleStatements: false });
    const db = admin;
    const report: Report = { unique: [] };
    const mariadbPid = findPid(['mariadbd', 'mysqld']);
    let best: UniqueRun | undefined;

    if (LOAD_SCENARIOS.length) {
      // 1. Fresh database and the service.
      await freshDatabase(admin, DATABASE, databases);

      // An explicit config file (the development app): a claim-relay.config.json someone leaves in the repo is not read.
      const configPath = join(tmp, 'config.json');
      writeFileSync(configPath, JSON.stringify({ qimen: { apps: [TEST_APP] } }));
      const servicePort = await freePort();
      const profileDir = process.env.BENCH_CPU_PROF;
      const service = startNode(
        'service',
        SERVICE_SCRIPT,
        {
          ...process.env,
          DATABASE_URL: `${serviceMysql}/${DATABASE}`,
          PORT: String(servicePort),
          LOG_LEVEL: 'warn',
          CLAIM_RELAY_CONFIG: configPath,
        },
        profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [],
        ROOT,
      );
      children.push(service);
      await waitForOk(service, servicePort, '/readyz', 60_000);
      // Each connection goes to one of the processes in turn: ready when every one of several in a row says so.
      if (SERVICE_PROCESSES > 1) await everyProcessReady(service, servicePort, 4 * SERVICE_PROCESSES);
      log(`service ready on port ${servicePort} (pid ${service.pid})${profileDir ? `, CPU profile to ${profileDir}` : ''}`);

      // 2. The bare Koa server.
      const barePort = await freePort();
      const bare = startNode('bare-koa', BARE_SCRIPT, { ...process.env, PORT: String(barePort) }, [], ROOT);
      children.push(bare);

      // Warm-up, and a check that a signed push is accepted at all before loading.
      const first = uniquePush();
      const warm = await httpRequest(servicePort, 'POST', first.path, first.body);
      if (warm.status !== 200 || !warm.body.includes('"error":"200"')) throw new Error(`the service refused a signed push: ${warm.status} ${warm.body}`);
      await waitBareListening(bare, barePort);

      const serviceWatch: Watched = { server: service, mariadbPid };

      // 3. A: unique pushes.
      if (SCENARIOS.has('A')) {
        for (const connections of CONNECTIONS) {
          const before = await settledWorkOrders(db);
          const countersBefore = await serverCounters(db);
          const metricsBefore = await scrapeMetrics(servicePort);
          log(`A unique pushes: ${connections} connections, ${SECONDS.unique} s`);
          const figures = await load('A', servicePort, serviceWatch, connections, SECONDS.unique, uniquePush);
          const stored = (await settledWorkOrders(db)) - before;
          const countersAfter = await serverCounters(db);
          const served = servedBetween(metricsBefore, await scrapeMetrics(servicePort));
          const queriesPerPush = (countersAfter.questions - countersBefore.questions) / Math.max(stored, 1);
          const fsyncsPerPush = (countersAfter.fsyncs - countersBefore.fsyncs) / Math.max(stored, 1);
          const inFlight = stored - figures.ok;
          const distinct = figures.workOrderIds.size === figures.ok;
          const consistent = inFlight >= 0 && inFlight <= connections && distinct;
          const consistency =
            `${fmt.int(stored)} rows for ${fmt.int(figures.ok)} "200" answers (${inFlight} in flight at stop)` +
            (distinct ? '' : `; only ${figures.workOrderIds.size} distinct workOrderIds answered`);
          report.unique.push({ ...figures, stored, storedPerSec: stored / figures.seconds, consistent, consistency, queriesPerPush, fsyncsPerPush, served });
          log(`  ${fmt.int(figures.reqPerSec)} req/s, p50 ${figures.p50} ms, p99 ${figures.p99} ms; ${consistency}; CPU cores ${cpuCell(figures)}; ` +
            `${queriesPerPush.toFixed(1)} SQL statements and ${fsyncsPerPush.toFixed(2)} InnoDB fsyncs per stored push`);
          log(`  /metrics: ${servedCells(served).join(', ')}`);
          if (figures.failureSamples.length) log(`  failures, e.g.: ${figures.failureSamples.join(' | ')}`);
        }
      }
      best = report.unique.reduce<UniqueRun | undefined>((b, u) => (!b || u.storedPerSec > b.storedPerSec ? u : b), undefined);
      const loadConnections = best?.connections ?? CONNECTIONS[0];

      // 3b. A at half the best rate (issue 6: p99 ≤ 50 ms there): the same pushes, sent at a steady pace (bench/paced-load.ts).
      if (SCENARIOS.has('A') && best && service.pid) {
        const rate = Math.max(1, Math.round(best.storedPerSec / 2));
        log(`A unique pushes at half the best rate: ${fmt.int(rate)}/s, open loop, 5 s of warm-up (not counted), then ${SECONDS.unique} s`);
        // Its /metrics figures include the 5 s of warm-up (the service cannot tell them apart).
        const metricsBefore = await scrapeMetrics(servicePort);
        const paced = await pacedLoad(servicePort, { rate, seconds: SECONDS.unique, warmupSeconds: 5, maxSockets: best.connections, serverPid: service.pid, mariadbPid }, uniquePush);
        report.halfRate = { ...paced, served: servedBetween(metricsBefore, await scrapeMetrics(servicePort)) };
        const h = report.halfRate;
        log(`  ${fmt.int(h.reqPerSec)} req/s, p50 ${fmt.ms(h.p50)} ms, p99 ${fmt.ms(h.p99)} ms, max ${fmt.ms(h.max)} ms; ${h.failures} failures; CPU cores ${cpuCoresCell(h.cpu)}`);
        log(`  /metrics (warm-up included): ${servedCells(h.served).join(', ')}`);
      }

      // 4. B: the bare Koa route, same bodies.
      if (SCENARIOS.has('B')) {
        log(`B bare Koa route: ${loadConnections} connections, ${SECONDS.bare} s`);
        report.bare = await load('B', barePort, { server: bare, mariadbPid }, loadConnections, SECONDS.bare, uniquePush);
        log(`  ${fmt.int(report.bare.reqPerSec)} req/s, p50 ${report.bare.p50} ms, p99 ${report.bare.p99} ms; CPU cores ${cpuCell(report.bare)}`);
      }

      // 5. C: duplicates of one stored body.
      if (SCENARIOS.has('C')) {
        const dup = uniquePush();
        const stored = await httpRequest(servicePort, 'POST', dup.path, dup.body);
        if (!stored.body.includes('"error":"200"')) throw new Error(`could not store the duplicate body: ${stored.status} ${stored.body}`);
        const before = await settledWorkOrders(db);
        log(`C duplicate pushes: ${loadConnections} connections, ${SECONDS.duplicate} s`);
        const figures = await load('C', servicePort, serviceWatch, loadConnections, SECONDS.duplicate, () => resigned(dup.body));
        const storedDuring = (await settledWorkOrders(db)) - before;
        const expectedId = Number(/"workOrderId":(\d+)/.exec(stored.body)?.[1]);
        const sameWorkOrder = figures.workOrderIds.size === 1 && figures.workOrderIds.has(expectedId);
        report.duplicate = { ...figures, storedDuring, sameWorkOrder };
        log(`  ${fmt.int(figures.reqPerSec)} req/s, p50 ${figures.p50} ms, p99 ${figures.p99} ms; ${storedDuring} work orders added; CPU cores ${cpuCell(figures)}; ` +
          `${sameWorkOrder ? 'every answer names the stored work order' : `answers named ${[...figures.workOrderIds].slice(0, 5).join(', ')}`}`);
      }

      // 6. F: mixed pushes (unique, duplicates of stored bodies, bad signatures), answers counted by errorId.
      if (SCENARIOS.has('F')) {
        const stored: Buffer[] = [];
        for (let i = 0; i < MIXED.duplicateBodies; i++) {
          const push = uniquePush();
          const answer = await httpRequest(servicePort, 'POST', push.path, push.body);
          if (!answer.body.includes('"error":"200"')) throw new Error(`could not store a body for F's duplicates: ${answer.status} ${answer.body}`);
          stored.push(push.body);
        }
        let n = 0;
        const mixed = (): Built => {
          const slot = n++ % 20;
          if (slot === 0) return { ...badlySigned(), kind: 'bad signature' };
          if (slot <= 3) return { ...resigned(stored[n % stored.length]), kind: 'duplicate' };
          return { ...uniquePush(), kind: 'unique' };
        };
        const before = await settledWorkOrders(db);
        log(`F mixed pushes: ${MIXED.connections} connections, ${SECONDS.mixed} s (80% unique, 15% duplicate, 5% bad signature)`);
        const figures = await load('F', servicePort, serviceWatch, MIXED.connections, SECONDS.mixed, mixed);
        const storedDuring = (await settledWorkOrders(db)) - before;
        report.mixed = { ...figures, stored: storedDuring, ...mixedChecks(figures, storedDuring) };
        log(`  ${fmt.int(figures.reqPerSec)} req/s, p50 ${figures.p50} ms, p99 ${figures.p99} ms, max ${figures.max} ms; answers ${JSON.stringify(figures.byKind)}; ` +
          `CPU cores ${cpuCell(figures)}`);
        for (const c of report.mixed.checks) log(`  ${c.ok ? 'ok' : 'FAILED'}: ${c.text}`);
      }

      // 7. G: the raw database ceiling, a plain mysql2 script writing the rows of the warm-up push.
      if (SCENARIOS.has('G')) {
        const templateId = Number(/"workOrderId":(\d+)/.exec(warm.body)?.[1]);
        if (!Number.isSafeInteger(templateId)) throw new Error(`no workOrderId in the warm-up answer: ${warm.body}`);
        report.raw = await rawCeilingScenario(db, { children, databases, mariadbPid, log }, templateId);
        if (best) log(`  A stored ${fmt.int(best.storedPerSec)} pushes/s = ${((100 * best.storedPerSec) / rawCeiling(report.raw).perSecond).toFixed(0)}% of the ceiling`);
      }

      // 8. D: the big push.
      if (SCENARIOS.has('D')) {
        const packageNos = Array.from({ length: BIG_PACKAGES }, (_, i) => `PK${String(i + 1).padStart(14, '0')}`);
        const lastPackage = packageNos[packageNos.length - 1];
        const big = signedPush(exampleBody(`BENCH_${runTag}_BIG`, packageNos));
        await sleep(1000); // let the service settle after the load
        const heapBefore = heapOf(await scrapeMetrics(servicePort));
        const memBefore = memoryOf(service.pid);
        const cpuBefore = { service: cpuSecondsOf(service.pid), mariadb: mariadbPid ? cpuSecondsOf(mariadbPid) : null };
        log(`D big push: ${fmt.int(big.body.length)} bytes, ${fmt.int(BIG_PACKAGES)} package numbers`);
        const answer = await httpRequest(servicePort, 'POST', `/qimen?${big.query}`, big.body, 120_000);
        const memAfter = memoryOf(service.pid);
        const cpuAfter = { service: cpuSecondsOf(service.pid), mariadb: mariadbPid ? cpuSecondsOf(mariadbPid) : null };
        const spent = (a: number | null, b: number | null) => (a === null || b === null ? null : b - a);
        // The answer comes once the raw push, revision and package_index_job row are committed; the package
        // rows follow (src/storage/package-index.ts). Queryable: the last number is found and the job row is gone.
        const workOrderId = Number(/"workOrderId":(\d+)/.exec(answer.body)?.[1] ?? -1);
        const findStarted = process.hrtime.bigint();
        let found = 0;
        let pendingJobs = 1;
        while ((found === 0 || pendingJobs > 0) && Number(process.hrtime.bigint() - findStarted) / 1e6 < 120_000) {
          found = await scalar(db, `SELECT COUNT(*) FROM \`${DATABASE}\`.responsibility_package WHERE packageNo = ?`, [lastPackage]);
          pendingJobs = await scalar(db, `SELECT COUNT(*) FROM \`${DATABASE}\`.package_index_job WHERE workOrderId = ?`, [workOrderId]);
          if (found === 0 || pendingJobs > 0) await sleep(20);
        }
        const findMs = Number(process.hrtime.bigint() - findStarted) / 1e6;
        const memIndexed = memoryOf(service.pid);
        const cpuIndexed = { service: cpuSecondsOf(service.pid), mariadb: mariadbPid ? cpuSecondsOf(mariadbPid) : null };
        const storedPackages = await scalar(db, `SELECT COUNT(*) FROM \`${DATABASE}\`.responsibility_package WHERE workOrderId = ?`, [workOrderId]);
        report.big = {
          bodyBytes: big.body.length,
          status: answer.status,
          ok: answer.status === 200 && answer.body.includes('"error":"200"'),
          answerMs: answer.ms,
          rssBefore: memBefore.rss,
          hwmBefore: memBefore.hwm,
          hwmAfter: memAfter.hwm,
          rssAfter: memAfter.rss,
          findMs: found && pendingJobs === 0 ? findMs : NaN,
          hwmIndexed: memIndexed.hwm,
          storedPackages,
          cpuServiceIndexing: spent(cpuAfter.service, cpuIndexed.service),
          cpuMariadbIndexing: spent(cpuAfter.mariadb, cpuIndexed.mariadb),
          cpuService: spent(cpuBefore.service, cpuAfter.service),
          cpuMariadb: spent(cpuBefore.mariadb, cpuAfter.mariadb),
          heapBefore,
        };
        if (!report.big.ok) log(`  the big push failed: ${answer.status} ${answer.body.slice(0, 300)}`);
        log(`  answered in ${fmt.int(answer.ms)} ms; peak RSS ${fmt.mib(memAfter.hwm)} (RSS before ${fmt.mib(memBefore.rss)}); ` +
          `every package queryable ${found && pendingJobs === 0 ? `${fmt.int(findMs)} ms after the answer` : 'NOT within 120 s'} (peak RSS then ${fmt.mib(memIndexed.hwm)}); ${fmt.int(storedPackages)} packages stored`);
      }

      if (service.lines() > 0) log(`the service wrote ${service.lines()} log lines at warn or above; last:\n${service.tail()}`);

      // The service and the bare server are done with: E measures worker processes alone.
      await Promise.all([stopChild(service), stopChild(bare)]);
    }

    // What metrics cost a stored push, on a machine the services have left (issue 6: ≤ 3% of the push path).
    if (SCENARIOS.has('A')) {
      report.metricsCost = await metricsCost(__dirname);
      log(`metrics: ${report.metricsCost.onUs.toFixed(2)} µs per stored push (${report.metricsCost.offUs.toFixed(2)} µs with METRICS=off)`);
    }

    // I: unauthenticated big bodies against a service of its own (embedded SQLite: the flood never reaches a database).
    if (SCENARIOS.has('I')) {
      report.flood = await bodyFlood(join(__dirname, '..'));
      log(`body flood: peak RSS ${fmt.int(report.flood.peakRssMiB)} MiB, ordinary pushes max ${report.flood.ordinary.maxMs.toFixed(0)} ms`);
    }

    // M: the big push after a burst, on a service with and one without the full collection before it (databases of their own).
    if (SCENARIOS.has('M')) report.heap = await heapCompaction(join(__dirname, '..'), log);

    // 9. E: claim dispatch by worker processes, on a database of its own.
    if (SCENARIOS.has('E')) report.dispatch = await dispatchScenario({ db, children, databases, tmp, mariadbPid, log });

    // 10. H (only when named): the finance API on a seeded database of its own, with a service of its own.
    if (SCENARIOS.has('H')) {
      report.financeLoadAtStart = loadavg()[0].toFixed(2);
      report.finance = await financeScenario({
        admin: db, mysql: MYSQL, children, databases, tmp, mariadbPid, root: ROOT, serviceScript: SERVICE_SCRIPT, judgments: FINANCE.judgments,
        seconds: SECONDS.finance, connections: FINANCE.connections, seedBoundMs: FINANCE.seedBoundMs, log,
      });
    }

    // 11. K: statement imports and the reconciliation view, on H's database when H ran (same data set), else its own.
    if (SCENARIOS.has('K')) {
      report.settlementLoadAtStart = loadavg()[0].toFixed(2);
      report.settlement = await settlementScenario({
        admin: db, mysql: MYSQL, children, databases, tmp, mariadbPid, root: ROOT, serviceScript: SERVICE_SCRIPT, judgments: FINANCE.judgments,
        seconds: SECONDS.finance, connections: FINANCE.connections, seedBoundMs: FINANCE.seedBoundMs, lines: STATEMENT_LINES, log,
      }, report.finance?.seeded);
    }

    // 12. Report.
    if (['A', 'B', 'C', 'D'].some((s) => SCENARIOS.has(s))) {
      process.stdout.write(
        `\n${loadTable(report, best)}\n\n${report.unique.length ? `${servedTable(report.unique, best, report.halfRate)}\n\n` : ''}` +
          `${report.big ? `${bigTable(report.big)}\n\n` : ''}${targetsParagraph(best, report.big, report.halfRate, report.metricsCost)}\n\n`,
      );
    }
    if (report.mixed) process.stdout.write(`\n${mixedTables(report.mixed)}\n\n${report.mixed.checks.map((c) => `${c.ok ? 'ok' : 'FAILED'}: ${c.text}`).join('\n')}\n\n`);
    if (report.raw) process.stdout.write(`\n${rawTable(report.raw, report.unique, best)}\n\n${rawTargetsParagraph(report.raw, best)}\n\n`);
    if (report.dispatch) process.stdout.write(`\n${dispatchMarkdownTable(report.dispatch)}\n\n${dispatchTargetsParagraph(report.dispatch)}\n\n`);
    if (report.finance) process.stdout.write(`\n${financeTables(report.finance)}\n\n${financeTargetsParagraph(report.finance)}\n\n`);
    // K's whole section (its prose says what was measured: the figures of a smaller run are for notes too).
    if (report.settlement) process.stdout.write(`\n${settlementSection(report.settlement, { connections: FINANCE.connections, seconds: SECONDS.finance, loadAtStart: report.settlementLoadAtStart ?? loadAtStart })}\n`);
    if (['A', 'B', 'C', 'D'].every((s) => SCENARIOS.has(s)) && SCALE === 1 && DB_DELAY_MS === 0 && SERVICE_PROCESSES === 1) {
      await writeBenchmarksMd(db, report, best, loadAtStart);
      log('wrote BENCHMARKS.md');
    } else {
      const fresh = freshSections(report, best, loadAtStart);
      const keys = SECTION_KEYS.filter((k) => fresh[k]);
      if (keys.length) {
        let current = existsSync(BENCHMARKS_MD) ? readFileSync(BENCHMARKS_MD, 'utf8') : '# Benchmarks\n';
        for (const key of keys) current = withSection(current, key, fresh[key]!);
        writeFileSync(BENCHMARKS_MD, current);
        log(`wrote section(s) ${keys.map((k) => k.slice(3, 4)).join(', ')} of BENCHMARKS.md (the rest left as it is)`);
      } else {
        log('a partial or shortened run (BENCH_SCENARIOS / BENCH_DURATION_SCALE): BENCHMARKS.md left as it is');
      }
    }
  } finally {
    // 13. Children stopped, databases dropped, whatever happened.
    await cleanup();
    log(`done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  }
}

/** Waits until `inRow` new connections one after another each get /readyz 200 (bounded at 60 s). */
async function everyProcessReady(service: Child, port: number, inRow: number): Promise<void> {
  const deadline = Date.now() + 60_000;
  let run = 0;
  while (run < inRow) {
    if (Date.now() > deadline) throw new Error(`service: not every process answered /readyz 200 within 60 s:\n${service.tail()}`);
    const answer = await httpRequest(port, 'GET', '/readyz', undefined, 2000).catch(() => null);
    run = answer?.status === 200 ? run + 1 : 0;
    if (run === 0) await sleep(100);
  }
}

/** Waits until the bare server answers anything (GET / is a 404 there). */
async function waitBareListening(bare: Child, port: number): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    if (bare.exited()) throw new Error(`bare-koa exited:\n${bare.tail()}`);
    try {
      await httpRequest(port, 'GET', '/', undefined, 1000);
      return;
    } catch {
      await sleep(100);
    }
  }
  throw new Error(`bare-koa did not listen within 15 s:\n${bare.tail()}`);
}

main().catch((err) => {
  process.stderr.write(`bench failed: ${(err as Error).stack ?? err}\n`);
  process.exitCode = 1;
});
