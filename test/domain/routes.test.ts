import { parseConfig } from '../../src/config/load';
import { claimAmountMinor, matchRoute, planClaims, resolveFields } from '../../src/domain/routes';
import { specExample } from '../support/qimen-push';

const route = (r: object) =>
  parseConfig({ qimen: { apps: [{ appKey: 'k', secret: 's' }] }, platforms: { appintf: { baseUrl: 'http://127.0.0.1:1', sessionId: 'x' } }, routes: [{ name: 'r', platform: 'appintf', ...r }] }).routes[0];

/** The spec's example with a real claim amount. */
const judgment = () => {
  const j = specExample();
  j.judgeResult.claimAmount = 89.9;
  j.judgeResult.warehouseRatio = 60;
  j.judgeResult.deliveryRatio = 40;
  return j;
};

describe('route matching', () => {
  it('matches a route without `when` keys', () => {
    expect(matchRoute(route({}), judgment()).matched).toBe(true);
  });

  it('matches when every given key matches', () => {
    expect(matchRoute(route({ when: { established: true, responsibilityParty: 'WAREHOUSE', tenantId: 'MAOCHAO' } }), judgment()).matched).toBe(true);
  });

  it('does not match when one key differs, and says which', () => {
    const m = matchRoute(route({ when: { established: true, responsibilityParty: 'DELIVERY' } }), judgment());
    expect(m.matched).toBe(false);
    expect(m.reasons).toContain('responsibilityParty does not match: wanted "DELIVERY", got "WAREHOUSE"');
  });

  it('matches a list of strings when it contains the value', () => {
    expect(matchRoute(route({ when: { bizType: ['DAMAGE', 'EXPIRATION_PROBLEM'] } }), judgment()).matched).toBe(true);
    expect(matchRoute(route({ when: { bizType: ['DAMAGE'] } }), judgment()).matched).toBe(false);
  });

  it('compares `established` as a boolean', () => {
    const j = judgment();
    j.judgeResult.established = false;
    expect(matchRoute(route({ when: { established: true } }), j).matched).toBe(false);
  });

  it('does not match a key the judgment lacks', () => {
    const { judgeResult: _absent, ...j } = judgment();
    expect(matchRoute(route({ when: { compensationType: 'REFUND' } }), j).matched).toBe(false);
  });
});

describe('claim amount', () => {
  it('is the whole judgeResult.claimAmount in fen without `share`', () => {
    expect(claimAmountMinor(route({}), judgment())).toBe(8990);
  });

  it('is 60% of 89.90 = 53.94 with share warehouseRatio', () => {
    expect(claimAmountMinor(route({ share: 'warehouseRatio' }), judgment())).toBe(5394);
  });

  it('rounds 33% of 10.05 half-up to 3.32', () => {
    const j = judgment();
    j.judgeResult.claimAmount = 10.05;
    j.judgeResult.deliveryRatio = 33;
    expect(claimAmountMinor(route({ share: 'deliveryRatio' }), j)).toBe(332);
  });

  it('is 0 when the share ratio is absent', () => {
    const j = judgment();
    delete j.judgeResult.deliveryRatio;
    expect(claimAmountMinor(route({ share: 'deliveryRatio' }), j)).toBe(0);
  });

  it('is null when the judgment has no claim amount', () => {
    const j = judgment();
    delete j.judgeResult.claimAmount;
    expect(claimAmountMinor(route({}), j)).toBeNull();
  });
});

describe('field templating', () => {
  it('resolves {path} placeholders against the judgment', () => {
    expect(resolveFields({ connect_order_sn: '{logisticsOrderNo}', problem_description: '{judgeResult.judgeReason} / {claimInfo.goodsId}' }, judgment())).toEqual({
      connect_order_sn: 'LOGI_202501010001',
      problem_description: '仓内拣选导致临期 / SKU_10001',
    });
  });

  it('resolves a missing value to an empty string', () => {
    expect(resolveFields({ memo: 'x{nothing.here}y' }, judgment())).toEqual({ memo: 'xy' });
  });

  it('keeps non-string values and resolves strings inside arrays and objects', () => {
    expect(resolveFields({ type: 1, ok: true, items: [{ sku: '{claimInfo.goodsId}', n: 1 }] }, judgment())).toEqual({
      type: 1, ok: true, items: [{ sku: 'SKU_10001', n: 1 }],
    });
  });

  it('keeps only the digits of a {path|digits} placeholder, and nothing of a missing one', () => {
    expect(resolveFields({ orderId: '{externalOrderId|digits}', memo: '[{nothing.here|digits}]', other: '{externalOrderId|upper}' }, judgment())).toEqual({
      orderId: '1234567890', memo: '[]', other: '{externalOrderId|upper}',
    });
  });

  it('prints a number value as its decimal text', () => {
    expect(resolveFields({ amount: '{judgeResult.claimAmount}' }, judgment())).toEqual({ amount: '89.9' });
  });
});

describe('planning claims', () => {
  it('does not call for a claim when the route\'s share is 0', () => {
    const j = judgment();
    j.judgeResult.deliveryRatio = 0;
    const [plan] = planClaims([route({ share: 'deliveryRatio' })], j);
    expect([plan.matched, plan.amountMinor]).toEqual([false, null]);
    expect(plan.reasons.at(-1)).toBe('deliveryRatio is 0: nothing to claim');
  });

  it('lists every route in order with its match, amount and fields', () => {
    const routes = parseConfig({
      qimen: { apps: [{ appKey: 'k', secret: 's' }] },
      platforms: { appintf: { baseUrl: 'http://127.0.0.1:1', sessionId: 'x' } },
      routes: [
        { name: 'wh', platform: 'appintf', when: { responsibilityParty: 'WAREHOUSE' }, share: 'warehouseRatio', fields: { orderId: '{externalOrderId}' } },
        { name: 'dl', platform: 'appintf', when: { responsibilityParty: 'DELIVERY' } },
      ],
    }).routes;
    expect(planClaims(routes, judgment())).toEqual([
      expect.objectContaining({ route: 'wh', matched: true, amountMinor: 5394, fields: { orderId: 'TMALL_1234567890' } }),
      expect.objectContaining({ route: 'dl', matched: false, amountMinor: null, fields: {} }),
    ]);
  });
});
