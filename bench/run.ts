import autocannon from 'autocannon';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { createConnection, Connection, RowDataPacket } from 'mysql2/promise';
import { signedPush, TEST_APP } from '../test/support/qimen-push';
import { exampleBody } from './fixture';
import { Child, cpuSecondsOf, findPid, machineBusySeconds, fmt, freePort, httpRequest, LOOPBACK, memoryOf, MiB, sleep, startNode, stopChild, waitForOk } from './support';

/**
 * `npm run bench`: claim-relay against MariaDB under load, next to a bare Koa route (the ceiling of HTTP +
 * body reading). Scenarios: A unique pushes, B bare Koa, C duplicate pushes, D one 999,999-package push.
 * Writes BENCHMARKS.md at the repo root. Everything runs on loopback; every load is bounded in time.
 *
 * Environment (all optional):
 *   BENCH_SCENARIOS=A,B,C,D   run only these (BENCHMARKS.md is written only by a full run: all four, scale 1)
 *   BENCH_CONNECTIONS=32,64   connection counts tried in scenario A (B and C use A's best)
 *   BENCH_DURATION_SCALE=1    multiplies the load durations (e.g. 0.2 for a quick smoke run)
 *   BENCH_CPU_PROF=/tmp/dir   run the service with --cpu-prof, writing its .cpuprofile there
 *   BENCH_MYSQL=mysql://root@127.0.0.1:3306   the MariaDB server
 */

const ROOT = resolve(__dirname, '../..');
const SERVICE_SCRIPT = join(ROOT, 'dist/src/main.js');
const BARE_SCRIPT = join(__dirname, 'bare-koa.js');
const DATABASE = 'claim_relay_bench';
const MYSQL = (process.env.BENCH_MYSQL ?? `mysql://root@${LOOPBACK}:3306`).replace(/\/+$/, '');
const SCALE = Number(process.env.BENCH_DURATION_SCALE ?? 1);
const SECONDS = { unique: 15 * SCALE, bare: 15 * SCALE, duplicate: 10 * SCALE };
const CONNECTIONS = (process.env.BENCH_CONNECTIONS ?? '32,64').split(',').map(Number).filter((n) => n > 0);
const SCENARIOS = new Set((process.env.BENCH_SCENARIOS ?? 'A,B,C,D').toUpperCase().split(','));
const BIG_PACKAGES = 999_999;

const TARGET = { storedPerSecond: 1500, bigPushMs: 5000, bigPushPeakRss: 512 * MiB };

// ---------------------------------------------------------------------------------------------- pushes

const runTag = Date.now().toString(36);
let pushSeq = 0;

interface Built {
  path: string;
  body: Buffer;
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
    server: cpuSecondsOf(watched.server.pid), mariadb: watched.mariadbPid ? cpuSecondsOf(watched.mariadbPid) : null, self: process.cpuUsage(), machine: machineBusySeconds(),
  };
  const wallStarted = process.hrtime.bigint();
  let ok = 0;
  let envelopeFailures = 0;
  const workOrderIds = new Set<number>();
  const failureSamples: string[] = [];
  const result = await autocannon({
    url: `http://${LOOPBACK}:${port}`,
    connections,
    duration: seconds,
    timeout: 10,
    requests: [
      {
        setupRequest: (req) => {
          const push = build();
          return { ...req, method: 'POST', path: push.path, headers: { ...req.headers, 'content-type': 'application/json; charset=utf-8' }, body: push.body };
        },
        onResponse: (status, body) => {
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
  const serverAfter = cpuSecondsOf(watched.server.pid);
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

// ---------------------------------------------------------------------------------------------- report

interface UniqueRun extends LoadFigures {
  stored: number;
  storedPerSec: number;
  consistent: boolean;
  consistency: string;
  /** MariaDB statements (status Questions) and InnoDB fsyncs (Innodb_data_fsyncs) per stored push. */
  queriesPerPush: number;
  fsyncsPerPush: number;
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
  findMs: number;
  storedPackages: number;
  /** CPU seconds spent while it was being answered: the service, MariaDB. */
  cpuService: number | null;
  cpuMariadb: number | null;
}

interface Report {
  unique: UniqueRun[];
  bare?: LoadFigures;
  duplicate?: LoadFigures & { storedDuring: number; sameWorkOrder: boolean };
  big?: BigPush;
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
      ['Service peak RSS before (VmHWM)', fmt.mib(big.hwmBefore)],
      ['Service peak RSS after (VmHWM)', fmt.mib(big.hwmAfter)],
      ['Service RSS after (VmRSS)', fmt.mib(big.rssAfter)],
      ['Last package number found by SELECT after the answer', `${fmt.ms(big.findMs)} ms`],
      ['Packages stored for its work order', fmt.int(big.storedPackages)],
    ],
  );
}

function markdownTable(head: string[], rows: string[][]): string {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
  return [line(head), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map(line)].join('\n');
}

function targetsParagraph(best: UniqueRun | undefined, big: BigPush | undefined): string {
  const parts: string[] = [];
  if (best) {
    const met = best.storedPerSec >= TARGET.storedPerSecond && best.consistent;
    parts.push(
      `Target 1, at least ${fmt.int(TARGET.storedPerSecond)} stored pushes/s: **${met ? 'met' : 'not met'}**, ` +
        `${fmt.int(best.storedPerSec)} pushes/s stored (scenario A, ${best.connections} connections, p99 ${fmt.ms(best.p99)} ms)` +
        (best.consistent ? '' : `; the stored rows do not match the answers (${best.consistency})`) + '.',
    );
  }
  if (big) {
    const fast = big.ok && big.answerMs <= TARGET.bigPushMs;
    const small = big.hwmAfter < TARGET.bigPushPeakRss;
    parts.push(
      `Target 2, a ${fmt.int(BIG_PACKAGES)}-package push answered in at most ${TARGET.bigPushMs / 1000} s under ${TARGET.bigPushPeakRss / MiB} MiB peak RSS: ` +
        `**${fast && small ? 'met' : 'not met'}**, answered ${big.ok ? 'successfully' : 'WITH A FAILURE'} in ${fmt.int(big.answerMs)} ms ` +
        `(${fast ? 'within' : 'over'} the time), peak RSS ${fmt.mib(big.hwmAfter)} (${small ? 'under' : 'over'} the limit; ` +
        `it is VmHWM, the peak since the service started, so it also covers scenarios A–C).`,
    );
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
    '- **A unique pushes**: each request is the spec example (shared/fixtures/danniao-judge-request.json) with its own',
    '  externalOrderId, freshly signed (md5, current timestamp). "Work orders stored" counts work_order rows added during',
    '  the run; it may exceed the "200" answers by at most the connection count (pushes in flight when the load stopped).',
    '- **B bare Koa route**: the same signed bodies against a bare Koa server that only reads the raw body and answers a',
    '  small JSON (bench/bare-koa.ts): the ceiling of HTTP + body reading on this machine.',
    '- **C duplicate pushes**: one already-stored body repeated (re-signed per request): the duplicate fast path.',
    `- **D big push**: one push with ${fmt.int(BIG_PACKAGES)} package numbers; RSS from /proc/<pid>/status of the service.`,
    '',
    loadTable(report, best),
    '',
    '"CPU cores" is CPU time over wall time during the load (from /proc/<pid>/stat), for the server under test, the',
    'local MariaDB server, the bench process (autocannon plus the signing of each request) and everything else the machine',
    'ran meanwhile (from /proc/stat: other processes, and kernel time charged to no process such as loopback TCP softirqs);',
    `the machine has ${cpu.length} cores. Load average (1 min) at the start: ${loadAtStart}.` +
      (best?.cpu.server != null ? ` In the best scenario A run the service spent ${fmt.ms((1000 * best.cpu.server * best.seconds) / Math.max(best.stored, 1))} ms of CPU per stored push.` : '') +
      (best ? ` MariaDB received ${best.queriesPerPush.toFixed(1)} statements and did ${best.fsyncsPerPush.toFixed(2)} InnoDB fsyncs per stored push (status Questions, Innodb_data_fsyncs).` : ''),
    '',
    report.big ? bigTable(report.big) : '',
    '',
    '## Targets',
    '',
    targetsParagraph(best, report.big),
    '',
  ].join('\n');
  writeFileSync(join(ROOT, 'BENCHMARKS.md'), text);
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
  let databaseCreated = false;
  const tmp = mkdtempSync(join(tmpdir(), 'claim-relay-bench-'));

  let cleaning: Promise<void> | undefined;
  const cleanup = () =>
    (cleaning ??= (async () => {
      await Promise.all(children.map((c) => stopChild(c).catch(() => undefined)));
      if (admin) {
        if (databaseCreated) await admin.query(`DROP DATABASE IF EXISTS \`${DATABASE}\``).catch((err) => log(`could not drop ${DATABASE}: ${err.message}`));
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
    // 1. Fresh database and the service.
    admin = await createConnection({ uri: `${MYSQL}/`, connectTimeout: 5000, multipleStatements: false });
    await admin.query(`DROP DATABASE IF EXISTS \`${DATABASE}\``);
    await admin.query(`CREATE DATABASE \`${DATABASE}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
    databaseCreated = true;
    const db = admin;

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
        DATABASE_URL: `${MYSQL}/${DATABASE}`,
        PORT: String(servicePort),
        LOG_LEVEL: 'warn',
        CLAIM_RELAY_CONFIG: configPath,
      },
      profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [],
      ROOT,
    );
    children.push(service);
    await waitForOk(service, servicePort, '/readyz', 60_000);
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

    const report: Report = { unique: [] };
    const mariadbPid = findPid(['mariadbd', 'mysqld']);
    const serviceWatch: Watched = { server: service, mariadbPid };

    // 3. A: unique pushes.
    if (SCENARIOS.has('A')) {
      for (const connections of CONNECTIONS) {
        const before = await settledWorkOrders(db);
        const countersBefore = await serverCounters(db);
        log(`A unique pushes: ${connections} connections, ${SECONDS.unique} s`);
        const figures = await load('A', servicePort, serviceWatch, connections, SECONDS.unique, uniquePush);
        const stored = (await settledWorkOrders(db)) - before;
        const countersAfter = await serverCounters(db);
        const queriesPerPush = (countersAfter.questions - countersBefore.questions) / Math.max(stored, 1);
        const fsyncsPerPush = (countersAfter.fsyncs - countersBefore.fsyncs) / Math.max(stored, 1);
        const inFlight = stored - figures.ok;
        const distinct = figures.workOrderIds.size === figures.ok;
        const consistent = inFlight >= 0 && inFlight <= connections && distinct;
        const consistency =
          `${fmt.int(stored)} rows for ${fmt.int(figures.ok)} "200" answers (${inFlight} in flight at stop)` +
          (distinct ? '' : `; only ${figures.workOrderIds.size} distinct workOrderIds answered`);
        report.unique.push({ ...figures, stored, storedPerSec: stored / figures.seconds, consistent, consistency, queriesPerPush, fsyncsPerPush });
        log(`  ${fmt.int(figures.reqPerSec)} req/s, p50 ${figures.p50} ms, p99 ${figures.p99} ms; ${consistency}; CPU cores ${cpuCell(figures)}; ` +
          `${queriesPerPush.toFixed(1)} SQL statements and ${fsyncsPerPush.toFixed(2)} InnoDB fsyncs per stored push`);
        if (figures.failureSamples.length) log(`  failures, e.g.: ${figures.failureSamples.join(' | ')}`);
      }
    }
    const best = report.unique.reduce<UniqueRun | undefined>((b, u) => (!b || u.storedPerSec > b.storedPerSec ? u : b), undefined);
    const loadConnections = best?.connections ?? CONNECTIONS[0];

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

    // 6. D: the big push.
    if (SCENARIOS.has('D')) {
      const packageNos = Array.from({ length: BIG_PACKAGES }, (_, i) => `PK${String(i + 1).padStart(14, '0')}`);
      const lastPackage = packageNos[packageNos.length - 1];
      const big = signedPush(exampleBody(`BENCH_${runTag}_BIG`, packageNos));
      await sleep(1000); // let the service settle after the load
      const memBefore = memoryOf(service.pid);
      const cpuBefore = { service: cpuSecondsOf(service.pid), mariadb: mariadbPid ? cpuSecondsOf(mariadbPid) : null };
      log(`D big push: ${fmt.int(big.body.length)} bytes, ${fmt.int(BIG_PACKAGES)} package numbers`);
      const answer = await httpRequest(servicePort, 'POST', `/qimen?${big.query}`, big.body, 120_000);
      const memAfter = memoryOf(service.pid);
      const cpuAfter = { service: cpuSecondsOf(service.pid), mariadb: mariadbPid ? cpuSecondsOf(mariadbPid) : null };
      const spent = (a: number | null, b: number | null) => (a === null || b === null ? null : b - a);
      const findStarted = process.hrtime.bigint();
      let found = 0;
      while (found === 0 && Number(process.hrtime.bigint() - findStarted) / 1e6 < 30_000) {
        found = await scalar(db, `SELECT COUNT(*) FROM \`${DATABASE}\`.responsibility_package WHERE packageNo = ?`, [lastPackage]);
        if (found === 0) await sleep(20);
      }
      const findMs = Number(process.hrtime.bigint() - findStarted) / 1e6;
      const workOrderId = Number(/"workOrderId":(\d+)/.exec(answer.body)?.[1] ?? -1);
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
        findMs: found ? findMs : NaN,
        storedPackages,
        cpuService: spent(cpuBefore.service, cpuAfter.service),
        cpuMariadb: spent(cpuBefore.mariadb, cpuAfter.mariadb),
      };
      if (!report.big.ok) log(`  the big push failed: ${answer.status} ${answer.body.slice(0, 300)}`);
      log(`  answered in ${fmt.int(answer.ms)} ms; peak RSS ${fmt.mib(memAfter.hwm)} (RSS before ${fmt.mib(memBefore.rss)}); ` +
        `last package ${found ? `found after ${fmt.ms(findMs)} ms` : 'NOT found'}; ${fmt.int(storedPackages)} packages stored`);
    }

    if (service.lines() > 0) log(`the service wrote ${service.lines()} log lines at warn or above; last:\n${service.tail()}`);

    // 7. Report.
    process.stdout.write(`\n${loadTable(report, best)}\n\n${report.big ? `${bigTable(report.big)}\n\n` : ''}${targetsParagraph(best, report.big)}\n\n`);
    if (['A', 'B', 'C', 'D'].every((s) => SCENARIOS.has(s)) && SCALE === 1) {
      await writeBenchmarksMd(db, report, best, loadAtStart);
      log('wrote BENCHMARKS.md');
    } else {
      log('a partial or shortened run (BENCH_SCENARIOS / BENCH_DURATION_SCALE): BENCHMARKS.md left as it is');
    }
  } finally {
    // 8. Children stopped, database dropped, whatever happened.
    await cleanup();
    log(`done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
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
