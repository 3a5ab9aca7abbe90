import { type DataSource, In, Not } from 'typeorm';
import { Claim } from '../entities';
import type { LookupContext } from '../platforms/shared/lookup';

/**
 * The look-up context of one claim: a platform record another claim of the platform already holds is
 * never its own (docs/http-contract.md: one platform record belongs to at most one claim).
 */
export function lookupContextFor(dataSource: DataSource, claim: Pick<Claim, 'id' | 'platform'>): LookupContext {
  return {
    async heldByOtherClaims(platformClaimIds) {
      if (platformClaimIds.length === 0) return new Set();
      const rows = await dataSource.getRepository(Claim).find({
        select: { platformClaimId: true },
        where: { platform: claim.platform, platformClaimId: In([...platformClaimIds]), id: Not(claim.id) },
      });
      return new Set(rows.map((r) => r.platformClaimId as string));
    },
  };
}
