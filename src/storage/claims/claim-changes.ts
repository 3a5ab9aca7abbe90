import type { Worded } from '../../claims/claim-reasons';
import type { Claim } from '../../entities';

/** Who changed a claim, as its events say. */
export type EventSource = 'push' | 'dispatcher' | 'callback' | 'poll' | 'operator';

/** One change of a claim, as a claim_event row; `payload` is stored as JSON (callers pass it without secrets). */
export interface ClaimEventRow {
  claimId: number;
  from: string | null;
  to: string;
  source: EventSource;
  /** Why (src/claims/claim-reasons.ts): its id and params are stored beside the English text. */
  reason: Worded;
  payload?: unknown;
  at: Date;
}

/**
 * A change the claim rules call for, each written with its event: a new claim, an update of an existing
 * one (to `patch.status`, or its own status), or only an event noting something about it; `at` is the
 * event's time.
 */
export type ClaimChange = { at: Date } & (
  | { kind: 'create'; row: Partial<Claim>; reason: Worded }
  | { kind: 'update'; claim: Claim; patch: Partial<Claim>; reason: Worded }
  | { kind: 'note'; claim: Claim; reason: Worded }
  // Facts recorded on the claim without an event (what the latest revision calls for on its route).
  | { kind: 'record'; claim: Claim; patch: Partial<Claim> }
);

/**
 * The claim rules, as storing a judgment needs them: given the claims a work order has (read in the
 * judgment's transaction), the changes its new revision calls for.
 */
export type ClaimPlanner = (existing: readonly Claim[], revision: { workOrderId: number; revision: number }) => ClaimChange[];
