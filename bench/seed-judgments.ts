import { createHash } from 'node:crypto';
import type { DataSource, QueryRunner } from 'typeorm';

/**
 * Seeds judgments straight into the tables with multi-row INSERTs (not through HTTP): for the CSV
 * export benchmark (100,000 rows) and the CSV test. Each work order gets one revision and one claim.
 * Rows vary by index so filters and flags have something to find; Chinese text exercises the CSV's UTF-8.
 */
export interface SeedOptions {
  count: number;
  /** Received time of the newest row; each older row is `stepMs` earlier. */
  newestAt: Date;
  stepMs?: number;
  /** externalOrderId prefix. */
  prefix?: string;
  /** Rows per INSERT (parameters per statement stay far below SQLite's 32,766). */
  batch?: number;
}

export const SEED_TENANTS = ['MAOCHAO', '天猫国际'];
export const SEED_PARTIES = ['WAREHOUSE', 'DELIVERY'];
export const SEED_STATUSES = ['pending', 'submitted', 'completed', 'dead'];

/** The UTC datetime text TypeORM stores (`YYYY-MM-DD HH:MM:SS.SSS`), accepted by SQLite and MariaDB alike. */
export const utcText = (d: Date) => d.toISOString().replace('T', ' ').replace('Z', '');

/** The seeded row `i`'s money: claim 10.00 + i fen…; payment equal except every 7th row (one fen short). */
export function seededAmounts(i: number) {
  const claimMinor = 1000 + (i % 997);
  return { claimMinor, paymentMinor: i % 7 === 0 ? claimMinor - 1 : claimMinor };
}

async function insertRows(runner: QueryRunner, table: string, columns: string[], rows: unknown[][]): Promise<void> {
  if (rows.length === 0) return;
  const q = (name: string) => (runner.connection.options.type === 'better-sqlite3' ? `"${name}"` : `\`${name}\``);
  const placeholders = rows.map(() => `(${columns.map(() => '?').join(', ')})`).join(', ');
  await runner.query(`INSERT INTO ${q(table)} (${columns.map(q).join(', ')}) VALUES ${placeholders}`, rows.flat());
}

export async function seedJudgments(dataSource: DataSource, opts: SeedOptions): Promise<{ firstId: number; lastId: number }> {
  const step = opts.stepMs ?? 1000;
  const batch = opts.batch ?? 1000;
  const prefix = opts.prefix ?? 'SEED';
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    const [{ maxId }] = await runner.query('SELECT COALESCE(MAX(id), 0) AS maxId FROM work_order');
    const [{ maxClaim }] = await runner.query('SELECT COALESCE(MAX(id), 0) AS maxClaim FROM claim');
    const firstId = Number(maxId) + 1;
    const [{ maxRevision }] = await runner.query('SELECT COALESCE(MAX(id), 0) AS maxRevision FROM judgment_revision');
    const firstClaim = Number(maxClaim) + 1;
    const firstRevision = Number(maxRevision) + 1;
    await runner.startTransaction();
    for (let start = 0; start < opts.count; start += batch) {
      const orders: unknown[][] = [];
      const revisions: unknown[][] = [];
      const claims: unknown[][] = [];
      for (let i = start; i < Math.min(opts.count, start + batch); i++) {
        const id = firstId + i;
        const at = utcText(new Date(opts.newestAt.getTime() - (opts.count - 1 - i) * step));
        const tenant = SEED_TENANTS[i % SEED_TENANTS.length];
        const party = SEED_PARTIES[i % SEED_PARTIES.length];
        const externalOrderId = `${prefix}-${i}`;
        const hash = createHash('sha256').update(`${prefix}:${i}`).digest('hex');
        const { claimMinor, paymentMinor } = seededAmounts(i);
        const text = (minor: number) => `${Math.floor(minor / 100)}.${String(minor % 100).padStart(2, '0')}`;
        orders.push([id, hash, tenant, externalOrderId, at, 1, hash, party, at, at, 1]);
        revisions.push([
          firstRevision + i, id, 1, 0, at, at, hash, 'CNY', 0, '临期问题', externalOrderId, tenant, `LOGI-${prefix}-${i}`, `WB-${prefix}-${i}`, 1, party,
          party === 'WAREHOUSE' ? 10000 : 0, party === 'WAREHOUSE' ? 0 : 10000, text(claimMinor), claimMinor, '仓内拣选导致临期', text(paymentMinor), paymentMinor,
        ]);
        const status = SEED_STATUSES[i % SEED_STATUSES.length];
        // Called for as filed (plannedMatches defaults to true): the latest revision is the one it was filed for.
        claims.push([firstClaim + i, id, 'seed-route', 'glitzcloud', status, 1, claimMinor, 'CNY', '{}', status === 'pending' ? 0 : 1, 0, at, at, claimMinor, 'CNY']);
      }
      await insertRows(runner, 'work_order', ['id', 'identityKey', 'tenantId', 'externalOrderId', 'receivedAt', 'latestRevision', 'latestContentHash', 'responsibilityParty', 'updatedAt', 'latestPushedAt', 'revisionCount'], orders);
      await insertRows(runner, 'judgment_revision', [
        'id', 'workOrderId', 'revision', 'rawPushId', 'receivedAt', 'pushedAt', 'contentHash', 'currency', 'packageCount', 'bizType', 'externalOrderId', 'tenantId',
        'logisticsOrderNo', 'waybillNo', 'established', 'responsibilityParty', 'warehouseRatioBp', 'deliveryRatioBp', 'claimAmountText', 'claimAmountMinor',
        'judgeReason', 'paymentAmountText', 'paymentAmountMinor',
      ], revisions);
      await insertRows(runner, 'claim', ['id', 'workOrderId', 'route', 'platform', 'status', 'revision', 'amountMinor', 'currency', 'fields', 'attempts', 'mayExistOnPlatform', 'createdAt', 'updatedAt', 'plannedAmountMinor', 'plannedCurrency'], claims);
    }
    await runner.commitTransaction();
    return { firstId, lastId: firstId + opts.count - 1 };
  } catch (err) {
    if (runner.isTransactionActive) await runner.rollbackTransaction();
    throw err;
  } finally {
    await runner.release();
  }
}
