import {
  ANSWER_PROBLEMS, CLAIM_REASON_IDS, CLAIM_REASONS, LAST_ERROR_IDS, LAST_ERRORS, lastErrorOf, PRECHECK_RULES, type PrecheckProblem, type Worded,
} from '../../src/claims/claim-reasons';
import type { PlannedClaim } from '../../src/domain/routes';

/**
 * The catalogue of the service's sentences about claims (src/claims/claim-reasons.ts): every function gives
 * an id of its list, params that are plain JSON, and the English text the reason and lastError columns kept.
 */
const plan = (over: Partial<PlannedClaim> = {}): PlannedClaim => ({
  route: 'warehouse-share', platform: 'glitzcloud', matched: true, amountMinor: 8990, fields: {}, zeroShare: null, fieldsTooLargeBytes: null,
  checks: [{ key: 'established', wanted: true, got: true, matches: true }], reasons: ['established matches: wanted true, got true'], ...over,
});
const on = { revision: 2, route: 'warehouse-share' };
const error = LAST_ERRORS.platformError('17', '订单不存在');

/** One sentence of each function of the catalogue, every branch. */
const REASONS: Worded[] = [
  CLAIM_REASONS.routeMatches(on, plan(), 'CNY'),
  CLAIM_REASONS.routeMatchesAgain(on, plan(), 'CNY'),
  CLAIM_REASONS.routeNoLongerMatches(on, plan({ matched: false, zeroShare: 'deliveryRatio' })),
  CLAIM_REASONS.unsentClaimChanged(2, { amountMinor: 8990, currency: 'CNY' }, { amountMinor: 1000, currency: 'CNY' }, true),
  CLAIM_REASONS.sentWouldClaim(2, 1000, 'CNY'),
  CLAIM_REASONS.sentNoLongerMatches(2),
  CLAIM_REASONS.attemptSubmitted(1, 'G-1', 'appintf'),
  CLAIM_REASONS.attemptFound(2, 'G-1'),
  CLAIM_REASONS.attemptTerminal(1, error, true),
  CLAIM_REASONS.attemptTerminal(1, error, false),
  CLAIM_REASONS.attemptRetryable(1, error, 30_000),
  CLAIM_REASONS.attemptRetryable(8, error, null),
  CLAIM_REASONS.answerReports('3', 'accepted'),
  CLAIM_REASONS.pollReports('APPROVED', 'accepted'),
  CLAIM_REASONS.shopexSucc('AS-1', '1'),
  CLAIM_REASONS.shopexFail('e00090', '订单不存在'),
  CLAIM_REASONS.duobaoyuPush('P-1', 'D-1', 'FINISH'),
  CLAIM_REASONS.operatorRetried('fin-op'),
  CLAIM_REASONS.operatorCancelled('fin-op', { kind: 'not-on-platform' }),
  CLAIM_REASONS.operatorCancelled('fin-op', { kind: 'here-only', platform: 'glitzcloud', platformClaimId: null }),
  CLAIM_REASONS.operatorCancelled('fin-op', { kind: 'on-platform', platform: 'appintf', platformClaimId: 'R-1' }),
  CLAIM_REASONS.cliRetried('ops'),
];

const PROBLEMS: PrecheckProblem[] = [
  { rule: 'required' }, { rule: 'not-text' }, { rule: 'not-integer' }, { rule: 'not-list' }, { rule: 'not-object' }, { rule: 'not-boolean' },
  { rule: 'attachments-shape' }, { rule: 'needs-positive-amount' }, { rule: 'too-long', length: 300, max: 255 },
  { rule: 'not-one-of', allowed: ['1', '2'], got: '7' }, { rule: 'out-of-range', min: 1, max: null, got: 0 },
  { rule: 'required-unless', otherField: 'afterSaleType', otherValue: '4' }, { rule: 'not-datetime', format: 'yyyy-MM-dd HH:mm:ss' },
];
const LAST_ERROR_SAMPLES = [
  error, ...PROBLEMS.map((p) => LAST_ERRORS.precheck('orderId', p)), LAST_ERRORS.connectFailed('ECONNREFUSED: connect ECONNREFUSED 127.0.0.1:9'),
  LAST_ERRORS.timeout('UND_ERR_HEADERS_TIMEOUT: Headers Timeout Error'), LAST_ERRORS.network('socket hang up'), LAST_ERRORS.responseTooLarge(1024),
  LAST_ERRORS.httpStatus(503, '<html>busy</html>'), LAST_ERRORS.unreadableAnswer(200, { problem: 'not-json', answer: 'oops' }),
  LAST_ERRORS.unreadableAnswer(404, { problem: 'missing', field: 'rsp' }), LAST_ERRORS.unreadableAnswer(200, { problem: 'mismatch', field: 'refundId', answered: '2', asked: '1' }),
  LAST_ERRORS.refundExistsNotOurs('54', '已存在退款'), LAST_ERRORS.refundExistsUnknown('54', '已存在退款', 'read failed'),
  LAST_ERRORS.platformNotConfigured('shopex'), LAST_ERRORS.lookupFailed('list failed'),
];

describe('the catalogue of claim reasons and lastErrors', () => {
  it('gives every claim reason id of its list, each at least once', () => {
    expect([...new Set(REASONS.map((r) => r.id))].sort()).toEqual([...CLAIM_REASON_IDS].sort());
  });

  it('gives every lastError id of its list, each at least once, and every precheck rule and answer problem', () => {
    expect([...new Set(LAST_ERROR_SAMPLES.map((e) => e.id))].sort()).toEqual([...LAST_ERROR_IDS].sort());
    expect(PROBLEMS.map((p) => p.rule).sort()).toEqual([...PRECHECK_RULES].sort());
    expect(ANSWER_PROBLEMS).toEqual(['not-json', 'missing', 'mismatch']);
  });

  it('keeps params as plain JSON: they read back as they were stored', () => {
    for (const sentence of [...REASONS, ...LAST_ERROR_SAMPLES]) expect(JSON.parse(JSON.stringify(sentence.params))).toEqual(sentence.params);
  });

  it('keeps the English sentences the reason column always had', () => {
    expect(REASONS.map((r) => r.text)).toEqual([
      'revision 2 matches route warehouse-share (established matches: wanted true, got true); amount 89.90 CNY',
      'revision 2 matches route warehouse-share again; amount 89.90 CNY',
      'revision 2 no longer matches route warehouse-share: established matches: wanted true, got true',
      'revision 2 changed the unsent claim: amount 89.90 CNY → 10.00 CNY, fields changed',
      'revision 2 would claim 10.00 CNY, but the claim was already sent: not filed again',
      'revision 2 no longer matches, but the claim was already sent: not filed again',
      'attempt 1: the platform took the claim (G-1); sent again after an attempt that may have reached appintf: check it holds one claim, not two',
      'attempt 2: the platform already holds this claim (G-1); not sent again',
      'attempt 1: rejected by the platform: 17 订单不存在',
      'attempt 1: can never succeed: 17 订单不存在',
      'attempt 1: 17 订单不存在; next try in 30 s',
      'attempt 8: 17 订单不存在; retry schedule spent',
      "the platform's answer reports 3 (accepted)",
      'poll: the platform reports APPROVED (accepted)',
      'ShopEx callback: succ, after-sale AS-1 status 1',
      'ShopEx callback: fail e00090 订单不存在',
      'Duobaoyu push P-1: after-sale D-1 is FINISH',
      'retried by operator fin-op',
      'cancelled by operator fin-op: not on the platform',
      'cancelled by operator fin-op: cancelled here only: glitzcloud has no cancel API; it still holds the claim',
      'cancelled by operator fin-op: cancelled on appintf (refund R-1)',
      'retried by ops (CLI retry-dead)',
    ]);
  });

  it('amounts a reason carries are decimal strings beside their currency, never floats', () => {
    expect(REASONS[3].params).toMatchObject({ fromAmount: '89.90', fromCurrency: 'CNY', amount: '10.00', currency: 'CNY' });
  });

  it('keeps a platform\'s own code and words verbatim in a lastError\'s params and text', () => {
    expect(error).toEqual({ id: 'platform-error', params: { code: '17', message: '订单不存在' }, code: '17', message: '订单不存在', text: '17: 订单不存在' });
  });

  it('writes a precheck failure as `precheck:<field>: …`, with the rule as params', () => {
    expect(LAST_ERRORS.precheck('title', { rule: 'too-long', length: 300, max: 255 })).toMatchObject({
      id: 'precheck', params: { field: 'title', rule: 'too-long', length: 300, max: 255 },
      text: "precheck:title: title is 300 characters, more than the platform's limit of 255",
    });
  });

  it('takes a failure outcome without words of the service as the platform\'s own', () => {
    expect(lastErrorOf({ code: '4007', message: 'runtime error' }).id).toBe('platform-error');
    expect(lastErrorOf({ code: 'timeout', message: 'x', words: LAST_ERRORS.timeout('x') }).id).toBe('timeout');
  });
});
