/**
 * `npm run fakes` as a newcomer uses it (docs/sandbox.md): the built script writes its config, the built
 * service starts on it (SQLite, dispatch worker inside), the README's example push goes in, and the claims
 * on all four platforms move past `submitted` on the platforms' own word, seen through the finance API
 * with the config's token. Real processes and HTTP on loopback; every wait is bounded.
 */
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { createServer, Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseConfig } from '../../src/config/load';
import { BuiltChild, freePort, spawnBuilt, spawnService, waitReady } from '../support/built-service';
import { createTestDatabase, TestDatabase } from '../support/databases';
import { signedPush } from '../support/qimen-push';
import { SANDBOX_PLATFORMS } from './sandbox';

/** The README's example push (Send a signed push: its `BODY='…'` line), read from the README itself. */
function readmeExample(): string {
  const body = /^BODY='(.+)'$/m.exec(readFileSync(join(__dirname, '../../README.md'), 'utf8'))?.[1];
  if (!body) throw new Error("README.md has no BODY='…' line: the sandbox test pushes the README's example");
  return body;
}
const README_EXAMPLE = readmeExample();
const MOVE_WITHIN_MS = 60_000;

interface Claim {
  platform: string;
  status: string;
  platformClaimId: string | null;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until<T>(what: string, ms: number, probe: () => Promise<T | null> | T | null): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== null) return value;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${ms} ms`);
    await sleep(250);
  }
}

async function stop(child: BuiltChild | undefined): Promise<void> {
  if (child && child.exitCode === null && child.signalCode === null) await new Promise((resolve) => child.once('exit', resolve).kill('SIGTERM'));
}

const exited = (child: BuiltChild) => new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));

describe('npm run fakes: the sandbox', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sandbox-'));
  const out = join(dir, 'fakes.config.json');
  let ports: number[];
  let servicePort: number;
  let fakes: BuiltChild;
  let service: BuiltChild | undefined;
  let db: TestDatabase;
  let config: any;

  beforeAll(async () => {
    ports = [];
    while (ports.length < 4) {
      const port = await freePort();
      if (!ports.includes(port)) ports.push(port);
    }
    servicePort = await freePort();
    fakes = spawnBuilt('scripts/run-fakes.js', ['--ports', ports.join(','), '--service', `http://127.0.0.1:${servicePort}`, '--out', out], {});
    await until('the fakes say where the config is', 20_000, () => (fakes.outputOf('stderr').includes('Ctrl-C stops the fakes') ? true : null));
    config = JSON.parse(readFileSync(out, 'utf8'));
    db = await createTestDatabase('sqlite');
    service = spawnService('main', { PORT: String(servicePort), DATABASE_URL: db.url, CLAIM_RELAY_CONFIG: out }, dir);
    await waitReady(`http://127.0.0.1:${servicePort}/readyz`);
  }, 90_000);

  afterAll(async () => {
    await stop(service);
    await stop(fakes);
    await db?.drop();
  });

  it('writes a complete config to the file (mode 0600), prints nothing on stdout, and says on stderr how to start the service', () => {
    expect(statSync(out).mode & 0o777).toBe(0o600);
    const parsed = parseConfig(config);
    expect(Object.keys(parsed.platforms).sort()).toEqual([...SANDBOX_PLATFORMS].sort());
    expect(parsed.routes.map((r) => r.platform).sort()).toEqual([...SANDBOX_PLATFORMS].sort());
    expect(parsed.finance.tokens.map((t) => t.role).sort()).toEqual(['operator', 'viewer']);
    expect(parsed.platforms.shopex?.callbackUrl).toBe(`http://127.0.0.1:${servicePort}/callbacks/shopex`);
    expect(parsed.platforms.glitzcloud?.baseUrl).toBe(`http://127.0.0.1:${ports[0]}/agent/v1`);
    expect(parsed.platforms.appintf?.baseUrl).toBe(`http://127.0.0.1:${ports[3]}`);
    expect(fakes.outputOf('stdout')).toBe('');
    expect(fakes.outputOf('stderr')).toContain(`CLAIM_RELAY_CONFIG=${out} PORT=${servicePort} npm start`);
  });

  it('refuses to start, naming the platform, when one of its ports is taken', async () => {
    const holder: Server = createServer();
    const taken = await freePort();
    await new Promise<void>((resolve) => holder.listen(taken, '127.0.0.1', resolve));
    try {
      const free = [await freePort(), await freePort(), await freePort()];
      const second = spawnBuilt('scripts/run-fakes.js', ['--ports', [free[0], taken, free[1], free[2]].join(','), '--out', join(dir, 'other.json')], {});
      expect(await exited(second)).toBe(1);
      expect(second.outputOf('stderr')).toContain(`port ${taken} (shopex) is taken`);
    } finally {
      holder.close();
    }
  });

  async function push(body: string): Promise<number> {
    const signed = signedPush(body);
    const res = await fetch(`http://127.0.0.1:${servicePort}/qimen?${signed.query}`, { method: 'POST', body: signed.body, headers: { 'content-type': 'application/json' } });
    const answer = (await res.json()) as { errorId: string; data: { workOrderId: number } };
    expect(answer.errorId).toBe('success');
    return answer.data.workOrderId;
  }

  /** The work order's claims once none is pending or submitted any more (bounded), through the finance API. */
  async function settledClaims(workOrderId: number): Promise<Claim[]> {
    const operator = config.finance.tokens.find((t: { role: string }) => t.role === 'operator').token;
    const read = async () => {
      const res = await fetch(`http://127.0.0.1:${servicePort}/api/claims?workOrderId=${workOrderId}`, { headers: { authorization: `Bearer ${operator}` } });
      return ((await res.json()) as { items: Claim[] }).items;
    };
    return until('every claim past submitted', MOVE_WITHIN_MS, async () => {
      const items = await read();
      return items.length === 4 && items.every((c) => !['pending', 'submitted'].includes(c.status)) ? items : null;
    }).catch(async (err) => {
      throw new Error(`${(err as Error).message}; claims now: ${JSON.stringify(await read())}`);
    });
  }

  it("moves the README example's claims past submitted on all four platforms, seen through the finance API", async () => {
    const claims = await settledClaims(await push(README_EXAMPLE));
    expect(Object.fromEntries(claims.map((c) => [c.platform, ['accepted', 'completed'].includes(c.status)]))).toEqual({
      glitzcloud: true, shopex: true, duobaoyu: true, appintf: true,
    });
    expect(claims.every((c) => c.platformClaimId)).toBe(true);
  }, MOVE_WITHIN_MS + 10_000);

  it("files another judgment's appintf claim on its own order: a refund of its own, not the first one's", async () => {
    const first = await settledClaims(await push(README_EXAMPLE));
    const other = await settledClaims(await push(README_EXAMPLE.replace('TMALL_1234567890', 'TMALL_1234567891')));
    const refundOf = (claims: Claim[]) => claims.find((c) => c.platform === 'appintf')!.platformClaimId;
    expect(refundOf(other)).not.toBeNull();
    expect(refundOf(other)).not.toBe(refundOf(first));
  }, 2 * MOVE_WITHIN_MS + 10_000);
});
