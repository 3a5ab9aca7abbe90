/**
 * `npm start` without a config file gives the finance page a development operator token, printed on one
 * start line and kept in the data directory; a config file never gets one (src/config/dev-token.ts).
 * Runs the built service (dist/src/main.js) in a scratch directory, as a newcomer's clone would.
 */
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEV_TOKEN_FILE, tokenOfDevTokenLine } from '../../src/config/dev-token';
import { BuiltChild, freePort, spawnService, waitReady } from '../support/built-service';
import { TEST_APP } from '../support/qimen-push';
import { registerSecrets } from '../support/test-secrets';

type Service = BuiltChild;
const running = new Set<Service>();

async function start(cwd: string, env: Record<string, string> = {}): Promise<{ service: Service; port: number }> {
  const port = await freePort();
  const service = spawnService('main', { PORT: String(port), DATABASE_URL: `sqlite:${join(cwd, 'data/claim-relay.sqlite')}`, ...env }, cwd);
  running.add(service);
  await waitReady(`http://127.0.0.1:${port}/readyz`);
  return { service, port };
}

async function stop(service: Service): Promise<void> {
  if (service.exitCode === null) await new Promise((resolve) => service.once('exit', resolve).kill('SIGTERM'));
  running.delete(service);
}

const tokenLines = (service: Service) => service.output().split('\n').filter((line) => line.includes('development token'));

/** The token of the service's start line (printed once listening; waited for, bounded). */
async function printedToken(service: Service): Promise<string> {
  for (let i = 0; i < 50 && tokenLines(service).length === 0; i++) await new Promise((r) => setTimeout(r, 100));
  const lines = tokenLines(service);
  expect(lines).toHaveLength(1);
  const token = tokenOfDevTokenLine(lines[0]);
  if (!token) throw new Error(`no token on the line: ${lines[0].slice(0, 40)}…`);
  registerSecrets([{ key: 'finance.tokens.*.token', value: token }]);
  return token;
}

const me = (port: number, token: string) => fetch(`http://127.0.0.1:${port}/api/me`, { headers: { authorization: `Bearer ${token}` } });

afterAll(async () => {
  for (const service of running) await stop(service);
});

describe('the development finance token at start', () => {
  it('is printed once, with the finance page, and signs into /api/me as an operator', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'dev-start-'));
    const { service, port } = await start(cwd);
    const token = await printedToken(service);
    expect(tokenLines(service)[0]).toBe(`finance page: http://localhost:${port}/finance/ — development token: ${token}`);
    const answer = await me(port, token);
    expect(answer.status).toBe(200);
    expect(await answer.json()).toEqual({ name: 'development', role: 'operator' });
    await stop(service);
  });

  it('is the same token after a restart on the same data directory', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'dev-start-'));
    const first = await start(cwd);
    const token = await printedToken(first.service);
    await stop(first.service);
    const second = await start(cwd);
    expect(await printedToken(second.service)).toBe(token);
    expect((await me(second.port, token)).status).toBe(200);
    await stop(second.service);
  });

  it('does not exist with a config file: no line, no file made, and a kept development token is refused', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'dev-start-'));
    const leftOver = 'LeftOverDevelopmentToken0123456789abcdefghi';
    mkdirSync(join(cwd, 'data'));
    writeFileSync(join(cwd, 'data', DEV_TOKEN_FILE), `${leftOver}\n`, { mode: 0o600 });
    registerSecrets([{ key: 'finance.tokens.*.token', value: leftOver }]);
    const configFile = join(cwd, 'claim-relay.config.json');
    writeFileSync(configFile, JSON.stringify({ qimen: { apps: [TEST_APP] }, finance: { tokens: [{ name: 'finance-1', token: 'ProductionViewerToken-0123456789', role: 'viewer' }] } }));
    const { service, port } = await start(cwd, { CLAIM_RELAY_CONFIG: configFile });
    expect((await me(port, leftOver)).status).toBe(401);
    expect((await me(port, 'ProductionViewerToken-0123456789')).status).toBe(200);
    await stop(service);
    expect(tokenLines(service)).toEqual([]);

    const fresh = mkdtempSync(join(tmpdir(), 'dev-start-'));
    writeFileSync(join(fresh, 'claim-relay.config.json'), JSON.stringify({ qimen: { apps: [TEST_APP] } }));
    const other = await start(fresh); // ./claim-relay.config.json found in the working directory
    await stop(other.service);
    expect(tokenLines(other.service)).toEqual([]);
    expect(existsSync(join(fresh, 'data', DEV_TOKEN_FILE))).toBe(false);
  });
});
