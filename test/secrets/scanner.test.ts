/**
 * The secret sweep's own checks (test/support/secret-scan.ts, sweep-capture.ts, test-secrets.ts): planted
 * secrets are found in a table row, in gzip bodies (inline and in chunks), in a log line and in an error
 * answer, and the teardown fails naming where and which key, never the secret; clean data gives nothing.
 * The planted values are never registered in the real run, so they cannot fail it.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger } from '../../src/logging';
import { sha256Hex } from '../../src/storage/canonical-json';
import { encodeBody, insertRawPush } from '../../src/storage/raw-push-store';
import { openMigratedDatabase, TEST_DATABASES } from '../support/databases';
import { devTokenLine } from '../../src/config/dev-token';
import { describeFinding, Finding, scanDatabase, SecretMatcher, sweepRun } from '../support/secret-scan';
import { recordingErrorAnswers } from '../support/sweep-capture';
import { SWEEP_DIR_ENV } from '../support/sweep-run';
import { configSecrets, secretKeyPaths, TestSecret } from '../support/test-secrets';
import globalTeardown from './global-teardown';

const PLANTED = `Planted${randomBytes(6).toString('hex')}`;
const SECRETS: TestSecret[] = [{ key: 'platforms.shopex.token', value: PLANTED }, { key: 'qimen.apps.*.secret', value: 's' }];
const matcher = new SecretMatcher(SECRETS);

/** Every finding's text must name a place and a key, never the secret. */
function described(findings: Finding[]): string[] {
  const lines = findings.map(describeFinding);
  for (const line of lines) expect(line.toLowerCase()).not.toContain(PLANTED.toLowerCase());
  return lines;
}

/** Runs `fn` with the sweep recording into a scratch run directory instead of the real one. */
async function inScratchRun<T>(fn: (dir: string) => Promise<T> | T): Promise<T> {
  const real = process.env[SWEEP_DIR_ENV];
  const dir = mkdtempSync(join(tmpdir(), 'claim-relay-sweep-test-'));
  process.env[SWEEP_DIR_ENV] = dir;
  try {
    return await fn(dir);
  } finally {
    process.env[SWEEP_DIR_ENV] = real;
    if (real === undefined) delete process.env[SWEEP_DIR_ENV];
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('the secret matcher', () => {
  it('finds a secret as is, in any case, JSON-escaped context, base64 and as its sha256; skips placeholders', () => {
    const sha = sha256Hex(PLANTED);
    expect(described(matcher.findIn('a', `{"x":"${PLANTED.toUpperCase()}"}`))).toEqual(['a: platforms.shopex.token']);
    expect(described(matcher.findIn('b', `Basic ${Buffer.from(PLANTED).toString('base64')}`))).toEqual(['b: platforms.shopex.token (base64)']);
    expect(described(matcher.findIn('c', `hash=${sha}`))).toEqual(['c: platforms.shopex.token (sha256 hex)']);
    expect(described(matcher.findIn('d', `line one\nline two ${PLANTED}\nthree\n${PLANTED} again`, { lines: true }))).toEqual(['d:2 (and 1 more): platforms.shopex.token']);
    expect(matcher.searched).toBe(1);
    expect(matcher.tooShort).toBe(1);
    expect(matcher.findIn('clean', `the token is ${PLANTED.slice(0, -1)}, secrets s and s`)).toEqual([]);
  });

  it('reads the secret keys from the config schema and the secrets of a config, "env:NAME" resolved', () => {
    expect(secretKeyPaths().map((p) => p.join('.')).sort()).toEqual([
      'finance.tokens.*.token', 'platforms.appintf.sessionId', 'platforms.duobaoyu.appSecret', 'platforms.glitzcloud.apikey',
      'platforms.glitzcloud.secretkey', 'platforms.shopex.token', 'qimen.apps.*.secret',
    ]);
    const raw = {
      qimen: { apps: [{ appKey: '1', secret: 'q-secret-1' }, { appKey: '2', secret: 'env:SWEEP_TEST_SECRET' }] },
      platforms: { shopex: { token: 'shopex-token' } },
      finance: { tokens: [{ name: 'v', token: 'viewer-token', role: 'viewer' }] },
    };
    expect(configSecrets(raw, { SWEEP_TEST_SECRET: 'from-env' })).toEqual(expect.arrayContaining([
      { key: 'qimen.apps.*.secret', value: 'q-secret-1' }, { key: 'qimen.apps.*.secret', value: 'from-env' },
      { key: 'platforms.shopex.token', value: 'shopex-token' }, { key: 'finance.tokens.*.token', value: 'viewer-token' },
    ]));
  });
});

describe.each(TEST_DATABASES)('the table scan on %s', (kind) => {
  it('finds a planted secret in a row, in a gzip body and in a body split in gzip chunks; nothing in clean tables', async () => {
    const { db, dataSource, close } = await openMigratedDatabase(kind);
    try {
      const clean = await scanDatabase(kind, db.url, matcher, 'db');
      expect(clean.findings).toEqual([]);
      expect(clean.tables).toBeGreaterThan(5);

      const push = async (body: Buffer, headers: Record<string, string> = {}) => {
        const received = { receivedAt: new Date(), method: 'm', appKey: 'k', signMethod: 'md5', query: new Map(), headers, body, bodySha256: sha256Hex(body) };
        return dataSource.transaction(async (em) => insertRawPush(em, received, await encodeBody(body)));
      };
      await push(Buffer.from('{}'), { 'x-note': `token ${PLANTED}` });
      const inline = await push(Buffer.from(JSON.stringify({ filler: 'x'.repeat(10_000), note: PLANTED })));
      // Random filler does not compress: several chunks, the secret at the very end (only the reassembled stream has it).
      const chunked = await push(Buffer.from(JSON.stringify({ filler: randomBytes(150_000).toString('base64'), note: PLANTED })));
      const scan = await scanDatabase(kind, db.url, matcher, 'db');
      const found = described(scan.findings);
      expect(found).toEqual(expect.arrayContaining([
        'db: raw_push.headers, row 1: platforms.shopex.token',
        'db: raw_push.body (gunzipped), row 2: platforms.shopex.token',
        expect.stringMatching(new RegExp(`^db: raw_push_chunk rawPushId=${chunked} reassembled \\(gunzipped\\), row \\d+: platforms\\.shopex\\.token$`)),
      ]));
      expect(found).toHaveLength(3);
      expect(inline).toBe(2);
    } finally {
      await close();
    }
  });
});

describe('recording and the teardown', () => {
  let server: Server | undefined;
  afterEach(() => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())));

  /** A service that answers each path as told, through the sweep's answer recorder. */
  async function serve(answers: Record<string, { status: number; body: string }>): Promise<string> {
    server = createServer(recordingErrorAnswers((req, res) => {
      const a = answers[(req.url ?? '').split('?')[0]];
      res.writeHead(a.status, { 'content-type': 'application/json' }).end(a.body);
    }));
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  it('finds a planted secret in a log line and in error answers, and fails the run naming where and which key', async () => {
    const { report, error } = await inScratchRun(async (dir) => {
      // A service logger whose test asked for silence still writes to the run's log directory.
      const logger = createLogger({ level: 'silent' });
      logger.info('clean line');
      logger.warn({ detail: `oops ${PLANTED}` }, 'leaky line');
      const base = await serve({
        '/api/me': { status: 401, body: `{"error":"unauthorized","token":"${PLANTED}"}` },
        '/qimen': { status: 200, body: `{"errorId":"sign-check-failure","hint":"${PLANTED}"}` },
        '/healthz': { status: 200, body: `{"ok":"${PLANTED}"}` },
      });
      for (const path of ['/api/me', `/qimen?token=${PLANTED}`, '/healthz']) await (await fetch(`${base}${path}`)).text();
      await new Promise((r) => setTimeout(r, 50)); // the recorder writes on the response's close
      mkdirSync(join(dir, 'secrets'), { recursive: true });
      writeFileSync(join(dir, 'secrets', 'planted.jsonl'), `${JSON.stringify(SECRETS[0])}\n`);
      const report = sweepRun(dir, SECRETS);
      const write = jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
      try {
        globalTeardown();
        return { report, error: undefined };
      } catch (err) {
        return { report, error: err as Error };
      } finally {
        write.mockRestore();
      }
    });
    const file = 'logs/test__secrets__scanner.test.ts.log';
    expect(described(report.findings)).toEqual([
      `${file}:2: platforms.shopex.token`,
      expect.stringMatching(/^test\/secrets\/scanner\.test\.ts › .*: GET \/api\/me → 401 \(body\): platforms\.shopex\.token$/),
      expect.stringMatching(/: GET \/qimen → 200 \(body\): platforms\.shopex\.token$/),
    ]);
    expect(report).toMatchObject({ logLines: 2, answers: 2, databases: 0 });
    expect(error?.message).toContain(`${file}:2: platforms.shopex.token`);
    expect(error?.message).toContain('GET /api/me → 401 (body): platforms.shopex.token');
    expect(error?.message.toLowerCase()).not.toContain(PLANTED.toLowerCase());
  });

  it("skips only the development token's own start line in a log, and finds the token anywhere else", async () => {
    const token = randomBytes(32).toString('base64url');
    const secrets: TestSecret[] = [{ key: 'finance.tokens.*.token', value: token }];
    const report = await inScratchRun((dir) => {
      mkdirSync(join(dir, 'logs'), { recursive: true });
      const lines = [devTokenLine(3000, token), `${devTokenLine(3000, token)} (and more)`, `echo: ${devTokenLine(3000, token)}`, `{"msg":"token ${token}"}`];
      writeFileSync(join(dir, 'logs', 'service.child-1.log'), `${lines.join('\n')}\n`);
      return sweepRun(dir, secrets);
    });
    expect(described(report.findings)).toEqual(['logs/service.child-1.log:2 (and 2 more): finance.tokens.*.token']);
  });

  it('passes a clean run, counting what it searched', async () => {
    const report = await inScratchRun(async (dir) => {
      createLogger({ level: 'silent' }).info({ token: 'not one we configured' }, 'clean');
      const base = await serve({ '/nope': { status: 404, body: '{"error":"not-found"}' }, '/qimen': { status: 200, body: '{"errorId":"success"}' } });
      for (const path of ['/nope', '/qimen']) await (await fetch(`${base}${path}`)).text();
      await new Promise((r) => setTimeout(r, 50));
      return sweepRun(dir, SECRETS);
    });
    expect(report.findings).toEqual([]);
    expect(report).toMatchObject({ secrets: 1, tooShort: 1, logLines: 1, logFiles: 1, answers: 1 });
  });
});
