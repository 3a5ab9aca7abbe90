import { randomInt } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { createConnection, type Connection } from 'mysql2/promise';
import type { DataSource } from 'typeorm';
import { createDataSource } from '../../ormconfig';
import { createApp } from '../../src/app';
import { parseConfig } from '../../src/config/load';
import { DispatchWorker } from '../../src/dispatch/dispatch-worker';
import { createPlatformClients } from '../../src/dispatch/platform-clients';
import { createHttpServer } from '../../src/http/server';
import { createLogger } from '../../src/logging';
import { settledWithin } from '../support/bounded-wait';
import { TEST_DATABASES, type TestDatabase } from '../support/databases';
import { type FaultTally, planFaults, playFaults } from '../support/fault-plan';
import { Fakes, fakesConfig, startFakes } from '../support/platform-fakes';
import { isSuccess, QimenLoad, type PushRecord } from '../support/qimen-load';
import { TEST_APP } from '../support/qimen-push';
import { proxiedMysqlDatabase } from '../support/proxied-database';
import type { TcpProxy } from '../support/tcp-proxy';

/**
 * The connection between the service and MariaDB broken many times, at random moments, while pushes,
 * claim dispatch and platform callbacks run: resets of batches the server is running, resets of
 * every connection, silent stalls, each maybe followed by refused connections. Then, with the link healed:
 * nothing acknowledged is missing or half-stored, no claim is lost or filed twice, and the service works
 * again without a restart.
 *
 * FAULT_SEED replays a run's plan of faults and pushes (the seed is printed, and named in every failure).
 * FAULT_SOAK=1 (300 s) or FAULT_SOAK_SECONDS=n runs longer, with a fault about every second.
 */
const SOAK_SECONDS = Number(process.env.FAULT_SOAK_SECONDS ?? (process.env.FAULT_SOAK === '1' ? 300 : 0));
const RUN_MS = SOAK_SECONDS > 0 ? SOAK_SECONDS * 1000 : 20_000;
const FAULT_COUNT = SOAK_SECONDS > 0 ? SOAK_SECONDS : 20;
const SEED = process.env.FAULT_SEED !== undefined ? Number(process.env.FAULT_SEED) : randomInt(2 ** 31 - 1);
const STREAMS = Number(process.env.FAULT_STREAMS ?? 48);
/** A write to the database this long carries a statement batch (a push's or a group's), not a ping or a small read. */
const MIN_BATCH_BYTES = 600;
const ROUTES = ['glitzcloud-loss', 'shopex-aftersale', 'duobaoyu-refund'] as const;

const onMysql = TEST_DATABASES.includes('mysql') ? describe : describe.skip;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Fails with the number of violations found (the first ten listed) and the seed that replays the run. */
function expectNone(what: string, violations: string[]): void {
  if (violations.length > 0) {
    throw new Error(`${violations.length} ${what} (replay: FAULT_SEED=${SEED}):\n  ${violations.slice(0, 10).join('\n  ')}`);
  }
}

async function waitFor(what: string, ok: () => Promise<boolean>, timeoutMs: number): Promise<boolean> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (await ok().catch(() => false)) return true;
    await sleep(200);
  }
  process.stdout.write(`connection chaos: ${what} not reached within ${timeoutMs} ms\n`);
  return false;
}

interface Stored {
  workOrders: Array<{ id: number; externalOrderId: string; latestRevision: number; latestContentHash: string; revisionCount: number }>;
  /** `pushedAtMs`: the push's Qimen timestamp; `outOfOrder`: 0 or 1. */
  revisions: Array<{ workOrderId: number; revision: number; contentHash: string; rawPushId: number; bodySha256: string | null; pushedAtMs: number; outOfOrder: number }>;
  claims: Array<{ id: number; workOrderId: number; route: string; platform: string; status: string; leaseOwner: string | null; resentBlindAt: unknown; events: number; externalOrderId: string; logisticsOrderNo: string; attempts: string | null; history: string | null }>;
  inbox: Array<{ platform: string; dedupeKey: string; payload: string }>;
}

/** Everything the invariants need, read over a direct connection (not through the proxy). */
async function readStored(conn: Connection): Promise<Stored> {
  const rows = async <T>(sql: string) => (await conn.query(sql))[0] as T[];
  return {
    workOrders: await rows('SELECT id, externalOrderId, latestRevision, latestContentHash, revisionCount FROM work_order'),
    revisions: await rows(
      'SELECT r.workOrderId, r.revision, r.contentHash, r.rawPushId, p.bodySha256, ROUND(UNIX_TIMESTAMP(r.pushedAt) * 1000) AS pushedAtMs, r.outOfOrder ' +
        'FROM judgment_revision r LEFT JOIN raw_push p ON p.id = r.rawPushId',
    ),
    claims: await rows(
      'SELECT c.id, c.workOrderId, c.route, c.platform, c.status, c.leaseOwner, c.resentBlindAt, w.externalOrderId, ' +
        "(SELECT COUNT(*) FROM claim_event e WHERE e.claimId = c.id) AS events, CONCAT('LOGI-', w.externalOrderId) AS logisticsOrderNo, " +
        "(SELECT GROUP_CONCAT(CONCAT(a.outcome, IFNULL(CONCAT(':', a.errorCode), ''), ' #', a.id, ' ', DATE_FORMAT(a.startedAt, '%H:%i:%s.%f'), '→', IFNULL(DATE_FORMAT(a.finishedAt, '%H:%i:%s.%f'), '-')) ORDER BY a.id) FROM claim_attempt a WHERE a.claimId = c.id) AS attempts, " +
        "(SELECT GROUP_CONCAT(CONCAT(IFNULL(e.fromStatus, '∅'), '→', e.toStatus, ' ', e.source, ' ', DATE_FORMAT(e.createdAt, '%H:%i:%s.%f'), ': ', LEFT(e.reason, 80)) ORDER BY e.id SEPARATOR ' | ') FROM claim_event e WHERE e.claimId = c.id) AS history " +
        'FROM claim c JOIN work_order w ON w.id = c.workOrderId',
    ),
    inbox: await rows('SELECT platform, dedupeKey, payload FROM callback_inbox'),
  };
}

onMysql('MariaDB connections reset and stalled at random moments under pushes, dispatch and callbacks', () => {
  let db: TestDatabase;
  let proxy: TcpProxy;
  let appData: DataSource;
  let workerData: DataSource;
  let server: Server;
  let baseUrl: string;
  let fakes: Fakes;
  let worker: DispatchWorker;
  let clients: ReturnType<typeof createPlatformClients>;
  let load: QimenLoad;
  let tally: FaultTally;
  let stored: Stored;
  let readyAfter = 0;
  /** Identities whose latest judgment Qimen's retries could not get acknowledged after healing. */
  let unsettled = 0;
  let fresh: PushRecord;
  const duobaoyuPushes: Array<Promise<unknown>> = [];

  beforeAll(async () => {
    process.stdout.write(`connection chaos: FAULT_SEED=${SEED}, ${FAULT_COUNT} faults over at most ${RUN_MS / 1000} s\n`);
    let url: string;
    ({ db, proxy, url } = await proxiedMysqlDatabase());

    let handle: (req: IncomingMessage, res: ServerResponse) => void = (_req, res) => void res.writeHead(503).end();
    server = createHttpServer((req, res) => handle(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

    fakes = await startFakes({ shopex: { autoCallback: { delayMs: 100, retryMs: 300, maxTries: 200 } } });
    fakes.duobaoyu.setPushUrl(`${baseUrl}/callbacks/duobaoyu`);
    const raw = fakesConfig(fakes, { only: [...ROUTES], retrySchedule: Array.from({ length: 40 }, () => '1s'), callbackUrl: `${baseUrl}/callbacks/shopex` });
    // Each Duobaoyu claim names its work order, so the fake's after-sales can be counted per claim.
    for (const route of raw.routes) if (route.name === 'duobaoyu-refund') (route.fields as Record<string, unknown>).remark = '{externalOrderId}';
    // A send whose result could not be stored is taken over when its lease ends. Both are far longer than a
    // send takes even on a loaded machine (no lease runs out, no platform answer is late), so a second send
    // here comes from the cuts only.
    raw.dispatch.leaseSeconds = 20;
    raw.dispatch.requestTimeoutMs = 10_000;
    const config = parseConfig({ qimen: { apps: [TEST_APP] }, ...raw });
    const logger = createLogger({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });

    appData = await createDataSource(url);
    await appData.initialize();
    handle = createApp({ config, dataSource: appData, logger }).callback();
    // The worker has a pool of its own, as a worker process would.
    workerData = await createDataSource(url);
    await workerData.initialize();
    clients = createPlatformClients(config);
    worker = new DispatchWorker({ dataSource: workerData, config, clients, logger, idleMs: 100 });
    load = new QimenLoad(baseUrl, SEED, 100_000);

    // Run: pushes, dispatch, callbacks, and the faults.
    worker.start();
    let faultsDone = false;
    const startedAt = Date.now();
    const stop = () => faultsDone || Date.now() - startedAt > RUN_MS;
    const statusPushes = pushDuobaoyuStatuses(() => faultsDone);
    const pushing = load.run(STREAMS, stop);
    tally = await playFaults(proxy, planFaults(SEED, FAULT_COUNT), { minQueryBytes: MIN_BATCH_BYTES, armMs: 2000, until: () => Date.now() - startedAt > RUN_MS });
    faultsDone = true;
    await pushing;
    await statusPushes;

    // Healed: Qimen pushes what was not acknowledged again; dispatch and callbacks finish.
    proxy.restore();
    const healedAt = Date.now();
    const ready = await waitFor('/readyz 200', async () => (await fetch(`${baseUrl}/readyz`)).status === 200, 20_000);
    readyAfter = ready ? Date.now() - healedAt : Infinity;
    unsettled = await load.settle(20, 250);
    fresh = await load.pushNew();
    await waitFor('no claim pending or leased', async () => {
      const rows: Array<{ n: number | string }> = await appData.query("SELECT COUNT(*) AS n FROM claim WHERE status = 'pending' OR leaseOwner IS NOT NULL");
      return Number(rows[0].n) === 0;
    }, 60_000);
    const shopexLoops = fakes.shopex.applications.map((a) => fakes.shopex.callbackDone(a.msgId).catch(() => undefined));
    await settledWithin(Promise.all([...shopexLoops, ...duobaoyuPushes]), 20_000);
    await worker.stop();

    const conn = await createConnection({ uri: db.url });
    stored = await readStored(conn);
    await conn.end();
    const acked = load.records.filter(isSuccess).length;
    process.stdout.write(
      `connection chaos (FAULT_SEED=${SEED}): ${load.records.length} pushes (${acked} answered success) of ${load.identityCount()} identities, ` +
        `${unsettled} never acknowledged; faults ${JSON.stringify(tally.played)}, ${tally.inFlightHits} batches reset in flight; ready ${readyAfter} ms after healing; ` +
        `${stored.workOrders.length} work orders, ${stored.revisions.length} revisions, ${stored.claims.length} claims, ` +
        `requests glitzcloud ${fakes.glitzcloud.requests.length}, shopex ${fakes.shopex.requests.length}, duobaoyu ${fakes.duobaoyu.requests.length}; ` +
        `${stored.inbox.length} callbacks stored\n`,
    );
  }, RUN_MS + 180_000);

  afterAll(async () => {
    await worker?.stop();
    server?.closeAllConnections();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    await Promise.all([...(clients?.values() ?? [])].map((c) => c.close()));
    for (const ds of [appData, workerData]) if (ds?.isInitialized) await ds.destroy();
    await proxy?.close();
    await fakes?.close();
    await db?.drop();
  });

  /** Duobaoyu's side: each after-sale filed gets a status push, retried (8 tries) until answered SUCCESS. */
  async function pushDuobaoyuStatuses(done: () => boolean): Promise<void> {
    let seen = 0;
    while (!done()) {
      for (; seen < fakes.duobaoyu.afterSales.length; seen++) {
        const afterSale = fakes.duobaoyu.afterSales[seen];
        duobaoyuPushes.push(fakes.duobaoyu.pushStatus(afterSale.afterSaleOrderId, '审核通过', { retrySchedule: [0, 300, 600, 900, 1200, 1500, 2000, 2500] }));
      }
      await sleep(100);
    }
  }

  it('plays the planned faults, and some of them reset a statement batch the database was running', () => {
    const played = Object.values(tally.played).reduce((a, b) => a + b, 0);
    expect(played).toBeGreaterThanOrEqual(Math.min(FAULT_COUNT, 10));
    expect(tally.inFlightHits).toBeGreaterThan(0);
    expect(load.records.filter(isSuccess).length).toBeGreaterThan(50);
  });

  it('leaves every work order with all its revisions, each with its raw push, the latest matching the work order and pushed last', () => {
    const byWorkOrder = new Map<number, Stored['revisions']>();
    for (const r of stored.revisions) byWorkOrder.set(r.workOrderId, [...(byWorkOrder.get(r.workOrderId) ?? []), r]);
    const violations: string[] = [];
    for (const w of stored.workOrders) {
      const revisions = (byWorkOrder.get(w.id) ?? []).sort((a, b) => a.revision - b.revision);
      const latest = revisions.find((r) => r.revision === w.latestRevision);
      const numbers = revisions.map((r) => r.revision).join(',');
      if (revisions.length === 0) violations.push(`work order ${w.id} (${w.externalOrderId}) has no revision`);
      else if (!latest || revisions.length !== Number(w.revisionCount) || revisions[revisions.length - 1].revision !== revisions.length) {
        violations.push(`work order ${w.id} (${w.externalOrderId}) is at revision ${w.latestRevision} of ${w.revisionCount} but has revisions ${numbers}`);
      } else if (latest.contentHash !== w.latestContentHash) violations.push(`work order ${w.id} (${w.externalOrderId}): latest content hash is not its latest revision's`);
      // Revisions are ordered by Qimen's timestamp: none pushed later than the latest, and every one after it arrived out of order.
      else if (revisions.some((r) => Number(r.pushedAtMs) > Number(latest.pushedAtMs) || (r.revision > latest.revision && !Number(r.outOfOrder)))) {
        violations.push(`work order ${w.id} (${w.externalOrderId}): revision ${w.latestRevision} is the latest but not the last pushed`);
      }
      for (const r of revisions) if (r.bodySha256 === null) violations.push(`work order ${w.id} revision ${r.revision}: raw push ${r.rawPushId} missing`);
    }
    expectNone('gaps in work orders (a revision or raw push missing)', violations);
  });

  it('stores every push answered success, with its content, under the work order it was answered with', () => {
    const bodies = new Map<number, Set<string>>();
    for (const r of stored.revisions) if (r.bodySha256) bodies.set(r.workOrderId, (bodies.get(r.workOrderId) ?? new Set()).add(r.bodySha256));
    const orders = new Map(stored.workOrders.map((w) => [w.id, w.externalOrderId]));
    const violations: string[] = [];
    for (const p of load.records.filter(isSuccess)) {
      const id = Number(p.json.data?.workOrderId);
      if (orders.get(id) !== p.externalOrderId) violations.push(`${p.externalOrderId} v${p.variant} answered work order ${id}, which is ${orders.get(id) ?? 'absent'}`);
      else if (!bodies.get(id)?.has(p.bodySha256)) violations.push(`${p.externalOrderId} v${p.variant} answered success (work order ${id}) but no revision holds its body`);
    }
    expectNone('pushes answered success but not stored', violations);
  });

  it('gives every work order one claim per route, each with its events', () => {
    const violations: string[] = [];
    for (const w of stored.workOrders) {
      const claims = stored.claims.filter((c) => c.workOrderId === w.id);
      for (const route of ROUTES) {
        const n = claims.filter((c) => c.route === route).length;
        if (n !== 1) violations.push(`work order ${w.id} (${w.externalOrderId}) has ${n} claims of route ${route}`);
      }
      for (const c of claims) if (Number(c.events) === 0) violations.push(`claim ${c.id} has no claim event`);
    }
    expectNone('claims or claim events missing', violations);
  });

  it('files every claim on its platform exactly once', () => {
    const count = <T>(items: T[], key: (t: T) => string) => items.reduce((m, t) => m.set(key(t), (m.get(key(t)) ?? 0) + 1), new Map<string, number>());
    const glitz = count(fakes.glitzcloud.orders, (o) => o.connect_order_sn);
    const shopex = count(fakes.shopex.applications, (a) => a.trade.aftersale_id);
    const duobaoyu = count(fakes.duobaoyu.afterSales, (a) => String(a.body.remark));
    const violations: string[] = [];
    for (const c of stored.claims) {
      const filed = c.platform === 'glitzcloud' ? glitz.get(c.logisticsOrderNo) : c.platform === 'shopex' ? shopex.get(String(c.id)) : duobaoyu.get(c.externalOrderId);
      if (c.status === 'pending' || c.leaseOwner !== null) violations.push(`claim ${c.id} (${c.route}, ${c.externalOrderId}) still ${c.status}${c.leaseOwner ? ', leased' : ''}`);
      // Attempts and events in the message: what a second filing needs to be understood.
      if (filed !== 1) violations.push(`claim ${c.id} (${c.route}, ${c.externalOrderId}, ${c.status}) filed ${filed ?? 0} times on ${c.platform}${c.resentBlindAt !== null ? ' (flagged resent-blind)' : ''}; attempts ${c.attempts ?? 'none'}; events ${c.history ?? 'none'}`);
    }
    expectNone('claims lost or filed more than once', violations);
  });

  it('has stored every platform callback it answered with success', () => {
    const shopexMsgIds = new Set(stored.inbox.filter((r) => r.platform === 'shopex').map((r) => String(JSON.parse(r.payload).msg_id)));
    const duobaoyuIds = new Set(stored.inbox.filter((r) => r.platform === 'duobaoyu').map((r) => r.dedupeKey));
    const violations: string[] = [];
    for (const t of fakes.shopex.callbackTries) {
      if (t.body && /"rsp"\s*:\s*"succ"/.test(t.body) && !shopexMsgIds.has(t.msgId)) violations.push(`ShopEx callback ${t.msgId} answered succ but not in the inbox`);
    }
    for (const p of fakes.duobaoyu.pushes) {
      if (p.tries.some((t) => t.body === 'SUCCESS') && !duobaoyuIds.has(String(p.push.id))) violations.push(`Duobaoyu push ${String(p.push.id)} answered SUCCESS but not in the inbox`);
    }
    expectNone('callbacks acknowledged but not stored', violations);
  });

  it('recovers without a restart: ready again, every retried push acknowledged, and a fresh push stored', () => {
    expect(readyAfter).toBeLessThan(20_000);
    expect(unsettled).toBe(0);
    expect(isSuccess(fresh)).toBe(true);
    const revision = stored.revisions.find((r) => r.workOrderId === Number(fresh.json.data.workOrderId));
    expect(revision?.bodySha256).toBe(fresh.bodySha256);
  });
});
