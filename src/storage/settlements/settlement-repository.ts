import { type DataSource, type EntityManager, In, type SelectQueryBuilder } from 'typeorm';
import { Claim, Settlement } from '../../entities';
import { groupBy } from '../../group-by';
import { rowInsert } from '../row-insert';

/**
 * The SQL of the settlement aggregate (statement lines). A line belongs to the claim of the same
 * platform, `platformClaimId` and currency: the claim's unique (platform, platformClaimId) makes that at
 * most one claim, and matching on read lets a line imported before its claim learnt the platform's id
 * match once it does.
 */

/** The join condition of settlement `s` to its claim `c`. */
export const SETTLES_CLAIM = (s: string, c: string) =>
  `${c}.platform = ${s}.platform AND ${c}.platformClaimId = ${s}.platformClaimId AND ${c}.currency = ${s}.currency`;

/** What the statement lines settle for one claim: their sum and the latest settled time. */
export interface SettledTotal {
  amountMinor: number;
  settledAt: Date;
}

/** The settled totals of these claims (claims without a platform id, or without a line, are absent). */
export async function settledTotals(dataSource: DataSource, claims: readonly Pick<Claim, 'id' | 'platform' | 'platformClaimId' | 'currency'>[]): Promise<Map<number, SettledTotal>> {
  const totals = new Map<number, SettledTotal>();
  const byPlatform = groupBy(claims.filter((c) => c.platformClaimId !== null), (c) => c.platform);
  for (const [platform, own] of byPlatform) {
    const claimOf = new Map(own.map((c) => [c.platformClaimId!, c]));
    const lines = await dataSource.getRepository(Settlement).find({
      where: { platform, platformClaimId: In([...claimOf.keys()]) },
      select: { platformClaimId: true, amountMinor: true, currency: true, settledAt: true },
    });
    for (const line of lines) {
      const claim = claimOf.get(line.platformClaimId);
      if (!claim || claim.currency !== line.currency) continue;
      const seen = totals.get(claim.id);
      totals.set(claim.id, {
        amountMinor: (seen?.amountMinor ?? 0) + line.amountMinor,
        settledAt: seen && seen.settledAt > line.settledAt ? seen.settledAt : line.settledAt,
      });
    }
  }
  return totals;
}

/** The claim a statement line could settle: its id, currency and amount. */
export type ClaimToSettle = Pick<Claim, 'id' | 'platform' | 'platformClaimId' | 'currency' | 'amountMinor'>;

/** The claims holding these platform ids on one platform, by platform id. */
export async function claimsByPlatformIds(em: EntityManager | DataSource, platform: string, platformClaimIds: readonly string[]): Promise<Map<string, ClaimToSettle>> {
  if (platformClaimIds.length === 0) return new Map();
  const claims = await em.getRepository(Claim).find({
    where: { platform, platformClaimId: In([...new Set(platformClaimIds)]) },
    select: { id: true, platform: true, platformClaimId: true, currency: true, amountMinor: true },
  });
  return new Map(claims.map((c) => [c.platformClaimId!, c]));
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
