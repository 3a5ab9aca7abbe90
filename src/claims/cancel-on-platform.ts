import type { Claim } from '../entities';
import { type PlatformCancel, platformEntry } from '../platforms';
import type { DuplicateAwareClient } from '../platforms/shared/lookup';

export type { PlatformCancel };

/**
 * Cancels a claim the platform already holds, where the platform lets us (its registry entry has a
 * `cancel`: appintf). The other platforms' specs have none: the claim is cancelled here only, and the note
 * says the platform still holds it. A claim not yet on the platform (pending, dead, rejected) needs no call.
 */
export async function cancelOnPlatform(clients: ReadonlyMap<string, DuplicateAwareClient> | undefined, claim: Claim): Promise<PlatformCancel> {
  if (claim.status !== 'submitted' && claim.status !== 'accepted') return { ok: true, step: { kind: 'not-on-platform' } };
  const cancel = platformEntry(claim.platform)?.cancel;
  if (!cancel) return { ok: true, step: { kind: 'here-only', platform: claim.platform, platformClaimId: claim.platformClaimId } };
  return cancel(clients?.get(claim.platform), claim);
}
