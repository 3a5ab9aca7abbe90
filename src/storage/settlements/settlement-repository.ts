import { type DataSource, type EntityManager, In, type SelectQueryBuilder } from 'typeorm';
import { Claim, Settlement } from '../../entities';
import { rowInsert } from '../row-insert';
import { sqlName } from '../sql-name';
import { isSqlite } from '../transactions';

/**
 * The SQL of the settlement aggregate (statement lines). A line belongs to the claim of the same
 * platform, `platformClaimId` and currency: the claim's unique (platform, platformClaimId) makes that at
 * most one claim. Each claim keeps what its lines settle (settledAmountMinor, settledAt), written in the
 * transaction that stores lines and in the one that gives a claim its platform id or currency, so a line
 * imported before its claim learnt the platform's id counts once it does.
 */

/** The join condition of settlement `s` to its claim `c`. */
export const SETTLES_CLAIM = (s: string, c: string) =>
  `${c}.platform = ${s}.platform AND ${c}.platformClaimId = ${s}.platformClaimId AND ${c}.currency = ${s}.currency`;

/** The claim a statement line could settle: its id, currency, amount and what its stored lines settle. */
export type ClaimToSettle = Pick<Claim, 'id' | 'platform' | 'platformClaimId' | 'currency' | 'amountMinor' | 'settledAmountMinor' | 'settledAt'>;

const CLAIM_TO_SETTLE = { id: true, platform: true, platformClaimId: true, currency: true, amountMinor: true, settledAmountMinor: true, settledAt: true } as const;

/**
 * The claims holding these platform ids on one platform, by platform id. `forUpdate` (an import's
 * transaction, MySQL/MariaDB): the claims found stay locked until the transaction ends, and so does the room
 * for the ids not found (gap locks of the unique (platform, platformClaimId) index), so a claim cannot learn
 * one of these ids until the import's lines are committed; it then reads them (settleFromStoredLines).
 */
export async function claimsByPlatformIds(em: EntityManager | DataSource, platform: string, platformClaimIds: readonly string[], opts: { forUpdate: boolean }): Promise<Map<string, ClaimToSettle>> {
  if (platformClaimIds.length === 0) return new Map();
  const lock = opts.forUpdate && !isSqlite('connection' in em ? em.connection : em) ? { lock: { mode: 'pessimistic_write' as const } } : {};
  const claims = await em.getRepository(Claim).find({ where: { platform, platformClaimId: In([...new Set(platformClaimIds)]) }, select: CLAIM_TO_SETTLE, ...lock });
  return new Map(claims.map((c) => [c.platformClaimId!, c]));
}

/** What newly stored lines add to one claim (locked by claimsByPlatformIds in the same transaction). */
export interface SettledAddition {
  claim: ClaimToSettle;
  amountMinor: number;
  latestAt: Date;
}

/** Adds newly stored lines to their claims' settled totals, in one UPDATE inside the caller's transaction. */
export async function addToSettledTotals(em: EntityManager, additions: readonly SettledAddition[]): Promise<void> {
  await writeSettledTotals(em, additions.map(({ claim, amountMinor, latestAt }) => ({
    id: claim.id,
    amountMinor: (claim.settledAmountMinor ?? 0) + amountMinor,
    at: claim.settledAt && claim.settledAt > latestAt ? claim.settledAt : latestAt,
  })));
}

/**
 * Sets a claim's settled total from the lines stored for its platform, platformClaimId and currency, after
 * the caller's transaction gave it a platform id or another currency. The lines are read with a locking
 * read (MySQL/MariaDB): the newest committed ones, waiting for an import writing lines of that id.
 */
export async function settleFromStoredLines(em: EntityManager, claimId: number): Promise<void> {
  const claim = await em.findOne(Claim, { where: { id: claimId }, select: { id: true, platform: true, platformClaimId: true, currency: true, settledAmountMinor: true, settledAt: true } });
  if (!claim) return;
  let amountMinor: number | null = null;
  let at: Date | null = null;
  if (claim.platformClaimId !== null) {
    const qb = em.getRepository(Settlement).createQueryBuilder('s')
      .select(['s.id', 's.amountMinor', 's.settledAt'])
      .where('s.platform = :platform AND s.platformClaimId = :platformClaimId AND s.currency = :currency', claim);
    if (!isSqlite(em.connection)) qb.setLock('pessimistic_read');
    for (const line of await qb.getMany()) {
      amountMinor = (amountMinor ?? 0) + line.amountMinor;
      if (at === null || line.settledAt > at) at = line.settledAt;
    }
  }
  // Most claims learn their platform id before any line of it is stored: nothing then changes.
  if (amountMinor === claim.settledAmountMinor && at?.getTime() === claim.settledAt?.getTime()) return;
  await em.update(Claim, { id: claimId }, { settledAmountMinor: amountMinor, settledAt: at });
}

/** Writes settled totals, several claims in one UPDATE (a CASE per column), values converted as the driver stores them. */
async function writeSettledTotals(em: EntityManager, totals: readonly { id: number; amountMinor: number; at: Date }[]): Promise<void> {
  if (totals.length === 0) return;
  if (!em.queryRunner) throw new Error('settled totals are written inside a transaction');
  const meta = em.connection.getMetadata(Claim);
  const atColumn = meta.findColumnWithPropertyName('settledAt')!;
  const q = (name: string) => sqlName(em, name);
  const cases = totals.map(() => 'WHEN ? THEN ?').join(' ');
  const sql = `UPDATE ${q(meta.tableName)} SET ${q('settledAmountMinor')} = CASE ${q('id')} ${cases} END, ${q('settledAt')} = CASE ${q('id')} ${cases} END`
    + ` WHERE ${q('id')} IN (${totals.map(() => '?').join(', ')})`;
  const params = [
    ...totals.flatMap((t) => [t.id, t.amountMinor]),
    ...totals.flatMap((t) => [t.id, em.connection.driver.preparePersistentValue(t.at, atColumn)]),
    ...totals.map((t) => t.id),
  ];
  await em.queryRunner.query(sql, params);
}

/** The lines already stored of one platform among these references. */
export async function storedReferences(em: EntityManager | DataSource, platform: string, references: readonly string[]): Promise<Set<string>> {
  if (references.length === 0) return new Set();
  const rows = await em.getRepository(Settlement).find({ where: { platform, reference: In([...new Set(references)]) }, select: { reference: true } });
  return new Set(rows.map((r) => r.reference));
}

/** Inserts statement lines in one statement, inside the caller's transaction. */
export async function insertSettlements(em: EntityManager, rows: readonly Omit<Settlement, 'id'>[]): Promise<void> {
  await rowInsert(em.connection, Settlement).insert(em, rows);
}

/** The filters of GET /api/settlements. */
export interface SettlementFilter {
  platform?: string;
  from?: Date;
  to?: Date;
  /** Only lines no claim holds (true), only lines a claim holds (false), or both (undefined). */
  unmatched?: boolean;
}

/** One page of statement lines, newest first by id, each with the id of the claim it settles (or null). */
export async function settlementPage(dataSource: DataSource, filter: SettlementFilter, beforeId: number | null, limit: number) {
  const qb: SelectQueryBuilder<Settlement> = dataSource
    .getRepository(Settlement)
    .createQueryBuilder('s')
    .leftJoin(Claim, 'c', SETTLES_CLAIM('s', 'c'))
    .addSelect('c.id', 'claimId')
    .orderBy('s.id', 'DESC')
    .limit(limit);
  if (filter.platform) qb.andWhere('s.platform = :platform', { platform: filter.platform });
  if (filter.from) qb.andWhere('s.settledAt >= :from', { from: filter.from });
  if (filter.to) qb.andWhere('s.settledAt < :to', { to: filter.to });
  if (filter.unmatched === true) qb.andWhere('c.id IS NULL');
  if (filter.unmatched === false) qb.andWhere('c.id IS NOT NULL');
  if (beforeId !== null) qb.andWhere('s.id < :beforeId', { beforeId });
  const { entities, raw } = await qb.getRawAndEntities<{ s_id: number | string; claimId: number | string | null }>();
  const claimOf = new Map(raw.map((r) => [Number(r.s_id), r.claimId === null ? null : Number(r.claimId)]));
  return entities.map((line) => ({ line, claimId: claimOf.get(line.id) ?? null }));
}
