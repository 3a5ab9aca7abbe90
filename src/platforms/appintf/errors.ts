/** appintf `status` codes (the app's wiki page app/refund, 1 = ok; docs/platforms.md) → how dispatch handles them. */
import { type ErrorRule, type ErrorTable, type FailureOutcome, outcomeFromRule, UNKNOWN_CODE_RULE } from '../shared/error-rules';

export const APPINTF_ERROR_TABLE: ErrorTable = {
  '-1': {
    class: 'retryable',
    ambiguous: true,
    why: '请求失败, a back-end data operation error: transient, and it may have failed after storing the claim',
  },
  '-2': { class: 'terminal', why: '未登录: the session cookie expired or is wrong; an operator must renew sessionId, then retry' },
  '-3': { class: 'terminal', why: '非法请求: not a POST; our request is wrong, resending it cannot help' },
  '-4': { class: 'terminal', why: '验证出错: the signature check failed; the signer (config) must change' },
  '17': { class: 'rejected', why: '订单不存在: no such order for this account; the claim can never pass' },
  '18': { class: 'rejected', why: '当前的订单状态不支持取消: the order state does not allow this (cancel)' },
  '41': {
    class: 'retryable',
    ambiguous: true,
    why: '请勿重复提交: a submit within the last 3 s; retry later, after looking up whether the earlier submit was ours',
  },
  '50': { class: 'terminal', why: '赔付理由不能为空: cause or causeType empty; our request is wrong' },
  '51': { class: 'terminal', why: '赔付说明不能超过200字: cause too long; our request is wrong' },
  '52': { class: 'terminal', why: '赔付凭证照片不能为空: no proofs; our request is wrong' },
  '53': { class: 'rejected', why: '当前订单不能申请赔付: the order state does not allow a claim' },
  '54': {
    class: 'rejected',
    why: '不能修改赔付申请: a claim already exists for this order (possibly ours, after an ambiguous failure: lookupExisting finds it)',
  },
};

export function appintfErrorRule(code: string): ErrorRule {
  return APPINTF_ERROR_TABLE[code] ?? UNKNOWN_CODE_RULE;
}

export function appintfErrorOutcome(code: string, message: string): FailureOutcome {
  return outcomeFromRule(appintfErrorRule(code), code, message);
}
