import autocannon from 'autocannon';
import { writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { format } from 'mysql2';
import { Connection, createConnection, RowDataPacket } from 'mysql2/promise';
import { createDataSource } from '../ormconfig';
import { CSV_THREAD_IDLE_MS } from '../src/api/csv-export-thread';
import { JudgmentFilter, resolveJudgmentFilter } from '../src/api/judgment-filter';
import { judgmentPageQuery } from '../src/api/judgment-list';
import { reconciliationRules } from '../src/domain/reconciliation';
import { TEST_APP } from '../test/support/qimen-push';
import { MILLION_CLAIM_STATUSES, MILLION_FILED_STATUSES, MILLION_TENANTS, millionReceivedAt, MillionSeeded, millionWaybill, seedMillion } from './seed-million';
import {
  Child, cpuCoresCell, CpuCores, cpuMeter, fmt, freePort, LOOPBACK, markdownTable, memoryOf, MiB, PeakMemory, resetPeakRss, rssSampler, startNode, stopChild, waitForOk, freshMigratedDatabase } from './support';

/**
 * Scenario H of `npm run bench`: the finance API on 1,000,000
 * judgments. A fresh database (claim_relay_bench_finance_<pid>, migrated) is seeded by bench/seed-million.ts,
 * the service is started on it with a finance token (dispatch off), then:
 *   1. GET /api/judgments.csv of 100,000 judgments (a received-time window that holds exactly that many):
 *      time, bytes, rows, and the service's peak RSS growth: VmHWM is reset to VmRSS just before
 *      (/proc/<pid>/clear_refs), so VmHWM after − VmHWM before is the export's own peak growth. Twice:
 *      cold (no export thread alive: the warm-up's thread has ended after its idle time, so the growth
 *      includes starting one; the figure judged against the target), then warm (right after, on that thread);
 *   2. GET /api/judgments with filters under autocannon (env.connections connections, env.seconds each):
 *      p50/p99/max and requests/s.
 * Everything it starts is registered in env.children / env.databases, so the caller's cleanup stops and drops it.
 */
export const FINANCE_TOKEN = 'bench-finance-token-0123456789';
export const FINANCE_TARGET = { p99Ms: 100, csvGrowth: 50 * MiB, csvRows: 100_000 };

/**
 * A filter whose one request alone takes longer than this is not loaded with concurrent connections (its
 * requests would only time out and leave their queries running in MariaDB for minutes): it is timed with up
 * to SLOW_SAMPLES requests one after another instead, bounded by SLOW_BOUND_MS.
 */
const SLOW_MS = 2000;
const SLOW_SAMPLES = 3;
const SLOW_BOUND_MS = 45_000;

export interface FinanceEnv {
  admin: Connection;
  /** mysql://user@host:port, no database. */
  mysql: string;
  children: Child[];
  databases: string[];
  tmp: string;
  mariadbPid: number | null;
  root: string;
  serviceScript: string;
  judgments: number;
  seconds: number;
  connections: number;
  seedBoundMs: number;
  log: (msg: string) => void;
}

export interface FinanceLoad extends PathLoad {
  label: string;
  path: string;
  /** Judgments the filter matches (COUNT on the database). */
  matches: number;
  /** Items on the first page (a check before loading). */
  firstPage: number;
  /** One request alone, before any load (the warm-up request of the filter). */
  aloneMs: number;
  /** The page query alone (the SQL loadJudgmentPage runs, sent by the bench): ms, and MariaDB's plan for it. */
  sqlMs: number;
  plan: string;
}

/** One GET path under load (or, too slow for that, requested in turn). */
export interface PathLoad {
  /** false: too slow to load concurrently; p50/p99/max are of sequential requests. */
  loaded: boolean;
  connections: number;
  seconds: number;
  reqPerSec: number;
  completed: number;
  non2xx: number;
  errors: number;
  p50: number;
  p99: number;
  max: number;
  cpu: CpuCores;
}

export interface FinanceCsv extends PeakMemory {
  path: string;
  status: number;
  rows: number;
  bytes: number;
  firstByteMs: number;
  ms: number;
  cpu: CpuCores;
}

export interface FinanceRun {
  date: string;
  mariadb: string;
  bufferPool: number;
  judgments: number;
  seed: MillionSeeded;
  dataMiB: Record<string, number>;
  /** The export on a new thread (none alive before it): the figure for the target. */
  csv: FinanceCsv;
  /** The same export right after, on the thread the first one left idle. */
  csvWarm: FinanceCsv;
  loads: FinanceLoad[];
  /** The whole scenario: database, seeding, service, measurements (ms). */
  totalMs: number;
  /** The seeded database, left for K to reuse (the run's cleanup drops it). */
  seeded: SeededFinance;
}

const NEWEST = new Date('2026-10-31T00:00:00.000Z');
const STEP_MS = 60_000;
const iso = (d: Date) => d.toISOString();

/** The seed of H (and K): the options of bench/seed-million.ts for `judgments` judgments. */
export function financeSeedOptions(judgments: number, boundMs: number, log: (msg: string) => void) {
  return { judgments, newestAt: NEWEST, stepMs: STEP_MS, claimEvery: 3, packageEvery: 10, packagesPer: 2, batch: 5000, derivedChunk: 50_000, boundMs, log };
}

/** A seeded database: where it is, how it was seeded, its size on disk and the MariaDB it is on. */
export interface SeededFinance {
  database: string;
  url: string;
  opts: ReturnType<typeof financeSeedOptions>;
  seed: MillionSeeded;
  dataMiB: Record<string, number>;
  mariadb: string;
  bufferPool: number;
}

/** A fresh migrated database `database`, seeded by bench/seed-million.ts (registered in env.databases: the caller's cleanup drops it). */
export async function seedFinanceDatabase(env: Pick<FinanceEnv, 'admin' | 'mysql' | 'databases' | 'judgments' | 'seedBoundMs' | 'log'>, database: string): Promise<SeededFinance> {
  const { admin, log } = env;
  const url = await freshMigratedDatabase(admin, env.mysql, database, env.databases);
  const opts = financeSeedOptions(env.judgments, env.seedBoundMs, log);
  const connect = () => createConnection({ uri: url, charset: 'utf8mb4', timezone: 'Z', connectTimeout: 5000 });
  const writer = await connect();
  const follower = await connect();
  let seed: MillionSeeded;
  try {
    seed = await seedMillion(writer, follower, opts);
  } finally {
    await Promise.all([writer.end().catch(() => undefined), follower.end().catch(() => undefined)]);
  }
  log(`  seeded in ${(seed.totalMs / 1000).toFixed(1)} s (work orders written after ${(seed.workOrdersMs / 1000).toFixed(1)} s, derived tables after ` +
    `${(seed.derivedMs / 1000).toFixed(1)} s, ANALYZE ${(seed.analyzeMs / 1000).toFixed(1)} s): ${Object.entries(seed.rows).map(([t, n]) => `${t} ${fmt.int(n)}`).join(', ')}`);
  const [sizes] = await admin.query<RowDataPacket[]>(
    'SELECT table_name AS t, (data_length + index_length) / 1048576 AS mib FROM information_schema.tables WHERE table_schema = ? ORDER BY (data_length + index_length) DESC',
    [database],
  );
  const dataMiB = Object.fromEntries(sizes.filter((r) => Number(r.mib) >= 1).map((r) => [String(r.t), Number(r.mib)]));
  const [[pool]] = await admin.query<RowDataPacket[]>("SELECT @@innodb_buffer_pool_size AS b, VERSION() AS v");
  return { database, url, opts, seed, dataMiB, mariadb: String(pool.v), bufferPool: Number(pool.b) };
}

export async function financeScenario(env: FinanceEnv): Promise<FinanceRun> {
  const started = Date.now();
  const { log } = env;
  const database = `claim_relay_bench_finance_${process.pid}`;
  const seeded = await seedFinanceDatabase(env, database);
  const { url, opts, seed, dataMiB } = seeded;
  const N = env.judgments;
  const connect = () => createConnection({ uri: url, charset: 'utf8mb4', timezone: 'Z', connectTimeout: 5000 });

  // 2. The service on it, finance token in its config, dispatch off (the seeded claims are not to be sent).
  const configPath = join(env.tmp, 'finance-config.json');
  writeFileSync(configPath, JSON.stringify({ qimen: { apps: [TEST_APP] }, finance: { tokens: [{ name: 'bench', token: FINANCE_TOKEN, role: 'viewer' }] } }));
  const { child: service, port } = await startFinanceService(env, 'finance service', url, configPath);

  // 3. The measurements, on the bench's own connection to the seeded database too (counts, the page SQL timed and explained).
  const probe = await connect();
  try {
    const { csv, csvWarm, loads } = await measureFinance({ env, database, url, opts, service, port, probe });
    if (service.lines() > 0) log(`the finance service wrote ${service.lines()} log lines at warn or above; last:\n${service.tail()}`);
    await stopChild(service);
    return { date: new Date().toISOString(), mariadb: seeded.mariadb, bufferPool: seeded.bufferPool, judgments: N, seed, dataMiB, csv, csvWarm, loads, totalMs: Date.now() - started, seeded };
  } finally {
    await probe.end().catch(() => undefined);
  }
}

/** The service on a seeded database with the config at `configPath` (its finance tokens), dispatch off: the seeded claims are not to be sent. */
export async function startFinanceService(env: Pick<FinanceEnv, 'serviceScript' | 'root' | 'children' | 'log'>, name: string, url: string, configPath: string): Promise<{ child: Child; port: number }> {
  const port = await freePort();
  const child = startNode(name, env.serviceScript, {
    ...process.env, DATABASE_URL: url, PORT: String(port), LOG_LEVEL: 'warn', CLAIM_RELAY_CONFIG: configPath, DISPATCH_IN_PROCESS: '0',
  }, process.env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : [], env.root);
  env.children.push(child);
  await waitForOk(child, port, '/readyz', 60_000);
  env.log(`  ${name} on the seeded database, port ${port} (pid ${child.pid})`);
  return { child, port };
}

interface MeasureContext {
  env: FinanceEnv;
  database: string;
  url: string;
  opts: { judgments: number; newestAt: Date; stepMs: number };
  service: Child;
  port: number;
  probe: Connection;
}

/** The CSV export, then the list under load filter by filter (see the file's comment). */
async function measureFinance({ env, database, url, opts, service, port, probe }: MeasureContext): Promise<{ csv: FinanceCsv; csvWarm: FinanceCsv; loads: FinanceLoad[] }> {
  const { log } = env;
  const N = opts.judgments;

  // The filters. The CSV window holds exactly csvRows judgments in the middle of the table.
  const csvLast = Math.floor(N / 2);
  const csvFirst = csvLast - FINANCE_TARGET.csvRows + 1;
  const csvPath = `/api/judgments.csv?from=${encodeURIComponent(iso(millionReceivedAt(opts, csvFirst)))}&to=${encodeURIComponent(iso(millionReceivedAt(opts, csvLast + 1)))}`;
  const weekFrom = millionReceivedAt(opts, N - 30 * 1440);
  const weekTo = new Date(weekFrom.getTime() + 7 * 86_400_000);
  const waybill = millionWaybill(Math.floor(N * 0.37) + 1);
  const filters = [
    { label: 'no filter', path: '/api/judgments', query: {}, count: 'SELECT COUNT(*) AS n FROM work_order' },
    {
      label: `tenantId=${MILLION_TENANTS[0]}`, path: `/api/judgments?tenantId=${MILLION_TENANTS[0]}`, query: { tenantId: MILLION_TENANTS[0] },
      count: `SELECT COUNT(*) AS n FROM work_order WHERE tenantId = '${MILLION_TENANTS[0]}'`,
    },
    {
      label: 'responsibilityParty=WAREHOUSE, from/to (7 days)',
      query: { responsibilityParty: 'WAREHOUSE', from: weekFrom, to: weekTo },
      path: `/api/judgments?responsibilityParty=WAREHOUSE&from=${encodeURIComponent(iso(weekFrom))}&to=${encodeURIComponent(iso(weekTo))}`,
      count: `SELECT COUNT(*) AS n FROM work_order WHERE responsibilityParty = 'WAREHOUSE' AND receivedAt >= '${iso(weekFrom).replace('T', ' ').replace('Z', '')}' AND receivedAt < '${iso(weekTo).replace('T', ' ').replace('Z', '')}'`,
    },
    {
      label: 'status=submitted', path: '/api/judgments?status=submitted', query: { status: 'submitted' as const },
      count: "SELECT COUNT(DISTINCT workOrderId) AS n FROM claim WHERE status = 'submitted'",
    },
    {
      label: 'q=<a waybill>', path: `/api/judgments?q=${waybill}`, query: { q: waybill },
      count: `SELECT COUNT(DISTINCT workOrderId) AS n FROM judgment_revision WHERE waybillNo = '${waybill}'`,
    },
  ];
  const dbq = async (sql: string) => Number((await probe.query<RowDataPacket[]>(sql))[0][0].n);

  // Warm-up: the code paths of the list and the CSV (JIT, the pool's first connections), as in a running service;
  // each filter's first request is timed alone.
  const aloneMs = new Map<string, number>();
  for (const f of filters) {
    const t0 = process.hrtime.bigint();
    const answer = await getJson(port, f.path);
    aloneMs.set(f.path, Number(process.hrtime.bigint() - t0) / 1e6);
    if (answer.status !== 200) throw new Error(`GET ${f.path}: ${answer.status} ${answer.body.slice(0, 300)}`);
  }
  const sqls = await pageSqls(url, filters.map((f) => f.query));
  await streamGet(port, `/api/judgments.csv?from=${encodeURIComponent(iso(millionReceivedAt(opts, N - 999)))}`, service.pid);

  // a. The CSV export of 100,000 judgments, alone on the service: cold (the warm-up's thread ended first), then warm.
  log(`H CSV export: waiting ${(CSV_THREAD_IDLE_MS + 2000) / 1000} s for the warm-up's export thread to end (its idle time)`);
  await new Promise((r) => setTimeout(r, CSV_THREAD_IDLE_MS + 2000));
  const measureCsv = async (label: string): Promise<FinanceCsv> => {
    const memBefore = memoryOf(service.pid);
    const hwmReset = resetPeakRss(service.pid);
    const before = memoryOf(service.pid);
    const meter = cpuMeter(() => [service.pid], env.mariadbPid);
    log(`H CSV export (${label}): GET ${csvPath}`);
    const streamed = await streamGet(port, csvPath, service.pid);
    const cpu = meter();
    const after = memoryOf(service.pid);
    const csv: FinanceCsv = {
      path: csvPath, status: streamed.status, rows: streamed.lines - 1, bytes: streamed.bytes, firstByteMs: streamed.firstByteMs, ms: streamed.ms,
      rssBefore: memBefore.rss, hwmBefore: before.hwm, hwmAfter: after.hwm, rssAfter: after.rss, sampledPeak: streamed.peakRss, hwmReset, cpu,
    };
    log(`  ${streamed.status}: ${fmt.int(csv.rows)} rows, ${fmt.mib(csv.bytes)} in ${fmt.int(csv.ms)} ms (first byte ${fmt.ms(csv.firstByteMs)} ms); ` +
      `VmHWM ${fmt.mib(csv.hwmBefore)} → ${fmt.mib(csv.hwmAfter)} (+${fmt.mib(csv.hwmAfter - csv.hwmBefore)})${hwmReset ? '' : ' (VmHWM could not be reset)'}; CPU cores ${cpuCoresCell(cpu)}`);
    if (csv.status !== 200 || csv.rows !== FINANCE_TARGET.csvRows) throw new Error(`the CSV export gave ${csv.status} with ${csv.rows} rows, expected ${FINANCE_TARGET.csvRows}`);
    return csv;
  };
  const csv = await measureCsv('cold: a new thread');
  const csvWarm = await measureCsv('warm: the thread the last export left idle');

  // b. The list under load, filter by filter.
  const loads: FinanceLoad[] = [];
  for (const [i, f] of filters.entries()) {
    const matches = await dbq(f.count);
    const page = await getJson(port, f.path);
    if (page.status !== 200) throw new Error(`GET ${f.path}: ${page.status} ${page.body.slice(0, 300)}`);
    const firstPage = (JSON.parse(page.body) as { items: unknown[] }).items.length;
    const alone = aloneMs.get(f.path)!;
    const sql = sqls[i];
    const t0 = process.hrtime.bigint();
    await probe.query(sql);
    const sqlMs = Number(process.hrtime.bigint() - t0) / 1e6;
    const [explained] = await probe.query<RowDataPacket[]>(`EXPLAIN ${sql}`);
    const plan = explained
      .map((r) => `${r.select_type === 'PRIMARY' || r.select_type === 'SIMPLE' ? '' : `${String(r.select_type).toLowerCase()} `}${r.table} ${r.type}` +
        `${r.key ? ` ${r.key}` : ''}${r.rows ? ` ~${fmt.int(Number(r.rows))} rows` : ''}${/filesort/i.test(String(r.Extra)) ? ' + filesort' : ''}`)
      .join('; ');
    const verb = alone <= SLOW_MS
      ? `${fmt.int(matches)} judgments match, ${firstPage} on the first page (alone ${fmt.ms(alone)} ms, its SQL ${fmt.ms(sqlMs)} ms); ${env.connections} connections, ${env.seconds} s`
      : `${fmt.int(matches)} judgments match; one request alone took ${fmt.int(alone)} ms (its SQL ${fmt.int(sqlMs)} ms): ` +
        `too slow to load with ${env.connections} connections, timed with up to ${SLOW_SAMPLES} requests one after another instead`;
    log(`H GET ${f.path}: ${verb}`);
    const load: FinanceLoad = { label: f.label, path: f.path, matches, firstPage, aloneMs: alone, sqlMs, plan, ...(await loadOrSample(port, f.path, alone, env, service.pid)) };
    loads.push(load);
    log(`  ${load.reqPerSec < 10 ? load.reqPerSec.toFixed(2) : fmt.int(load.reqPerSec)} req/s, p50 ${fmt.ms(load.p50)} ms, p99 ${fmt.ms(load.p99)} ms, max ${fmt.ms(load.max)} ms; ${load.non2xx} non-2xx, ${load.errors} errors; ` +
      `CPU cores ${cpuCoresCell(load.cpu)}; plan: ${plan}`);
    await drainQueries(env.admin, database, log);
  }
  return { csv, csvWarm, loads };
}

/**
 * GET `path` with the finance token under autocannon (env.connections, env.seconds) when one request alone
 * took at most SLOW_MS (`aloneMs`); else up to SLOW_SAMPLES requests one after another (started within SLOW_BOUND_MS,
 * each given up after `sampleTimeoutMs`).
 */
export async function loadOrSample(
  port: number, path: string, aloneMs: number, env: Pick<FinanceEnv, 'connections' | 'seconds' | 'mariadbPid'>, servicePid: number, sampleTimeoutMs = 60_000,
): Promise<PathLoad> {
  const m = cpuMeter(() => [servicePid], env.mariadbPid);
  if (aloneMs <= SLOW_MS) {
    const result = await autocannon({
      url: `http://${LOOPBACK}:${port}${path}`, connections: env.connections, duration: env.seconds, timeout: 10,
      headers: { authorization: `Bearer ${FINANCE_TOKEN}` },
    });
    const load: PathLoad = {
      loaded: true, connections: env.connections, seconds: result.duration, reqPerSec: result.requests.average, completed: result.requests.total,
      non2xx: result.non2xx, errors: result.errors + result.timeouts, p50: result.latency.p50, p99: result.latency.p99, max: result.latency.max, cpu: m(),
    };
    return load.completed === 0 ? { ...load, p50: NaN, p99: NaN, max: NaN } : load;
  }
  const times: number[] = [];
  let failed = 0;
  const started = Date.now();
  while (times.length + failed < SLOW_SAMPLES && Date.now() - started < SLOW_BOUND_MS) {
    const t = process.hrtime.bigint();
    // A request with no answer within its bound counts as failed (the caller drains the query it left).
    const answer = await getJson(port, path, sampleTimeoutMs).catch(() => null);
    if (answer?.status === 200) times.push(Number(process.hrtime.bigint() - t) / 1e6);
    else failed++;
  }
  const cpu = m();
  times.sort((a, b) => a - b);
  return {
    loaded: false, connections: 1, seconds: cpu.wall, reqPerSec: times.length / cpu.wall, completed: times.length, non2xx: failed, errors: 0,
    p50: times[Math.floor((times.length - 1) / 2)] ?? NaN, p99: times[times.length - 1] ?? NaN, max: times[times.length - 1] ?? NaN, cpu,
  };
}

/**
 * The page query of GET /api/judgments for a filter, as SQL text: the query builder of loadJudgmentPage
 * (src/api/judgment-list.ts: work_order joined to its latest revision, the filter, newest first, limit 50 + 1),
 * built by TypeORM against the seeded database. Timed and EXPLAINed by the bench.
 */
async function pageSqls(url: string, filters: JudgmentFilter[]): Promise<string[]> {
  const dataSource = await createDataSource(url);
  await dataSource.initialize();
  try {
    const resolved = await Promise.all(filters.map((f) => resolveJudgmentFilter(dataSource, f)));
    // The API's own page query, its claim check chosen as the API chooses it (judgmentPageQuery).
    const rules = reconciliationRules([], 7, new Date());
    return await Promise.all(resolved.map(async (filter) => {
      const [sql, params] = (await judgmentPageQuery(dataSource, filter, rules, null, 50)).getQueryAndParameters();
      return format(sql, params.map((p) => (p instanceof Date ? p.toISOString().replace('T', ' ').replace('Z', '') : p)));
    }));
  } finally {
    await dataSource.destroy();
  }
}

/** Waits (at most 60 s) until no query runs on `database` (requests autocannon gave up on), then kills what still runs. */
export async function drainQueries(admin: Connection, database: string, log: (m: string) => void): Promise<void> {
  const running = async () =>
    (await admin.query<RowDataPacket[]>(
      "SELECT id FROM information_schema.processlist WHERE db = ? AND command = 'Query' AND id <> CONNECTION_ID()", [database],
    ))[0].map((r) => Number(r.id));
  const deadline = Date.now() + 60_000;
  let ids = await running();
  while (ids.length && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 200));
    ids = await running();
  }
  if (ids.length) {
    log(`  ${ids.length} queries of the finance service still ran 60 s after the load: killed`);
    for (const id of ids) await admin.query(`KILL QUERY ${id}`).catch(() => undefined);
  }
}

/** GETs `path` with the finance token; fails when no answer came within `timeoutMs`. */
export function getJson(port: number, path: string, timeoutMs = 60_000): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: LOOPBACK, port, path, headers: { authorization: `Bearer ${FINANCE_TOKEN}` }, agent: false, timeout: timeoutMs }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`GET ${path}: no answer within ${timeoutMs / 1000} s`)));
    req.on('error', reject);
    req.end();
  });
}

/** GETs `path` with the token, counting bytes and lines as they stream (nothing kept), sampling the server's VmRSS every 20 ms. */
function streamGet(port: number, path: string, serverPid: number): Promise<{ status: number; bytes: number; lines: number; firstByteMs: number; ms: number; peakRss: number }> {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const since = () => Number(process.hrtime.bigint() - started) / 1e6;
    const peakRss = rssSampler(serverPid);
    const fail = (err: Error) => {
      peakRss();
      reject(err);
    };
    const req = request({ host: LOOPBACK, port, path, headers: { authorization: `Bearer ${FINANCE_TOKEN}` }, agent: false, timeout: 300_000 }, (res) => {
      let bytes = 0;
      let lines = 0;
      let firstByteMs = NaN;
      res.on('data', (chunk: Buffer) => {
        if (bytes === 0) firstByteMs = since();
        bytes += chunk.length;
        for (let i = chunk.indexOf(10); i >= 0; i = chunk.indexOf(10, i + 1)) lines++;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, bytes, lines, firstByteMs, ms: since(), peakRss: peakRss() }));
      res.on('error', fail);
    });
    req.on('timeout', () => req.destroy(new Error(`GET ${path}: no answer within 300 s`)));
    req.on('error', fail);
    req.end();
  });
}

// ---------------------------------------------------------------------------------------------- report

export function financeTables(run: FinanceRun): string {
  const ms = (n: number) => (Number.isNaN(n) ? '—' : fmt.ms(n));
  const loads = markdownTable(
    ['H GET /api/judgments (limit 50)', 'Matching judgments', 'Alone ms', 'Page SQL ms', 'Conns', 'Secs', 'Req/s', 'p50 ms', 'p99 ms', 'Max ms', 'Answers',
      'Failed', 'CPU cores server / MariaDB / load gen / other'],
    run.loads.map((l) => [
      l.label, fmt.int(l.matches), ms(l.aloneMs), ms(l.sqlMs), l.loaded ? String(l.connections) : '1, in turn', l.seconds.toFixed(1), l.reqPerSec < 10 ? l.reqPerSec.toFixed(2) : fmt.int(l.reqPerSec),
      ms(l.p50), ms(l.p99), ms(l.max), fmt.int(l.completed), fmt.int(l.non2xx + l.errors), cpuCoresCell(l.cpu),
    ]),
  );
  const plans = run.loads.map((l) => `- ${l.label}: ${l.plan}`).join('\n');
  const [c, w] = [run.csv, run.csvWarm];
  const both = (cell: (x: FinanceCsv) => string) => [cell(c), cell(w)];
  const csv = markdownTable(
    ['H GET /api/judgments.csv', 'Cold (a new export thread)', 'Warm (the idle thread reused)'],
    [
      ['Filter', ...both(() => `from/to: a received-time window of ${fmt.int(FINANCE_TARGET.csvRows)} judgments`)],
      ['Answer', ...both((x) => `${x.status}, ${fmt.int(x.rows)} data rows, ${fmt.int(x.bytes)} bytes (${fmt.mib(x.bytes)})`)],
      ['Time (first byte / whole export)', ...both((x) => `${fmt.ms(x.firstByteMs)} ms / ${fmt.int(x.ms)} ms (${fmt.int(x.rows / (x.ms / 1000))} rows/s)`)],
      ['CPU cores server / MariaDB / load gen / other', ...both((x) => cpuCoresCell(x.cpu))],
      ['Service RSS before (VmRSS)', ...both((x) => fmt.mib(x.rssBefore))],
      [`Service peak RSS before (VmHWM${c.hwmReset ? ', reset to VmRSS' : ', NOT reset: peak since start'})`, ...both((x) => fmt.mib(x.hwmBefore))],
      ['Service peak RSS after (VmHWM)', ...both((x) => fmt.mib(x.hwmAfter))],
      ['Peak RSS growth (VmHWM after − before)', ...both((x) => fmt.mib(x.hwmAfter - x.hwmBefore))],
      ['Highest VmRSS sampled every 20 ms', ...both((x) => fmt.mib(x.sampledPeak))],
      ['Service RSS after (VmRSS)', ...both((x) => fmt.mib(x.rssAfter))],
    ],
  );
  return `${csv}\n\n${loads}\n\nMariaDB's plan of each page query (EXPLAIN; "dependent" parts run once per row of the outer scan):\n\n${plans}`;
}

export function financeTargetsParagraph(run: FinanceRun): string {
  const p99 = (l: FinanceLoad) => (Number.isNaN(l.p99) ? Number.POSITIVE_INFINITY : l.p99);
  const worst = run.loads.reduce((w, l) => (p99(l) > p99(w) ? l : w), run.loads[0]);
  const clean = run.loads.every((l) => l.non2xx + l.errors === 0);
  const listMet = clean && run.loads.every((l) => l.p99 <= FINANCE_TARGET.p99Ms);
  const over = run.loads
    .filter((l) => !(l.p99 <= FINANCE_TARGET.p99Ms))
    .map((l) => `${l.label} p99 ${Number.isNaN(l.p99) ? '— (no answer)' : `${fmt.ms(l.p99)} ms`}${l.loaded ? '' : ' (requests one at a time: too slow to load)'}, ` +
      `its page SQL alone ${fmt.ms(l.sqlMs)} ms in MariaDB`);
  const growth = run.csv.hwmAfter - run.csv.hwmBefore;
  const csvMet = run.csv.hwmReset && growth <= FINANCE_TARGET.csvGrowth;
  return (
    `Issue 6, finance p99 ≤ ${FINANCE_TARGET.p99Ms} ms on ${fmt.int(run.judgments)} judgments: **${listMet ? 'met' : 'not met'}**, ` +
    `worst p99 ${Number.isNaN(worst.p99) ? '— (no answer)' : `${fmt.ms(worst.p99)} ms`} (${worst.label})${over.length ? `; over the target: ${over.join(', ')}` : ''}${clean ? '' : '; some requests failed'}. ` +
    `Issue 6, CSV export of ${fmt.int(FINANCE_TARGET.csvRows)} rows with peak RSS growth ≤ ${FINANCE_TARGET.csvGrowth / MiB} MB: **${csvMet ? 'met' : 'not met'}**, ` +
    `+${fmt.mib(growth)} (VmHWM ${fmt.mib(run.csv.hwmBefore)} → ${fmt.mib(run.csv.hwmAfter)}) in ${fmt.int(run.csv.ms)} ms with a new export thread; ` +
    `+${fmt.mib(run.csvWarm.hwmAfter - run.csvWarm.hwmBefore)} in ${fmt.int(run.csvWarm.ms)} ms on the idle thread it left.`
  );
}

/** The `## H finance on 1,000,000 judgments` section of BENCHMARKS.md. */
export function financeSection(run: FinanceRun, env: { connections: number; seconds: number; loadAtStart: string }): string {
  const cpu = cpus();
  const s = run.seed;
  return [
    `## H finance on ${fmt.int(run.judgments)} judgments`,
    '',
    `Written by \`npm run bench\` (also alone: \`BENCH_SCENARIOS=H npm run bench\`; \`BENCH_SCENARIOS=A,B,C,D,E,F,G\` leaves it out), ${run.date};`,
    `H took **${(run.totalMs / 60_000).toFixed(1)} minutes** of the run, seeding included. ${cpu.length} cores, ${cpu[0]?.model.trim() ?? 'unknown CPU'};`,
    `Node ${process.version}; MariaDB ${run.mariadb} (innodb_buffer_pool_size ${fmt.mib(run.bufferPool)}); load average (1 min) at the start of H: ${env.loadAtStart}.`,
    '',
    `- Data: a fresh database (claim_relay_bench_finance_<pid>, migrated), seeded by bench/seed-million.ts in **${(s.totalMs / 1000).toFixed(1)} s**`,
    `  (work orders as multi-row INSERTs of 5,000 rows built by the bench, done after ${(s.workOrdersMs / 1000).toFixed(1)} s; revisions, claims, claim events`,
    `  and package numbers by INSERT … SELECT per 50,000 work orders on a second connection, done after ${(s.derivedMs / 1000).toFixed(1)} s; ANALYZE TABLE`,
    `  ${(s.analyzeMs / 1000).toFixed(1)} s): ${Object.entries(s.rows).map(([t, n]) => `${t} ${fmt.int(n)}`).join(', ')}. On disk (data + indexes): ` +
      `${Object.entries(run.dataMiB).map(([t, m]) => `${t} ${m.toFixed(0)} MiB`).join(', ')}.`,
    `  One judgment a minute (about ${fmt.int(run.judgments / 1440 / 365)} years), ${MILLION_TENANTS.length} tenants in turn, WAREHOUSE / DELIVERY, every revision column the`,
    `  spec example fills; a claim for every 3rd judgment (status ${MILLION_CLAIM_STATUSES.join(' / ')} in turn, submitted ones with their event,`,
    `  ${MILLION_FILED_STATUSES.join(' and ')} ones with a platform claim id), 2 package numbers for every 10th.`,
    '- The service (`node dist/src/main.js`, default pool, LOG_LEVEL=warn, DISPATCH_IN_PROCESS=0) on that database with a viewer token;',
    '  each path is requested once before measuring (warm code paths), and the CSV of the 1,000 newest judgments is exported once.',
    `- CSV: the export alone on the service, streamed and counted by the bench (nothing kept). VmHWM is reset to VmRSS right before`,
    '  (/proc/<pid>/clear_refs), so "growth" is the export\'s own peak over what the service held before it. The export runs in a worker',
    `  thread with a capped heap (src/api/csv-export-thread.ts). Cold: the bench waits ${(CSV_THREAD_IDLE_MS + 2000) / 1000} s, until the warm-up's thread has ended, so`,
    '  the growth includes starting a thread (the figure judged against the target); warm: the same export right after, on the idle thread.',
    `- List: autocannon, ${env.connections} connections, ${env.seconds} s per filter, each a first page (limit 50, newest first) with its claims and flags.`,
    `  "Alone": the filter's first request, alone on the service. A filter whose request alone takes over ${SLOW_MS / 1000} s is not loaded`,
    `  (its requests would time out and leave their queries running): up to ${SLOW_SAMPLES} requests one after another instead ("1, in turn").`,
    '  "Page SQL": the page query of src/api/judgment-list.ts (judgmentPageQuery: the same builder, claim check chosen as the API chooses it) sent alone by the bench:',
    '  the database\'s share of one request. "CPU cores" as in the tables above (server = the service).',
    '',
    financeTables(run),
    '',
    financeTargetsParagraph(run),
    '',
  ].join('\n');
}
