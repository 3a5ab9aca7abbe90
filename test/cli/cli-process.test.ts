import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AuditLog, Claim } from '../../src/entities';
import { TEST_DATABASES } from '../support/databases';
import { specExample, TEST_APP } from '../support/qimen-push';
import { startTestService, TestService } from '../support/test-service';

/**
 * The CLI as an operator runs it: a spawned process (the built CLI, through bin/claim-relay.js where the
 * launcher itself is under test) on a test database, its stdout and stderr pipes (never a terminal).
 */
const ROOT = join(__dirname, '../..');
const PLATFORMS = { glitzcloud: { baseUrl: 'http://127.0.0.1:9/agent/v1', apikey: 'k', secretkey: 's', storeName: 'TWUSA01' } };
const ROUTE = { name: 'warehouse', platform: 'glitzcloud', when: { responsibilityParty: 'WAREHOUSE' }, share: 'warehouseRatio', fields: { type: '1' } };

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
  /** stderr without the CLI's JSON log lines (the test run logs from debug up): what the operator reads. */
  messages: string[];
}

function runCli(args: string[], env: Record<string, string> = {}, entry = 'dist/src/cli/main.js'): Promise<Run> {
  const child = spawn(process.execPath, [join(ROOT, entry), ...args], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (c) => (stdout += c));
  child.stderr!.on('data', (c) => (stderr += c));
  const killer = setTimeout(() => child.kill('SIGKILL'), 60_000);
  return new Promise((resolve) =>
    child.once('close', (code) => {
      clearTimeout(killer);
      const messages = stderr.split('\n').filter((line) => line && !line.startsWith('{'));
      resolve({ code, stdout, stderr, messages });
    }),
  );
}

describe('claim-relay --help', () => {
  it('names every environment variable the CLI reads', async () => {
    const run = await runCli(['--help']);
    expect([run.code, ...['DATABASE_URL', 'CLAIM_RELAY_CONFIG', 'CLAIM_RELAY_OPERATOR', 'LOG_LEVEL', 'NO_COLOR'].filter((name) => !run.stdout.includes(name))]).toEqual([0]);
  });

  it('runs through bin/claim-relay.js (npx claim-relay) without compiling when no source changed', async () => {
    const run = await runCli(['--help'], {}, 'bin/claim-relay.js');
    expect([run.code, run.stdout.split('\n')[0], run.stderr]).toEqual([0, 'Usage: claim-relay [options] [command]', '']);
  });
});

describe.each(TEST_DATABASES)('claim-relay retry-dead on %s', (kind) => {
  let svc: TestService;
  let env: Record<string, string>;
  let deadClaim: Claim;
  beforeEach(async () => {
    svc = await startTestService(kind, { platforms: PLATFORMS, routes: [ROUTE] });
    const judgment = specExample();
    Object.assign(judgment.judgeResult, { responsibilityParty: 'WAREHOUSE', warehouseRatio: 100, deliveryRatio: 0, claimAmount: 100 });
    expect((await svc.push(judgment)).json.errorId).toBe('success');
    deadClaim = await svc.dataSource.getRepository(Claim).findOneByOrFail({ route: 'warehouse' });
    await svc.dataSource.getRepository(Claim).update({ id: deadClaim.id }, { status: 'dead', lastError: '2582: Invalid Outflow Sn', attempts: 1 });
    const configFile = join(mkdtempSync(join(tmpdir(), 'cli-process-')), 'config.json');
    writeFileSync(configFile, JSON.stringify({ qimen: { apps: [TEST_APP] }, platforms: PLATFORMS, routes: [ROUTE] }));
    env = { DATABASE_URL: svc.databaseUrl, CLAIM_RELAY_CONFIG: configFile, CLAIM_RELAY_OPERATOR: 'ops-bob' };
  });
  afterEach(() => svc.close());

  const status = async () => (await svc.dataSource.getRepository(Claim).findOneByOrFail({ id: deadClaim.id })).status;

  it('rejects an unknown --platform with exit 2 and one line naming the platforms, and retries nothing', async () => {
    const run = await runCli(['retry-dead', '--platform', 'glitzcloud-typo'], env);
    expect([run.code, run.messages, await status()]).toEqual([
      2,
      ["error: option '--platform <name>' argument 'glitzcloud-typo' is invalid. Allowed choices are glitzcloud, shopex, duobaoyu, appintf."],
      'dead',
    ]);
  });

  it('rejects an unknown --route with exit 2 and one line naming the known routes, and retries nothing', async () => {
    const run = await runCli(['retry-dead', '--route', 'warehous'], env);
    expect([run.code, run.messages, await status()]).toEqual([2, ['unknown route "warehous": known routes are warehouse'], 'dead']);
  });

  it('retries the dead claims of a known platform, audited under CLAIM_RELAY_OPERATOR', async () => {
    const run = await runCli(['retry-dead', '--platform', 'glitzcloud'], env);
    const audit = await svc.dataSource.getRepository(AuditLog).findBy({ action: 'claim.retry' });
    expect([run.code, run.stdout.trim().split('\n').pop(), await status(), audit.map((a) => a.actor)]).toEqual([0, 'retried 1 dead claim(s)', 'pending', ['ops-bob']]);
  });

  it('writes its table without colour codes when stdout is not a terminal', async () => {
    const run = await runCli(['retry-dead', '--dry-run'], env);
    expect([run.code, run.stdout.includes('2582: Invalid Outflow Sn'), run.stdout.includes('\u001b')]).toEqual([0, true, false]);
  });

  it('exits 1 with one line when the work order to export does not exist', async () => {
    const run = await runCli(['export-pushes', '999', join(mkdtempSync(join(tmpdir(), 'cli-export-')), 'out.jsonl')], env);
    expect([run.code, run.messages]).toEqual([1, ['work order 999 not found']]);
  });
});
