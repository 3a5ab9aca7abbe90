import { createHash } from 'node:crypto';
import type { Connection } from 'mysql2/promise';

/**
 * Seeds a large finance data set (scenario H of `npm run bench`: 1,000,000 judgments) into an empty, migrated
 * MySQL/MariaDB database, fast:
 *   - work_order: multi-row INSERTs of `batch` rows built as SQL text by this process (identity and content
 *     hashes are real sha256s, so the unique identity index grows as it does in production);
 *   - judgment_revision (every column the spec example fills), claim (one per `claimEvery` judgments; the
 *     filed ones, submitted and completed, hold the platform's id millionPlatformClaimId, so statements match them),
 *     claim_event (one `pending → submitted` event per submitted claim) and responsibility_package
 *     (`packagesPer` numbers for one judgment in `packageEvery`): INSERT … SELECT from the work orders, in id
 *     ranges of `derivedChunk`, on a second connection that follows the first (both of MariaDB's threads work);
 *   - then ANALYZE TABLE, so the optimizer's statistics describe the million rows.
 * Row i (1-based) is received `stepMs` after row i-1, the newest at `newestAt`; tenants cycle over
 * MILLION_TENANTS (i mod 10), parties over WAREHOUSE / DELIVERY (bit 1 of i), claim statuses over MILLION_CLAIM_STATUSES.
 * Stops with an error once `boundMs` has passed (the caller drops the database).
 */
export interface MillionSeedOptions {
  judgments: number;
  newestAt: Date;
  stepMs: number;
  claimEvery: number;
  packageEvery: number;
  packagesPer: number;
  /** work_order rows per INSERT (about 250 bytes each: 5,000 is ~1.3 MB, far below max_allowed_packet). */
  batch: number;
  /** Work-order ids per INSERT … SELECT of the derived tables. */
  derivedChunk: number;
  boundMs: number;
  log: (msg: string) => void;
}

export const MILLION_TENANTS = ['MAOCHAO', '天猫国际', 'TMALL_HK', 'TAOBAO', 'LAZADA', 'DARAZ', 'TRENDYOL', 'ALIEXPRESS', 'MIRAVIA', 'FLIGGY'];
export const MILLION_PARTIES = ['WAREHOUSE', 'DELIVERY'];
export const MILLION_CLAIM_STATUSES = ['pending', 'submitted', 'completed', 'dead'];
/** The statuses whose claims hold a platform claim id (the platform took them). */
export const MILLION_FILED_STATUSES = ['submitted', 'completed'];

export interface MillionSeeded {
  rows: Record<string, number>;
  /** Wall time of each phase and in all (ms). */
  workOrdersMs: number;
  derivedMs: number;
  analyzeMs: number;
  totalMs: number;
}

const utcText = (d: Date) => d.toISOString().replace('T', ' ').replace('Z', '');
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** The received time of row i (1-based). */
export function millionReceivedAt(opts: Pick<MillionSeedOptions, 'judgments' | 'newestAt' | 'stepMs'>, i: number): Date {
  return new Date(opts.newestAt.getTime() - (opts.judgments - i) * opts.stepMs);
}

/** The waybill number of row i, as the revision stores it. */
export const millionWaybill = (i: number) => `75${String(i).padStart(12, '0')}`;

/** The platform's claim id of work order i's claim, when it is filed. */
const PLATFORM_CLAIM_ID_PREFIX = 'PCL';
export const millionPlatformClaimId = (i: number) => `${PLATFORM_CLAIM_ID_PREFIX}${i}`;

/** Work order i's claim (every `claimEvery`-th): its status, platform and amount, as the seed's SQL makes them. */
export function millionClaimOf(opts: Pick<MillionSeedOptions, 'claimEvery'>, i: number): { status: string; platform: string; amountMinor: number } | null {
  if (i % opts.claimEvery !== 0) return null;
  return {
    status: MILLION_CLAIM_STATUSES[Math.floor(i / opts.claimEvery) % MILLION_CLAIM_STATUSES.length],
    platform: i % 2 === 0 ? 'glitzcloud' : 'duobaoyu',
    amountMinor: 1000 + (i % 997),
  };
}

/** `writer` writes the work orders; `follower` derives the other tables from them, range by range. */
export async function seedMillion(writer: Connection, follower: Connection, opts: MillionSeedOptions): Promise<MillionSeeded> {
  const started = Date.now();
  const deadline = started + opts.boundMs;
  let followerFailed = false;
  const check = () => {
    if (followerFailed) throw new Error('seeding stopped: the derived tables failed');
    if (Date.now() > deadline) throw new Error(`seeding stopped: it took longer than its bound of ${opts.boundMs / 1000} s`);
  };
  const N = opts.judgments;
  const party = MILLION_PARTIES.map((p) => `'${p}'`);
  const tenant = MILLION_TENANTS.map((t) => `'${t}'`);

  let workOrdersMs = 0;
  // Ranges of work-order ids committed by the writer, taken by the follower.
  const ready: Array<[number, number]> = [];
  let writerDone = false;
  let wake: (() => void) | null = null;
  const signal = () => {
    wake?.();
    wake = null;
  };

  const writeWorkOrders = async () => {
    try {
      let pending = 1;
      for (let start = 1; start <= N; start += opts.batch) {
        check();
        const end = Math.min(N, start + opts.batch - 1);
        const rows: string[] = [];
        for (let i = start; i <= end; i++) {
          const at = utcText(millionReceivedAt(opts, i));
          rows.push(
            `(${i},'${sha256(`H:id:${i}`)}',${tenant[i % tenant.length]},'TMALL_H${i}','${at}',1,'${sha256(`H:content:${i}`)}',${party[(i >> 1) % party.length]},'${at}','${at}',1)`,
          );
        }
        await writer.query(
          'INSERT INTO work_order (id, identityKey, tenantId, externalOrderId, receivedAt, latestRevision, latestContentHash, responsibilityParty, updatedAt, latestPushedAt, revisionCount) VALUES ' +
            rows.join(','),
        );
        while (end - pending + 1 >= opts.derivedChunk || (end === N && pending <= N)) {
          const last = Math.min(end, pending + opts.derivedChunk - 1);
          ready.push([pending, last]);
          pending = last + 1;
          signal();
        }
      }
      workOrdersMs = Date.now() - started;
    } finally {
      writerDone = true;
      signal();
    }
  };

  const money = (minor: string) => `CONCAT(FLOOR(${minor} / 100), '.', LPAD(${minor} % 100, 2, '0'))`;
  const claimMinor = '(1000 + w.id % 997)';
  const paymentMinor = `(${claimMinor} - IF(w.id % 7 = 0, 1, 0))`;
  const warehouse = `w.responsibilityParty = 'WAREHOUSE'`;
  const revisionSql =
    'INSERT INTO judgment_revision (workOrderId, revision, rawPushId, receivedAt, pushedAt, contentHash, currency, packageCount, bizType, workOrderType, lpCode, ' +
    'sourceSystem, creatorRole, creatorDomain, creatorId, description, logisticsOrderNo, externalOrderId, waybillNo, tenantId, claimInfoUnitPriceText, ' +
    'claimInfoUnitPriceMinor, claimInfoExceedsMaxCompensation, claimInfoExpectedUnitPriceText, claimInfoExpectedUnitPriceMinor, claimInfoUnitPriceCurrency, ' +
    'claimInfoTotalQty, claimInfoComplaintQty, claimInfoGoodsId, claimInfoGoodsName, claimInfoClaimAmountText, claimInfoClaimAmountFen, ' +
    'claimInfoClaimUnitPriceText, claimInfoClaimUnitPriceMinor, claimInfoClaimAmountCurrency, established, responsibilityWaybillNo, deliveryRatioText, ' +
    'deliveryRatioBp, warehouseRatioText, warehouseRatioBp, responsibilityParty, claimAmountText, claimAmountMinor, judgeReason, compensationType, payee, ' +
    'paymentFlowNo, paymentChargeTime, paymentAmountText, paymentAmountMinor, paymentStatus, paymentCreateTime) ' +
    `SELECT w.id, 1, 0, w.receivedAt, w.receivedAt, w.latestContentHash, 'CNY', IF(w.id % ${opts.packageEvery} = 0, ${opts.packagesPer}, 0), 'EXPIRATION_PROBLEM', 2, ` +
    `CONCAT('LP', w.id, 'CN'), 4, 1, '83', 'CN_USER_10001', '直判:仓内临期问题,建议赔付并结案。', CONCAT('LOGI_H', w.id), w.externalOrderId, ` +
    `CONCAT('75', LPAD(w.id, 12, '0')), w.tenantId, '0', 0, 0, '0', 0, 'CNY', 1, 1, 'SKU_10001', '某品牌牛奶 250ml*12', '749', 749, '0', 0, 'CNY', 1, ` +
    `CONCAT('75', LPAD(w.id, 12, '0')), IF(${warehouse}, '0', '100'), IF(${warehouse}, 0, 10000), IF(${warehouse}, '100', '0'), IF(${warehouse}, 10000, 0), ` +
    `w.responsibilityParty, ${money(claimMinor)}, ${claimMinor}, '仓内拣选导致临期', 'REFUND', 'CN_USER_10001', CONCAT('PAY_H', w.id), NULL, ` +
    `${money(paymentMinor)}, ${paymentMinor}, 'SUCCESS', NULL FROM work_order w WHERE w.id BETWEEN ? AND ?`;
  const statuses = MILLION_CLAIM_STATUSES.map((s) => `'${s}'`).join(', ');
  const claimStatus = `ELT(1 + (w.id DIV ${opts.claimEvery}) % ${MILLION_CLAIM_STATUSES.length}, ${statuses})`;
  const filed = MILLION_FILED_STATUSES.map((s) => `'${s}'`).join(', ');
  const claimSql =
    'INSERT INTO claim (workOrderId, route, platform, status, revision, amountMinor, currency, fields, attempts, nextAttemptAt, mayExistOnPlatform, createdAt, updatedAt, plannedAmountMinor, plannedCurrency, platformClaimId) ' +
    `SELECT w.id, 'bench-route', IF(w.id % 2 = 0, 'glitzcloud', 'duobaoyu'), ${claimStatus}, ` +
    `1, ${claimMinor}, 'CNY', '{}', IF(${claimStatus} = 'pending', 0, 1), NULL, 0, ` +
    `w.receivedAt, w.receivedAt + INTERVAL 1 MINUTE, ${claimMinor}, 'CNY', IF(${claimStatus} IN (${filed}), CONCAT('${PLATFORM_CLAIM_ID_PREFIX}', w.id), NULL) ` +
    `FROM work_order w WHERE w.id BETWEEN ? AND ? AND w.id % ${opts.claimEvery} = 0`;
  const eventSql =
    'INSERT INTO claim_event (claimId, fromStatus, toStatus, source, reason, payload, createdAt) ' +
    `SELECT c.id, 'pending', 'submitted', 'dispatcher', 'sent to the platform', NULL, c.updatedAt FROM claim c ` +
    `WHERE c.workOrderId BETWEEN ? AND ? AND c.route = 'bench-route' AND c.status = 'submitted'`;
  const seqs = Array.from({ length: opts.packagesPer }, (_, s) => `SELECT ${s} AS seq`).join(' UNION ALL ');
  const packageSql =
    'INSERT INTO responsibility_package (revisionId, seq, workOrderId, packageNo) ' +
    `SELECT r.id, s.seq, r.workOrderId, CONCAT('PK', LPAD(r.workOrderId, 12, '0'), '-', s.seq) FROM judgment_revision r JOIN (${seqs}) s ` +
    `WHERE r.workOrderId BETWEEN ? AND ? AND r.workOrderId % ${opts.packageEvery} = 0 AND r.revision = 1`;

  const derive = async () => {
    try {
      await deriveRanges();
    } catch (err) {
      followerFailed = true;
      throw err;
    }
  };
  const deriveRanges = async () => {
    for (;;) {
      const range = ready.shift();
      if (!range) {
        if (writerDone) {
          return;
        }
        await new Promise<void>((resolve) => (wake = resolve));
        continue;
      }
      check();
      for (const sql of [revisionSql, claimSql, eventSql, packageSql]) await follower.query(sql, range);
    }
  };

  opts.log(`H seeding ${N.toLocaleString('en-US')} judgments: work orders in INSERTs of ${opts.batch.toLocaleString('en-US')}, the rest by INSERT … SELECT per ${opts.derivedChunk.toLocaleString('en-US')} ids`);
  const progress = setInterval(() => opts.log(`  seeding… ${((Date.now() - started) / 1000).toFixed(0)} s, ${ready.length} ranges waiting`), 30_000);
  try {
    await Promise.all([writeWorkOrders(), derive()]);
  } finally {
    clearInterval(progress);
  }
  const derivedMs = Date.now() - started;
  const analyzeStarted = Date.now();
  const tables = ['work_order', 'judgment_revision', 'claim', 'claim_event', 'responsibility_package'];
  for (const table of tables) await writer.query(`ANALYZE TABLE \`${table}\``);
  const analyzeMs = Date.now() - analyzeStarted;
  const rows: Record<string, number> = {};
  for (const table of tables) {
    const [r] = await writer.query(`SELECT COUNT(*) AS n FROM \`${table}\``);
    rows[table] = Number((r as Array<{ n: number }>)[0].n);
  }
  return { rows, workOrdersMs, derivedMs, analyzeMs, totalMs: Date.now() - started };
}
