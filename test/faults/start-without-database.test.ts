import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createConnection } from 'mysql2/promise';
import { settledWithin } from '../support/bounded-wait';
import { spawnService, waitReady } from '../support/built-service';
import { TEST_DATABASES, type TestDatabase } from '../support/databases';
import { Fakes, fakesConfig, startFakes } from '../support/platform-fakes';
import { signedPush, specExample, TEST_APP } from '../support/qimen-push';
import { proxiedMysqlDatabase } from '../support/proxied-database';
import type { TcpProxy } from '../support/tcp-proxy';

const onMysql = TEST_DATABASES.includes('mysql') ? describe : describe.skip;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

async function until(what: string, ok: () => Promise<boolean> | boolean, timeoutMs: number): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (await Promise.resolve().then(ok).catch(() => false)) return;
    await sleep(100);
  }
  throw new Error(`${what}: not within ${timeoutMs} ms`);
}

const exitOf = (child: ChildProcess) =>
  child.exitCode !== null || child.signalCode !== null
    ? Promise.resolve({ code: child.exitCode, signal: child.signalCode })
    : new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));

onMysql('the service and a worker started while MariaDB cannot be reached', () => {
  let db: TestDatabase;
  let proxy: TcpProxy;
  let fakes: Fakes;
  let env: Record<string, string>;
  let service: ChildProcess & { output: () => string };
  let worker: ChildProcess & { output: () => string };
  let baseUrl: string;
  const children: ChildProcess[] = [];

  const push = async (externalOrderId: string) => {
    const j = specExample();
    Object.assign(j, { externalOrderId, logisticsOrderNo: `LOGI-${externalOrderId}` });
    j.judgeResult.claimAmount = 10;
    const signed = signedPush(JSON.stringify(j));
    const res = await fetch(`${baseUrl}/qimen?${signed.query}`, { method: 'POST', body: signed.body, signal: AbortSignal.timeout(10_000) });
    return { status: res.status, json: (await res.json()) as any };
  };
  const statusOf = async (path: string) => (await fetch(`${baseUrl}${path}`)).status;

  beforeAll(async () => {
    let url: string;
    ({ db, proxy, url } = await proxiedMysqlDatabase({ migrate: false })); // the service migrates it once it can reach it
    proxy.cut(); // every connection refused
    fakes = await startFakes();
    const configFile = join(mkdtempSync(join(tmpdir(), 'start-without-db-')), 'config.json');
    writeFileSync(configFile, JSON.stringify({ qimen: { apps: [TEST_APP] }, ...fakesConfig(fakes, { only: ['glitzcloud-loss'] }) }));
    const port = await freePort();
    baseUrl = `http://127.0.0.1:${port}`;
    env = { DATABASE_URL: url, CLAIM_RELAY_CONFIG: configFile, PORT: String(port), DISPATCH_IN_PROCESS: '0' };
    service = spawnService('main', env);
    worker = spawnService('worker', env);
    children.push(service, worker);
    await until('the service listening', async () => (await statusOf('/healthz')) === 200, 30_000);
  }, 60_000);

  afterAll(async () => {
    for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
    await proxy?.close();
    await fakes?.close();
    await db?.drop();
  });

  it('answers /healthz 200 and /readyz 503 while it waits for the database', async () => {
    expect(await statusOf('/healthz')).toBe(200);
    expect(await statusOf('/readyz')).toBe(503);
  });

  it('answers a push with internal-error (HTTP 500), never success, while it waits', async () => {
    const answer = await push('START-EARLY');
    expect(answer.status).toBe(500);
    expect(answer.json).toMatchObject({ error: '500', errorId: 'internal-error' });
  });

  it('logs each failed attempt at warn, naming the database without its credentials', async () => {
    await until('a retry logged by both processes', () => [service, worker].every((c) => c.output().includes('database not reachable; trying again')), 10_000);
    const line = service.output().split('\n').find((l) => l.includes('database not reachable'))!;
    expect(JSON.parse(line)).toMatchObject({ level: 40, attempt: expect.any(Number), code: expect.any(String), retryInMs: expect.any(Number) });
    expect(line).not.toContain('root@');
    expect(service.exitCode).toBeNull();
    expect(worker.exitCode).toBeNull();
  });

  it('migrates, becomes ready and stores a push once the database can be reached, without a restart', async () => {
    proxy.restore();
    await waitReady(`${baseUrl}/readyz`, 30_000);
    const answer = await push('START-LATER');
    expect(answer.json).toMatchObject({ error: '200', errorId: 'success' });
    const conn = await createConnection({ uri: db.url });
    const [rows] = await conn.query('SELECT w.id FROM work_order w JOIN judgment_revision r ON r.workOrderId = w.id WHERE w.externalOrderId = ?', ['START-LATER']);
    await conn.end();
    expect(rows).toEqual([{ id: answer.json.data.workOrderId }]);
    expect(service.exitCode).toBeNull();
  }, 40_000);

  it('dispatches with the worker that started before the database was reachable', async () => {
    await until('the claim sent by the worker', () => fakes.glitzcloud.orders.some((o) => o.connect_order_sn === 'LOGI-START-LATER'), 30_000);
    expect(worker.exitCode).toBeNull();
  }, 40_000);

  it.each(['main', 'worker'] as const)('%s ends at once on SIGTERM while still waiting for the database', async (entry) => {
    proxy.cut();
    const port = await freePort();
    const child = spawnService(entry, { ...env, PORT: String(port), METRICS_PORT: '' });
    children.push(child);
    await until('a retry logged', () => child.output().includes('database not reachable; trying again'), 20_000);
    child.kill('SIGTERM');
    // The shutdown grace period is 25 s (src/runtime.ts); an exit 0 well within it is a prompt, clean stop.
    const exit = await settledWithin(exitOf(child), 10_000);
    expect(exit).toEqual({ code: 0, signal: null });
  }, 40_000);
});
