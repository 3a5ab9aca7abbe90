import type { ClaimStatus } from '../entities/claim.entity';

/**
 * The claim state machine, written once. `pending → submitted → accepted → completed`, with `rejected`,
 * `cancelled` and `dead` on the side. Every status change anywhere goes through `canMove`.
 *
 *   pending   → submitted (the platform took it), rejected / dead (a terminal answer or the retry schedule
 *               spent), cancelled (by a new revision or an operator), pending (a retry is scheduled)
 *   submitted → accepted, completed, rejected (the platform's word), cancelled (operator, via the platform)
 *   accepted  → completed, rejected, cancelled
 *   dead      → pending (operator retry), cancelled
 *   rejected  → pending (operator retry), cancelled
 *   completed, cancelled: final
 */
const TRANSITIONS: Readonly<Record<ClaimStatus, readonly ClaimStatus[]>> = {
  pending: ['pending', 'submitted', 'rejected', 'dead', 'cancelled'],
  submitted: ['accepted', 'completed', 'rejected', 'cancelled'],
  accepted: ['completed', 'rejected', 'cancelled'],
  dead: ['pending', 'cancelled'],
  rejected: ['pending', 'cancelled'],
  completed: [],
  cancelled: [],
};

export const FINAL_STATUSES: readonly ClaimStatus[] = ['completed', 'cancelled'];

export function canMove(from: ClaimStatus, to: ClaimStatus): boolean {
  return TRANSITIONS[from].includes(to);
}

export class IllegalTransitionError extends Error {
  override readonly name = 'IllegalTransitionError';
  constructor(readonly from: ClaimStatus, readonly to: ClaimStatus) {
    super(`a claim cannot move from ${from} to ${to}`);
  }
}

export function assertMove(from: ClaimStatus, to: ClaimStatus): void {
  if (!canMove(from, to)) throw new IllegalTransitionError(from, to);
}

/**
 * How a platform's report (callback or poll) applies to a claim: `move` to a new status, `same` when it
 * only confirms the current one, or `ignore` when it would move the claim backwards or out of a final
 * state (a stale or out-of-order update). A platform never moves a claim back to `pending`.
 */
export function platformUpdate(current: ClaimStatus, reported: ClaimStatus): 'move' | 'same' | 'ignore' {
  if (reported === current) return 'same';
  if (reported === 'pending') return 'ignore';
  // A report of "submitted" for a claim still pending means the platform has it (a lost answer).
  return canMove(current, reported) ? 'move' : 'ignore';
}
