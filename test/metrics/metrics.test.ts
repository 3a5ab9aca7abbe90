import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DispatchWorker } from '../../src/dispatch/dispatch-worker';
import { createPlatformClients } from '../../src/dispatch/platform-clients';
import { createLogger } from '../../src/logging';
import { registry, startMetricsServer } from '../../src/metrics';
import { CLAIM_COUNTS_TTL_MS } from '../../src/metrics/database';
import { CALLBACK_OUTCOMES, DISPATCH_OUTCOMES, PUSH_OUTCOMES, STORE_OUTCOMES } from '../../src/metrics/registry';
import { TEST_DATABASES } from '../support/databases';
import { Fakes, fakesConfig, startFakes } from '../support/platform-fakes';
import { DANNIAO_METHOD, specExample, TEST_APP } from '../support/qimen-push';
import { startTestService, TestService } from '../support/test-service';

/** `series → value` of a Prometheus text exposition (comments left out). */
function parse(text: string): Map<string, number> {
  const values = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const space = line.lastIndexOf(' ');
    values.set(line.slice(0, space), Number(line.slice(space + 1)));
  }
  return values;
}

/** The registry as it is now, without the database gauges' refresh (counters only are compared). */
const snapshot = async () => parse(await registry.metrics());

const FINANCE_TOKEN = 'finance-token-0123456789-secret';

/** The spec example with an amount, so both routes call for a claim (a share of 0 calls for none). */
function judgment() {
  const j = specExample();
  j.judgeResult.claimAmount = 89.9;
  return j;
}

/** The registry is one per process: the two database kinds share it, so counters are compared as differences. */
describe.each(TEST_DATABASES)('GET /metrics on %s', (kind) => {
  let fakes: Fakes;
  let svc: TestService;
  let text: string;
  let before: Map<string, number>;
  let after: Map<string, number>;
  let msgId: string;
  let workerServer: Server | null = null;
  let workerText: string;

  const delta = (series: string) => (after.get(series) ?? 0) - (before.get(series) ?? 0);

  beforeAll(async () => {
    fakes = await startFakes();
    svc = await startTestService(kind, (baseUrl) => ({
      ...fakesConfig(fakes, { only: ['glitzcloud-loss', 'shopex-aftersale'], callbackUrl: `${baseUrl}/callbacks/shopex` }),
      finance: { tokens: [{ name: 'finance-1', token: FINANCE_TOKEN, role: 'viewer' }] },
    }));
    before = await snapshot();

    expect((await svc.push(judgment())).json.errorId).toBe('success'); // a push
    expect((await svc.push(judgment())).json.errorId).toBe('success'); // its duplicate (fast path: no write)
    expect((await svc.push(judgment(), { sign: 'BAD' })).json.errorId).toBe('sign-check-failure'); // a bad push
    expect((await svc.push(judgment(), { method: 'no.such.method' })).json.errorId).toBe('invalid-method');

    const worker = new DispatchWorker({
      dataSource: svc.dataSource, config: svc.config, clients: createPlatformClients(svc.config), logger: createLogger({ level: 'silent' }),
      now: () => new Date(Date.now() + 1000),
    });
    expect(await worker.runOnce()).toBe(2); // a dispatched claim on each of two platforms
    msgId = fakes.shopex.applications[0].msgId;

    expect(JSON.parse((await fakes.shopex.sendCallback(msgId)).body).rsp).toBe('succ'); // a callback
    expect(JSON.parse((await fakes.shopex.sendCallback(msgId, { signWithToken: 'not-the-token' })).body).res).toBe('4003');
    const post = (body: string) => fetch(`${svc.baseUrl}/callbacks/duobaoyu`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    expect(await (await post('{"id":"x"}')).text()).toBe('FAIL'); // unreadable
    expect((await post('{not json')).status).toBe(400); // refused by the body parser: the callback's fault, unreadable

    // Claims by status are cached 5 s per database: wait for a fresh count.
    await new Promise((r) => setTimeout(r, CLAIM_COUNTS_TTL_MS + 100));
    const res = await fetch(`${svc.baseUrl}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    text = await res.text();
    after = parse(text);

    workerServer = await startMetricsServer(svc.dataSource, 0);
    workerText = await (await fetch(`http://127.0.0.1:${(workerServer.address() as AddressInfo).port}/metrics`)).text();
  }, 60_000);

  afterAll(async () => {
    workerServer?.close();
    await svc?.close();
    await fakes?.close();
  });

  it('counts pushes by method and outcome, and times them', () => {
    expect(delta(`claim_relay_qimen_pushes_total{method="${DANNIAO_METHOD}",outcome="success"}`)).toBe(2);
    expect(delta(`claim_relay_qimen_pushes_total{method="${DANNIAO_METHOD}",outcome="sign-check-failure"}`)).toBe(1);
    // A method we do not handle is `other`: what a caller writes never becomes a label.
    expect(delta('claim_relay_qimen_pushes_total{method="other",outcome="invalid-method"}')).toBe(1);
    expect(text).not.toContain('no.such.method');
    expect(delta('claim_relay_qimen_push_duration_seconds_count{result="success"}')).toBe(2);
    expect(delta('claim_relay_qimen_push_duration_seconds_count{result="failure"}')).toBe(2);
    expect(delta('claim_relay_qimen_push_duration_seconds_bucket{le="+Inf",result="success"}')).toBe(2);
  });

  it('times the store of each valid push: one stored (created), one answered without a write (duplicate)', () => {
    expect(delta('claim_relay_push_store_duration_seconds_count{outcome="created"}')).toBe(1);
    expect(delta('claim_relay_push_store_duration_seconds_count{outcome="duplicate"}')).toBe(1);
    expect(delta('claim_relay_push_store_duration_seconds_count{outcome="revised"}')).toBe(0);
  });

  it('counts dispatch attempts by platform and outcome, with their latency', () => {
    for (const platform of ['glitzcloud', 'shopex']) {
      expect(delta(`claim_relay_dispatch_attempts_total{platform="${platform}",outcome="submitted"}`)).toBe(1);
      expect(delta(`claim_relay_dispatch_attempt_duration_seconds_count{platform="${platform}",outcome="submitted"}`)).toBe(1);
    }
    expect(delta('claim_relay_dispatch_attempts_total{platform="duobaoyu",outcome="submitted"}')).toBe(0);
  });

  it('counts callbacks by platform and outcome', () => {
    expect(delta('claim_relay_callbacks_total{platform="shopex",outcome="stored"}')).toBe(1);
    expect(delta('claim_relay_callbacks_total{platform="shopex",outcome="bad-sign"}')).toBe(1);
    expect(delta('claim_relay_callbacks_total{platform="duobaoyu",outcome="unreadable"}')).toBe(2);
    expect(delta('claim_relay_callbacks_total{platform="duobaoyu",outcome="error"}')).toBe(0);
    expect(delta('claim_relay_callbacks_total{platform="duobaoyu",outcome="stored"}')).toBe(0);
  });

  it('reports claims by platform and status, the outbox lag and the pool from the database', () => {
    expect(after.get('claim_relay_claims{platform="glitzcloud",status="submitted"}')).toBe(1);
    expect(after.get('claim_relay_claims{platform="glitzcloud",status="pending"}')).toBe(0);
    expect(after.get('claim_relay_claims{platform="shopex",status="submitted"}')).toBe(1);
    expect(after.get('claim_relay_outbox_lag_seconds')).toBe(0); // nothing due: both were sent
    if (kind === 'sqlite') {
      expect(after.get('claim_relay_db_pool_open_connections')).toBe(1);
      expect(after.get('claim_relay_db_pool_free_connections')).toBe(0);
    } else {
      expect(after.get('claim_relay_db_pool_open_connections')).toBeGreaterThanOrEqual(1);
      expect(after.get('claim_relay_db_pool_max_connections')).toBe(Number(process.env.DATABASE_POOL_SIZE ?? 10));
    }
  });

  it('includes the default process metrics', () => {
    expect(after.has('process_cpu_user_seconds_total')).toBe(true);
    expect(after.has('nodejs_heap_size_used_bytes')).toBe(true);
  });

  it('carries no secret of the config and no id as a label', () => {
    const platforms = svc.config.platforms;
    const secrets = [
      TEST_APP.secret, platforms.glitzcloud!.apikey, platforms.glitzcloud!.secretkey, platforms.shopex!.token, platforms.duobaoyu!.appSecret,
      platforms.appintf!.sessionId, FINANCE_TOKEN,
    ];
    for (const secret of secrets) expect(text).not.toContain(secret);
    expect(text).not.toContain(msgId);
    expect(text).not.toContain(specExample().externalOrderId);
    // Every label value of our own metrics comes from a small fixed set.
    const allowed: Record<string, RegExp> = {
      method: new RegExp(`^(${DANNIAO_METHOD.replace(/\./g, '\\.')}|other)$`),
      outcome: new RegExp(`^(${[...PUSH_OUTCOMES, ...STORE_OUTCOMES, ...DISPATCH_OUTCOMES, ...CALLBACK_OUTCOMES].join('|')})$`),
      result: /^(success|failure)$/,
      errorId: /^(invalid-json|invalid-parameter|invalid-method)$/,
      platform: /^(glitzcloud|shopex|duobaoyu|appintf|other)$/,
      status: /^(pending|submitted|accepted|rejected|completed|cancelled|dead)$/,
      le: /^[0-9.+Inf]+$/,
    };
    for (const series of after.keys()) {
      if (!series.startsWith('claim_relay_')) continue;
      for (const [, name, value] of series.matchAll(/(\w+)="([^"]*)"/g)) {
        expect(allowed[name]).toBeDefined();
        expect(value).toMatch(allowed[name]);
      }
    }
  });

  it('serves the same registry on the worker metrics server (METRICS_PORT)', () => {
    const worker = parse(workerText);
    expect(worker.get('claim_relay_dispatch_attempts_total{platform="glitzcloud",outcome="submitted"}')).toBe(after.get('claim_relay_dispatch_attempts_total{platform="glitzcloud",outcome="submitted"}'));
    expect(worker.has('claim_relay_outbox_lag_seconds')).toBe(true);
  });
});

describe('METRICS=off', () => {
  it('records nothing and answers /metrics 404', async () => {
    const saved = process.env.METRICS;
    process.env.METRICS = 'off';
    try {
      let mod: typeof import('../../src/metrics') | undefined;
      jest.isolateModules(() => {
        // eslint-disable-next-line @typescript-eslint/no-require-imports -- isolateModules loads synchronously
        mod = require('../../src/metrics');
      });
      const m = mod!;
      expect(m.METRICS_ENABLED).toBe(false);
      m.recordCallback('shopex', 'stored');
      m.recordDispatchAttempt('shopex', 'submitted', 0.1);
      m.recordStore('created', 0.01);
      const text = await m.registry.metrics();
      expect(text).not.toMatch(/claim_relay_callbacks_total\{[^}]*\} [1-9]/);
      expect(text).not.toMatch(/claim_relay_dispatch_attempts_total\{[^}]*\} [1-9]/);
      expect(text).not.toContain('process_cpu_user_seconds_total');
      const ctx = { status: 200, body: undefined as unknown };
      await m.metricsRoute({} as never)(ctx as never);
      expect(ctx.status).toBe(404);
    } finally {
      if (saved === undefined) delete process.env.METRICS;
      else process.env.METRICS = saved;
    }
  });
});
