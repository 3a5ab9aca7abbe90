import { ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createConnection, Connection, RowDataPacket } from 'mysql2/promise';
import { RUN_AGAIN_CODES } from '../../src/storage/database-errors';
import { signShopexParams } from '../../src/verify/shopex-sign';
import { freePort } from '../support/built-service';
import { createTestDatabase, TEST_DATABASES, TestDatabase } from '../support/databases';
import { Fakes, fakesConfig, startFakes } from '../support/platform-fakes';
import { SHOPEX_FAKE_TOKEN } from '../fakes';
import { signedPush, specExample, TEST_APP } from '../support/qimen-push';
import { parseExposition, sumOf } from '../support/prometheus-text';

/**
 * Issue 6 item 4: several instances on one MariaDB database. Three service processes (HTTP only,
 * DISPATCH_IN_PROCESS=0) and three dispatch worker processes, all from dist/, share a fresh database.
 * Every identity is pushed three times at once, once through each service; ShopEx callbacks are posted
 * to every service, each twice (through two services). Then: one work order per identity, every
 * answered success stored, one platform request per claim, no claim left pending.
 */
const onMysql = TEST_DATABASES.includes('mysql') ? describe : describe.skip;

const ROOT = resolve(__dirname, '../..');
const SERVICES = 3;
const WORKERS = 3;
const IDENTITIES = 150;
const PUSHES_PER_IDENTITY = 3;
/** Identities pushed at the same time (each with its 3 pushes in flight together). */
const IDENTITIES_IN_FLIGHT = 8;
const ROUTES = ['glitzcloud-loss', 'shopex-aftersale', 'duobaoyu-refund'] as const;
const DRAIN_TIMEOUT_MS = 60_000;

// ------------------------------------------------------------------------------------ processes

interface Proc {
  name: string;
  child: ChildProcess;
  /** The last 50 lines of its output, each cut at 400 characters. */
  output: string[];
  /** Its first 20 error-level log lines (pino level ≥ 50), each cut at 3,000 characters: what a failure needs. */
  errors: string[];
}


function startProc(name: string, script: string, env: NodeJS.ProcessEnv): Proc {
  const child = spawn(process.execPath, [join(ROOT, script)], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const proc: Proc = { name, child, output: [], errors: [] };
  const keep = (chunk: Buffer) => {
    for (const line of chunk.toString('utf8').split('\n')) {
      if (!line) continue;
      proc.output.push(line.slice(0, 400));
      if (/^\{"level":[56]0,/.test(line) && proc.errors.length < 20) proc.errors.push(line.slice(0, 3000));
    }
    if (proc.output.length > 50) proc.output.splice(0, proc.output.length - 50);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  return proc;
}

const alive = (p: Proc) => p.child.exitCode === null && p.child.signalCode === null;

/** SIGTERM, then SIGKILL after 5 s. */
async function stopProc(p: Proc): Promise<void> {
  if (!alive(p)) return;
  const exited = new Promise<void>((done) => p.child.once('exit', () => done()));
  p.child.kill('SIGTERM');
  const timer = setTimeout(() => alive(p) && p.child.kill('SIGKILL'), 5000);
  await exited;
  clearTimeout(timer);
}

async function waitForOk(p: Proc, url: string, timeoutMs = 30_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (!alive(p)) throw new Error(`${p.name} exited (${p.child.exitCode ?? p.child.signalCode}):\n${p.output.join('\n')}`);
    try {
      if ((await fetch(url)).status === 200) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${p.name}: ${url} not 200 after ${timeoutMs} ms:\n${p.output.join('\n')}`);
}

/** Runs `work` over `items` with at most `limit` in flight. */
async function bounded<T>(items: T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: limit }, async () => {
    while (next < items.length) await work(items[next++]);
  }));
}

/** Sum of a counter's series whose labels contain `labels`, in a Prometheus text. */
// ------------------------------------------------------------------------------------ the test

onMysql('3 services and 3 workers on one MariaDB database', () => {
  let fakes: Fakes;
  let db: TestDatabase;
  let conn: Connection;
  let tmp: string;
  const procs: Proc[] = [];
  const services: Array<{ proc: Proc; url: string }> = [];
  const workers: Array<{ proc: Proc; metricsUrl: string }> = [];
  const timings: Record<string, number> = {};

  beforeAll(async () => {
    const t0 = Date.now();
    fakes = await startFakes();
    db = await createTestDatabase('mysql');
    tmp = mkdtempSync(join(tmpdir(), 'claim-relay-scale-'));
    const ports = await Promise.all(Array.from({ length: SERVICES + WORKERS }, () => freePort()));
    const serviceUrls = ports.slice(0, SERVICES).map((p) => `http://127.0.0.1:${p}`);
    const config = {
      qimen: { apps: [TEST_APP] },
      ...fakesConfig(fakes, { only: [...ROUTES], callbackUrl: `${serviceUrls[0]}/callbacks/shopex` }),
      // Generous platform timeout: a timed-out send is ambiguous and may be sent again, which is not what this test is about.
      dispatch: { retrySchedule: ['1s', '2s', '5s'], requestTimeoutMs: 30_000, leaseSeconds: 60 },
    };
    const configPath = join(tmp, 'config.json');
    writeFileSync(configPath, JSON.stringify(config));
    const env = { DATABASE_URL: db.url, CLAIM_RELAY_CONFIG: configPath, LOG_LEVEL: 'warn', DISPATCH_IN_PROCESS: '0', METRICS: 'on' };

    // The first service applies the migrations; the others start once it is ready (docs/operations.md: Migrations).
    for (let i = 0; i < SERVICES; i++) {
      // The others wait for the migrations instead of applying them (MIGRATE_ON_START=0): no race on the schema.
      const proc = startProc(`service ${i + 1}`, 'dist/src/main.js', { ...env, PORT: String(ports[i]), MIGRATE_ON_START: i === 0 ? '1' : '0' });
      procs.push(proc);
      services.push({ proc, url: serviceUrls[i] });
      if (i === 0) await waitForOk(proc, `${serviceUrls[0]}/readyz`);
    }
    await Promise.all(services.map((s) => waitForOk(s.proc, `${s.url}/readyz`)));
    for (let i = 0; i < WORKERS; i++) {
      const port = ports[SERVICES + i];
      const proc = startProc(`worker ${i + 1}`, 'dist/src/worker.js', { ...env, METRICS_PORT: String(port), DATABASE_POOL_SIZE: '5' });
      procs.push(proc);
      workers.push({ proc, metricsUrl: `http://127.0.0.1:${port}/metrics` });
    }
    await Promise.all(workers.map((w) => waitForOk(w.proc, w.metricsUrl)));
    timings.startMs = Date.now() - t0;
    conn = await createConnection({ uri: db.url });
  }, 150_000);

  afterAll(async () => {
    // Every process is stopped, whatever happened above.
    await Promise.all(procs.map(stopProc));
    await conn?.end().catch(() => undefined);
    await fakes?.close();
    await db?.drop();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  }, 30_000);

  const query = async <T = RowDataPacket>(sql: string, params: unknown[] = []) => (await conn.query<RowDataPacket[]>(sql, params))[0] as unknown as T[];

  it('one work order per identity, every success stored, one platform request per claim, no claim stuck', async () => {
    const bodies = Array.from({ length: IDENTITIES }, (_, i) => {
      const j = specExample();
      j.externalOrderId = `SCALE_${i}`;
      j.logisticsOrderNo = `LOGI_SCALE_${i}`;
      j.judgeResult.claimAmount = 10 + i;
      j.judgeResult.judgeReason = `scale-${i}`;
      return JSON.stringify(j);
    });

    // 1. Each identity pushed 3 times at once, through the 3 services (the first push of each races the others).
    const answers: Array<{ identity: number; service: number; status: number; errorId: string; workOrderId: number | null }> = [];
    const pushStarted = Date.now();
    await bounded([...bodies.keys()], IDENTITIES_IN_FLIGHT, async (i) => {
      await Promise.all(Array.from({ length: PUSHES_PER_IDENTITY }, async (_, k) => {
        const service = (i + k) % SERVICES;
        const { query: qs, body } = signedPush(bodies[i]); // the same bytes, signed again: a duplicate
        const res = await fetch(`${services[service].url}/qimen?${qs}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
        const json = (await res.json()) as { errorId: string; data?: { workOrderId?: number } };
        answers.push({ identity: i, service, status: res.status, errorId: json.errorId, workOrderId: json.data?.workOrderId ?? null });
      }));
    });
    timings.pushMs = Date.now() - pushStarted;

    const failures = answers.filter((a) => a.errorId !== 'success');
    // On a failure, the services' own error lines travel with it (the answer says only internal-error).
    const errorLines = failures.length ? services.flatMap((s) => s.proc.errors.map((l) => `${s.proc.name}: ${l}`)) : [];
    expect({ failures, errorLines }).toEqual({ failures: [], errorLines: [] });
    expect(answers).toHaveLength(IDENTITIES * PUSHES_PER_IDENTITY);

    // 2. One work order per identity; every answered workOrderId is that work order; duplicates stored nothing.
    const workOrders = await query<{ id: number; externalOrderId: string; revisions: number }>(
      'SELECT w.id, w.externalOrderId, (SELECT COUNT(*) FROM judgment_revision r WHERE r.workOrderId = w.id) AS revisions FROM work_order w',
    );
    expect(workOrders).toHaveLength(IDENTITIES);
    const byOrder = new Map(workOrders.map((w) => [w.externalOrderId, w]));
    for (let i = 0; i < IDENTITIES; i++) {
      const stored = byOrder.get(`SCALE_${i}`);
      expect(stored).toBeDefined();
      expect(Number(stored!.revisions)).toBe(1);
      const answered = new Set(answers.filter((a) => a.identity === i).map((a) => a.workOrderId));
      expect([...answered]).toEqual([Number(stored!.id)]); // every success answered is stored, and it is this one
    }
    const identityRows = await query<{ n: number }>('SELECT COUNT(*) AS n FROM (SELECT identityKey FROM work_order GROUP BY identityKey HAVING COUNT(*) > 1) d');
    expect(Number(identityRows[0].n)).toBe(0);
    const claimCount = Number((await query<{ n: number }>('SELECT COUNT(*) AS n FROM claim'))[0].n);
    expect(claimCount).toBe(IDENTITIES * ROUTES.length);

    // 3. No claim stuck: the three workers take every claim out of `pending` within the bounded wait.
    const drainStarted = Date.now();
    let pending = claimCount;
    while (pending > 0 && Date.now() - drainStarted < DRAIN_TIMEOUT_MS) {
      await new Promise((r) => setTimeout(r, 250));
      pending = Number((await query<{ n: number }>("SELECT COUNT(*) AS n FROM claim WHERE status = 'pending'"))[0].n);
    }
    timings.drainMs = Date.now() - drainStarted;
    expect(pending).toBe(0);
    const statuses = await query<{ status: string; n: number }>('SELECT status, COUNT(*) AS n FROM claim GROUP BY status');
    expect(statuses.filter((s) => !['submitted', 'accepted'].includes(s.status))).toEqual([]);

    // 4. One platform request per claim: each fake got exactly one request per identity, each identity once.
    const failedAttempts = await query<{ claimId: number; outcome: string; errorCode: string | null; errorMessage: string | null }>(
      "SELECT claimId, outcome, errorCode, errorMessage FROM claim_attempt WHERE outcome <> 'submitted'",
    );
    expect(failedAttempts).toEqual([]); // a failed attempt would be retried: a second request for a reason other than concurrency
    const glitz = fakes.glitzcloud.requests.map((r) => String((r.body as Record<string, unknown>).connect_order_sn));
    const shopex = fakes.shopex.requests.map((r) => String((r.body as Record<string, unknown>).content));
    const duobaoyu = fakes.duobaoyu.requests.map((r) => String((r.body as Record<string, unknown>).remark));
    const expected = (prefix: string) => bodies.map((_, i) => `${prefix}${i}`).sort();
    expect([...glitz].sort()).toEqual(expected('LOGI_SCALE_'));
    expect([...shopex].sort()).toEqual(expected('scale-'));
    expect([...duobaoyu].sort()).toEqual(expected('scale-'));
    const attempts = Number((await query<{ n: number }>('SELECT COUNT(*) AS n FROM claim_attempt'))[0].n);
    expect(attempts).toBe(claimCount);
    const workersUsed = Number((await query<{ n: number }>('SELECT COUNT(DISTINCT workerId) AS n FROM claim_attempt'))[0].n);

    // 5. ShopEx callbacks through every service, each posted twice (through two services): stored once each.
    const applications = fakes.shopex.applications;
    expect(applications).toHaveLength(IDENTITIES);
    const callbackAnswers: Array<{ status: number; rsp: string }> = [];
    const callbackStarted = Date.now();
    await bounded([...applications.keys()], 16, async (i) => {
      const app = applications[i];
      const fields: Record<string, string> = {
        rsp: 'succ', res: '', err_msg: '', data: JSON.stringify({ trade: { ...app.trade, status: '3' } }), msg_id: app.msgId,
      };
      fields.sign = signShopexParams(fields, SHOPEX_FAKE_TOKEN);
      await Promise.all([i % SERVICES, (i + 1) % SERVICES].map(async (s) => {
        const res = await fetch(`${services[s].url}/callbacks/shopex`, {
          method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(fields).toString(),
        });
        callbackAnswers.push({ status: res.status, rsp: ((await res.json()) as { rsp: string }).rsp });
      }));
    });
    timings.callbackMs = Date.now() - callbackStarted;
    expect(callbackAnswers.filter((a) => a.status !== 200 || a.rsp !== 'succ')).toEqual([]);
    const inbox = await query<{ n: number; claims: number }>("SELECT COUNT(*) AS n, COUNT(DISTINCT claimId) AS claims FROM callback_inbox WHERE platform = 'shopex'");
    expect(Number(inbox[0].n)).toBe(IDENTITIES);
    expect(Number(inbox[0].claims)).toBe(IDENTITIES);
    const shopexClaims = await query<{ status: string; platformClaimId: string | null }>("SELECT status, platformClaimId FROM claim WHERE platform = 'shopex'");
    expect(shopexClaims.every((c) => c.status === 'accepted' && c.platformClaimId)).toBe(true);

    // 6. The instances' own figures (/metrics) agree.
    const serviceMetrics = await Promise.all(services.map(async (s) => parseExposition(await (await fetch(`${s.url}/metrics`)).text())));
    const workerMetrics = await Promise.all(workers.map(async (w) => parseExposition(await (await fetch(w.metricsUrl)).text())));
    const pushesSeen = serviceMetrics.map((t) => sumOf(t, 'claim_relay_qimen_pushes_total', { outcome: 'success' }));
    const callbacksSeen = serviceMetrics.map((t) => sumOf(t, 'claim_relay_callbacks_total', { outcome: 'stored' }));
    const attemptsSeen = workerMetrics.map((t) => sumOf(t, 'claim_relay_dispatch_attempts_total', { outcome: 'submitted' }));
    const retriesSeen = RUN_AGAIN_CODES.map((code) =>
      `${code} ${[...serviceMetrics, ...workerMetrics].reduce((n, t) => n + sumOf(t, 'claim_relay_db_transaction_retries_total', { code }), 0)}`);
    expect(pushesSeen.reduce((a, b) => a + b, 0)).toBe(IDENTITIES * PUSHES_PER_IDENTITY);
    expect(pushesSeen.every((n) => n > 0)).toBe(true);
    expect(callbacksSeen.reduce((a, b) => a + b, 0)).toBe(IDENTITIES * 2);
    expect(attemptsSeen.reduce((a, b) => a + b, 0)).toBe(claimCount);

    // The figures, for the issue note.
    process.stdout.write(
      `many-instances: start ${(timings.startMs / 1000).toFixed(1)} s; ` +
        `${answers.length} pushes (${IDENTITIES} identities × ${PUSHES_PER_IDENTITY}) in ${(timings.pushMs / 1000).toFixed(1)} s, ` +
        `${answers.filter((a) => a.errorId === 'success').length} answered success, per service ${pushesSeen.join('/')}; ` +
        `${workOrders.length} work orders; ${claimCount} claims, drained in ${(timings.drainMs / 1000).toFixed(1)} s by ${workersUsed} workers ` +
        `(attempts per worker ${attemptsSeen.join('/')}); platform requests glitzcloud ${glitz.length}, shopex ${shopex.length}, duobaoyu ${duobaoyu.length}; ` +
        `${callbackAnswers.length} ShopEx callbacks in ${(timings.callbackMs / 1000).toFixed(1)} s, ${inbox[0].n} stored; ` +
        `transactions run again: ${retriesSeen.join(', ')}\n`,
    );
  }, 120_000);
});
