import { ClaimFacts, claimFlags, judgmentFlags, paymentDiffers, reconciliationRules, shareUncovered } from '../../src/domain/reconciliation';
import type { RouteConfig } from '../../src/config/schema';

const NOW = new Date('2026-03-01T00:00:00Z');
const DAY = 86_400_000;
const route = (name: string, share?: 'warehouseRatio' | 'deliveryRatio') => ({ name, share, platform: 'glitzcloud', when: {}, fields: {} }) as RouteConfig;
const RULES = reconciliationRules([route('warehouse', 'warehouseRatio'), route('delivery', 'deliveryRatio'), route('whole')], 7, NOW);
const judgment = (over: Partial<Parameters<typeof paymentDiffers>[0]> = {}) => ({
  claimAmountMinor: 8990, paymentAmountMinor: 8990, warehouseRatioBp: 10000, deliveryRatioBp: 0, ...over,
});
const claim = (over: Partial<ClaimFacts> = {}): ClaimFacts => ({ route: 'warehouse', status: 'pending', amountMinor: 8990, acceptedAmountMinor: null, submittedAt: null, resentBlindAt: null, ...over });

describe('reconciliation rules', () => {
  it('knows the whole-amount routes and when a submitted claim turns stale', () => {
    expect(RULES.wholeAmountRoutes).toEqual(['whole']);
    expect(RULES.staleBefore.toISOString()).toBe('2026-02-22T00:00:00.000Z');
  });
});

describe('payment-differs', () => {
  it.each([
    [8990, 8990, false],
    [8990, 8989, true],
    [8990, null, false], // nothing paid (recorded) yet
    [null, 100, true], // paid without a judged amount
    [0, 0, false],
  ])('claim %p, payment %p → %p', (claimAmountMinor, paymentAmountMinor, flagged) => {
    expect(paymentDiffers(judgment({ claimAmountMinor, paymentAmountMinor }))).toBe(flagged);
  });
});

describe('share-uncovered', () => {
  it('flags ratios under 100 when no whole-amount route has a live claim', () => {
    const j = judgment({ warehouseRatioBp: 6000, deliveryRatioBp: 3000 });
    expect(shareUncovered(j, [claim()], RULES)).toBe(true);
    expect(shareUncovered(j, [claim(), claim({ route: 'whole' })], RULES)).toBe(false);
    expect(shareUncovered(j, [claim({ route: 'whole', status: 'cancelled' })], RULES)).toBe(true);
    expect(shareUncovered(j, [claim({ route: 'whole', status: 'dead' })], RULES)).toBe(false); // covered, though failed: claim-failed says so
  });
  it('does not flag full shares, nothing to claim, or no ratios at all', () => {
    expect(shareUncovered(judgment({ warehouseRatioBp: 6000, deliveryRatioBp: 4000 }), [], RULES)).toBe(false);
    expect(shareUncovered(judgment({ warehouseRatioBp: 3333, deliveryRatioBp: 6666 }), [], RULES)).toBe(true); // 99.99 %
    expect(shareUncovered(judgment({ claimAmountMinor: 0, warehouseRatioBp: 0 }), [], RULES)).toBe(false);
    expect(shareUncovered(judgment({ claimAmountMinor: null, warehouseRatioBp: 0 }), [], RULES)).toBe(false);
    expect(shareUncovered(judgment({ warehouseRatioBp: null, deliveryRatioBp: null }), [], RULES)).toBe(false);
    expect(shareUncovered(judgment({ warehouseRatioBp: 5000, deliveryRatioBp: null }), [], RULES)).toBe(true);
  });
});

describe('claim flags', () => {
  it.each([['dead'], ['rejected']])('claim-failed for %s', (status) => {
    expect(claimFlags(claim({ status }), RULES)).toEqual(['claim-failed']);
  });
  it('submitted-stale only after the configured days, and only while submitted', () => {
    expect(claimFlags(claim({ status: 'submitted', submittedAt: new Date(NOW.getTime() - 8 * DAY) }), RULES)).toEqual(['submitted-stale']);
    expect(claimFlags(claim({ status: 'submitted', submittedAt: new Date(NOW.getTime() - 6 * DAY) }), RULES)).toEqual([]);
    expect(claimFlags(claim({ status: 'accepted', submittedAt: new Date(NOW.getTime() - 30 * DAY) }), RULES)).toEqual([]);
  });
  it('accepted-differs when the platform reports another amount', () => {
    expect(claimFlags(claim({ status: 'accepted', acceptedAmountMinor: 8000 }), RULES)).toEqual(['accepted-differs']);
    expect(claimFlags(claim({ status: 'accepted', acceptedAmountMinor: 8990 }), RULES)).toEqual([]);
    expect(claimFlags(claim({ amountMinor: null, acceptedAmountMinor: 1 }), RULES)).toEqual(['accepted-differs']);
    expect(claimFlags(claim({ status: 'completed' }), RULES)).toEqual([]);
  });
  it('resent-blind once dispatch sent the claim again blind, whatever became of it since', () => {
    for (const status of ['submitted', 'accepted', 'completed', 'cancelled']) {
      expect(claimFlags(claim({ status, submittedAt: NOW, resentBlindAt: NOW }), RULES)).toEqual(['resent-blind']);
    }
  });
  it('no flag for an ordinary claim', () => {
    for (const status of ['pending', 'submitted', 'accepted', 'completed', 'cancelled']) expect(claimFlags(claim({ status, submittedAt: NOW }), RULES)).toEqual([]);
  });
});

describe('judgment flags', () => {
  it('gathers its own flags and its claims\', each once, in a fixed order', () => {
    const j = judgment({ paymentAmountMinor: 1, warehouseRatioBp: 5000 });
    const claims = [claim({ status: 'dead' }), claim({ route: 'delivery', status: 'rejected', acceptedAmountMinor: 5 })];
    expect(judgmentFlags(j, claims, RULES)).toEqual(['payment-differs', 'share-uncovered', 'claim-failed', 'accepted-differs']);
    expect(judgmentFlags(judgment(), [claim()], RULES)).toEqual([]);
  });
});
