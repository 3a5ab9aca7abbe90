import { ClaimFacts, claimFlags, claimOutdated, judgmentFlags, overClaimed, paymentDiffers, reconciliationRules, settledDiffers, shareUncovered, unsettledStale } from '../../src/domain/reconciliation';
import type { RouteConfig } from '../../src/config/schema';

const NOW = new Date('2026-03-01T00:00:00Z');
const DAY = 86_400_000;
const route = (name: string, share?: 'warehouseRatio' | 'deliveryRatio') => ({ name, share, platform: 'glitzcloud', when: {}, fields: {} }) as RouteConfig;
const RULES = reconciliationRules([route('warehouse', 'warehouseRatio'), route('delivery', 'deliveryRatio'), route('whole')], 7, NOW);
const judgment = (over: Partial<Parameters<typeof paymentDiffers>[0]> = {}) => ({
  established: true as boolean | null, claimAmountMinor: 8990, currency: 'CNY', paymentAmountMinor: 8990, warehouseRatioBp: 10000, deliveryRatioBp: 0, outOfOrderCount: 0, subFenAmount: false, ...over,
});
const claim = (over: Partial<ClaimFacts> = {}): ClaimFacts => ({
  route: 'warehouse', status: 'pending', amountMinor: 8990, acceptedAmountMinor: null, submittedAt: null, resentBlindAt: null, currency: 'CNY', attempts: 0,
  plannedMatches: true, plannedAmountMinor: 8990, plannedCurrency: 'CNY', settledAmountMinor: null, agreedAt: null, ...over,
});

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
  it('never flags a judgment that is not established, whatever its ratios and amount', () => {
    expect(shareUncovered(judgment({ established: false, warehouseRatioBp: 6000, deliveryRatioBp: 3000 }), [], RULES)).toBe(false);
    expect(shareUncovered(judgment({ established: null, warehouseRatioBp: 6000, deliveryRatioBp: 3000 }), [], RULES)).toBe(true); // left out: not known false
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

describe('over-claimed', () => {
  it('flags live claims adding up to more than the judged amount', () => {
    expect(overClaimed(judgment({ claimAmountMinor: 4500 }), [claim({ amountMinor: 4500 }), claim({ route: 'whole', amountMinor: 1 })])).toBe(true);
    expect(overClaimed(judgment({ claimAmountMinor: 4500 }), [claim({ amountMinor: 4500 }), claim({ route: 'whole', amountMinor: 0 })])).toBe(false);
  });
  it.each([['cancelled'], ['rejected'], ['dead']])('does not count a %s claim', (status) => {
    expect(overClaimed(judgment({ claimAmountMinor: 4500 }), [claim({ amountMinor: 4500 }), claim({ route: 'whole', status, amountMinor: 4500 })])).toBe(false);
  });
  it('adds up per currency: a claim in another currency than the judgment\'s is over what was judged in it (nothing)', () => {
    expect(overClaimed(judgment({ claimAmountMinor: 4500 }), [claim({ amountMinor: 4000 }), claim({ route: 'whole', amountMinor: 400, currency: 'USD' })])).toBe(true);
  });
  it('flags a claim left standing after the judgment went to 0 (not established)', () => {
    expect(overClaimed(judgment({ established: false, claimAmountMinor: 0 }), [claim({ status: 'submitted', amountMinor: 4500 })])).toBe(true);
    expect(overClaimed(judgment({ claimAmountMinor: null }), [claim({ amountMinor: null })])).toBe(false);
  });
});

describe('claim-outdated', () => {
  const sent = (over: Partial<ClaimFacts>) => claim({ status: 'submitted', attempts: 1, amountMinor: 4500, plannedAmountMinor: 4500, ...over });
  it('flags a sent claim whose amount the latest revision no longer calls for', () => {
    expect(claimOutdated(sent({ plannedAmountMinor: 5500 }))).toBe(true);
    expect(claimOutdated(sent({ plannedAmountMinor: null }))).toBe(true);
    expect(claimOutdated(sent({ plannedCurrency: 'USD' }))).toBe(true);
  });
  it('flags a sent claim whose route the latest revision no longer matches', () => {
    expect(claimFlags(sent({ plannedMatches: false, plannedAmountMinor: null, plannedCurrency: null }), RULES)).toEqual(['claim-outdated']);
  });
  it('does not flag a claim called for as sent, one never sent, or a cancelled one', () => {
    expect(claimOutdated(sent({}))).toBe(false);
    expect(claimOutdated(sent({ attempts: 0, status: 'pending', plannedAmountMinor: 5500 }))).toBe(false);
    expect(claimOutdated(sent({ status: 'cancelled', plannedMatches: false }))).toBe(false);
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

describe('out-of-order', () => {
  it('flags a judgment once a revision was stored out of order, whatever its claims', () => {
    expect(judgmentFlags(judgment({ outOfOrderCount: 1 }), [claim()], RULES)).toEqual(['out-of-order']);
    expect(judgmentFlags(judgment({ outOfOrderCount: 0 }), [claim()], RULES)).toEqual([]);
  });
});

describe('judgment flags', () => {
  it('gathers its own flags and its claims\', each once, in a fixed order', () => {
    const j = judgment({ paymentAmountMinor: 1, warehouseRatioBp: 5000 });
    const claims = [claim({ status: 'dead' }), claim({ route: 'delivery', status: 'rejected', acceptedAmountMinor: 5 })];
    expect(judgmentFlags(j, claims, RULES)).toEqual(['payment-differs', 'share-uncovered', 'claim-failed', 'accepted-differs']);
    expect(judgmentFlags(judgment(), [claim()], RULES)).toEqual([]);
  });

  it('flags a judgment with an amount rounded from a fraction of a fen', () => {
    expect(judgmentFlags(judgment({ subFenAmount: true }), [claim()], RULES)).toEqual(['sub-fen-amount']);
  });
});

describe('settled-differs', () => {
  it.each([
    [8990, 8990, false],
    [8990, 8950, true],
    [8990, null, false], // nothing settled yet: unsettled-stale's business
    [8990, 0, true], // lines that add up to nothing
    [null, 0, false], // nothing claimed, nothing settled
    [8990, 9000, true],
  ])('claimed %p, settled %p → %p', (amountMinor, settledAmountMinor, flagged) => {
    expect(settledDiffers(claim({ amountMinor, settledAmountMinor }))).toBe(flagged);
  });
});

describe('unsettled-stale', () => {
  const rules = reconciliationRules([], 7, NOW, 30);
  it('knows since when an agreed claim with nothing settled is stale', () => {
    expect(rules.unsettledBefore.toISOString()).toBe('2026-01-30T00:00:00.000Z');
  });
  it.each([
    ['accepted', 31, null, true],
    ['completed', 31, null, true],
    ['accepted', 29, null, false],
    ['accepted', 31, 8990, false], // settled, whatever the amount
    ['submitted', 31, null, false],
    ['cancelled', 31, null, false],
  ])('%s %p days ago, settled %p → %p', (status, days, settledAmountMinor, flagged) => {
    const agreedAt = status === 'accepted' || status === 'completed' ? new Date(NOW.getTime() - (days as number) * DAY) : null;
    expect(unsettledStale(claim({ status: status as string, agreedAt, settledAmountMinor: settledAmountMinor as number | null }), rules)).toBe(flagged);
    expect(claimFlags(claim({ status: status as string, agreedAt, settledAmountMinor: settledAmountMinor as number | null, amountMinor: 8990 }), rules).includes('unsettled-stale')).toBe(flagged);
  });
});
