import { canMove, platformUpdate } from '../../src/domain/claim-state';
import { CLAIM_STATUSES, ClaimStatus } from '../../src/entities/claim.entity';

const ALLOWED: Array<[ClaimStatus, ClaimStatus]> = [
  ['pending', 'pending'], ['pending', 'submitted'], ['pending', 'rejected'], ['pending', 'dead'], ['pending', 'cancelled'],
  ['submitted', 'accepted'], ['submitted', 'completed'], ['submitted', 'rejected'], ['submitted', 'cancelled'],
  ['accepted', 'completed'], ['accepted', 'rejected'], ['accepted', 'cancelled'],
  ['dead', 'pending'], ['dead', 'cancelled'],
  ['rejected', 'pending'], ['rejected', 'cancelled'],
];
const key = (from: string, to: string) => `${from}→${to}`;
const allowed = new Set(ALLOWED.map(([f, t]) => key(f, t)));
const ALL_PAIRS = CLAIM_STATUSES.flatMap((from) => CLAIM_STATUSES.map((to) => [from, to] as [ClaimStatus, ClaimStatus]));

describe('claim state machine', () => {
  it.each(ALLOWED)('allows %s → %s', (from, to) => {
    expect(canMove(from, to)).toBe(true);
  });

  it.each(ALL_PAIRS.filter(([f, t]) => !allowed.has(key(f, t))))('refuses %s → %s', (from, to) => {
    expect(canMove(from, to)).toBe(false);
  });

  it('never leaves completed or cancelled', () => {
    for (const to of CLAIM_STATUSES) {
      expect(canMove('completed', to)).toBe(false);
      expect(canMove('cancelled', to)).toBe(false);
    }
  });
});

describe('platform updates', () => {
  it('moves a submitted claim forward to accepted', () => {
    expect(platformUpdate('submitted', 'accepted')).toBe('move');
  });

  it('ignores an older status arriving after a newer one (accepted, then submitted)', () => {
    expect(platformUpdate('accepted', 'submitted')).toBe('ignore');
  });

  it('ignores anything after completion', () => {
    expect(platformUpdate('completed', 'accepted')).toBe('ignore');
    expect(platformUpdate('completed', 'rejected')).toBe('ignore');
  });

  it('treats a repeated status as the same, not a change', () => {
    expect(platformUpdate('accepted', 'accepted')).toBe('same');
  });

  it('never moves a claim back to pending', () => {
    expect(platformUpdate('submitted', 'pending')).toBe('ignore');
  });
});
