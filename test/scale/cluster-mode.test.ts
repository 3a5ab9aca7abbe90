import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pollUntil } from '../support/bounded-wait';
import { BuiltChild, freePort, spawnService } from '../support/built-service';
import { createTestDatabase, TEST_DATABASES, TestDatabase } from '../support/databases';
import { Fakes, fakesConfig, startFakes } from '../support/platform-fakes';
import { parseExposition, sumOf } from '../support/prometheus-text';
import { signedPush, specExample, TEST_APP } from '../support/qimen-push';

/**
 * WEB_CONCURRENCY=2 on MariaDB (src/cluster/primary.ts): two service processes share one port, each with
 * its dispatch worker; /metrics sums them; a process killed with -9 is replaced; SIGTERM stops them all.
 */
const onMysql = TEST_DATABASES.includes('mysql') ? describe : describe.skip;

/** The pids of `pid`'s child processes (Linux `pgrep -P`). */
function childrenOf(pid: number): number[] {
  try {
    return execFileSync('pgrep', ['-P', String(pid)], { encoding: 'utf8' }).split('\n').filter(Boolean).map(Number);
  } catch {
    return []; // pgrep exits 1 when there are none
  }
}

onMysql('two service processes on one port (WEB_CONCURRENCY=2)', () => {
  let fakes: Fakes;
  let db: TestDatabase;
  let tmp: string;
  let primary: BuiltChild;
  let url: string;
  let pushed = 0;

  async function push(i: number): Promise<string> {
    const j = specExample();
    j.externalOrderId = `CLUSTER_${i}`;
    j.logisticsOrderNo = `LOGI_CLUSTER_${i}`;
    j.judgeResult.claimAmount = 10 + i; // the glitzcloud-loss route files a claim for it
    const { query, body } = signedPush(JSON.stringify(j));
    const res = await fetch(`${url}/qimen?${query}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    pushed++;
    return ((await res.json()) as { errorId: string }).errorId;
  }

  async function successes(): Promise<number> {
    const text = await (await fetch(`${url}/metrics`)).text();
    return sumOf(parseExposition(text), 'claim_relay_qimen_pushes_total', { outcome: 'success' });
  }

  beforeAll(async () => {
    fakes = await startFakes();
    db = await createTestDatabase('mysql');
    tmp = mkdtempSync(join(tmpdir(), 'claim-relay-cluster-'));
    const configPath = join(tmp, 'config.json');
    writeFileSync(configPath, JSON.stringify({ qimen: { apps: [TEST_APP] }, ...fakesConfig(fakes, { only: ['glitzcloud-loss'] }) }));
    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    primary = spawnService('main', { DATABASE_URL: db.url, CLAIM_RELAY_CONFIG: configPath, PORT: String(port), WEB_CONCURRENCY: '2', METRICS: 'on', LOG_LEVEL: 'info' });
    await pollUntil('both processes serving', () => primary.output().includes('every service process is ready'), 60_000);
    expect(childrenOf(primary.pid!)).toHaveLength(2);
  }, 90_000);

  afterAll(async () => {
    if (primary.exitCode === null && primary.signalCode === null) {
      primary.kill('SIGKILL');
      for (const pid of childrenOf(primary.pid!)) process.kill(pid, 'SIGKILL');
    }
    await fakes?.close();
    await db?.drop();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  }, 30_000);

  it('stores every push and files each claim once, with the pushes counted by every process in one /metrics', async () => {
    const answers = await Promise.all(Array.from({ length: 40 }, (_, i) => push(i)));
    expect(answers.filter((a) => a !== 'success')).toEqual([]);
    // Two scrapes, answered by either process, both count all 40: the primary sums the processes.
    expect(await successes()).toBe(40);
    expect(await successes()).toBe(40);
    // The database gauges are the one database's, not summed: 40 claims, however many processes.
    const text = await (await fetch(`${url}/metrics`)).text();
    expect(sumOf(parseExposition(text), 'claim_relay_claims')).toBe(40);
    await pollUntil('40 claims filed', () => fakes.glitzcloud.orders.length >= 40);
    await new Promise((r) => setTimeout(r, 500));
    expect(new Set(fakes.glitzcloud.orders.map((o) => o.connect_order_sn)).size).toBe(fakes.glitzcloud.orders.length);
    expect(fakes.glitzcloud.orders).toHaveLength(40);
  }, 60_000);

  it('replaces a process killed with -9 and keeps answering on the port', async () => {
    const [victim] = childrenOf(primary.pid!);
    process.kill(victim, 'SIGKILL');
    await pollUntil('a new process in place of the killed one', () => {
      const now = childrenOf(primary.pid!);
      return now.length === 2 && !now.includes(victim);
    });
    await pollUntil('the new process serving', () => primary.output().includes('service process ready again'));
    const answers = await Promise.all(Array.from({ length: 10 }, (_, i) => push(100 + i)));
    expect(answers.filter((a) => a !== 'success')).toEqual([]);
    expect(primary.output()).toMatch(/service process exited; starting another/);
  }, 60_000);

  it('stops every process on SIGTERM and exits 0', async () => {
    const children = childrenOf(primary.pid!);
    const exited = new Promise<number | null>((resolve) => primary.once('exit', (code) => resolve(code)));
    primary.kill('SIGTERM');
    expect(await exited).toBe(0);
    for (const pid of children) expect(() => process.kill(pid, 0)).toThrow();
    expect(pushed).toBe(50);
  }, 40_000);
});
