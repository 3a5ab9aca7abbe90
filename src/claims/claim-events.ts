import type { EntityManager } from 'typeorm';
import type { ClaimEventRow } from '../storage/claims/claim-changes';
import { insertClaimEvents } from '../storage/claims/claim-repository';

export type { EventSource } from '../storage/claims/claim-changes';

/** Records one change of a claim; `payload` is stored as JSON (callers pass it without secrets). */
export async function recordClaimEvent(em: EntityManager, e: ClaimEventRow): Promise<void> {
  await insertClaimEvents(em, [e]);
}
