/**
 * Duobaoyu's status push (docs/signing.md, "Duobaoyu"): a JSON POST to our callback URL with `id`
 * (the idempotency key), `pushTime`, the event fields and `sign`; we answer the plain text `SUCCESS` once
 * the push is stored, and Duobaoyu retries up to 8 times until it gets that.
 *
 * ASSUMED, since no push spec is public:
 * - the field names: `id`, `pushTime` (13-digit epoch ms), `afterSaleOrderId` (as `apply` answers it) and
 *   `afterSaleStatus` (the state's name, e.g. 待审核; see statuses.ts);
 * - the sign: over every body field except `sign`, by the request rule (nulls dropped at every depth, keys
 *   sorted byte-wise, `key=value` joined with `&`, objects as JSON, `&appSecret=<secret>` appended, upper
 *   MD5), but with NO system params (`method`, `appKey`, `timestamp`, `version` are not merged in: a push
 *   has no query). That rule is one named strategy, {@link signPushLikeRequestsWithoutSystemParams};
 *   pass another {@link DuobaoyuPushSignStrategy} to swap it.
 */
import {
  appendAppSecretParam, type DuobaoyuSecretStrategy, type DuobaoyuSystemParams, signDuobaoyu,
} from '../../verify/duobaoyu-sign';
import { signaturesEqual } from '../../verify/constant-time';
import { asRecord, scalarText } from '../shared/transport-errors';

/** The push's fields we act on. */
export interface DuobaoyuPush {
  /** The push's idempotency key: a repeat carries the same id. */
  id: string;
  afterSaleOrderId: string;
  /** `afterSaleStatus` as sent (map it with duobaoyuClaimStatus). */
  state: string;
  /** `pushTime` in epoch ms, or null when absent or not a 13-digit time. */
  pushTime: number | null;
}

/** The field that carries the sign; every other field is signed. */
export const DUOBAOYU_PUSH_SIGN_FIELD = 'sign';

/** The plain-text answer that stops Duobaoyu's retries. */
export const DUOBAOYU_PUSH_SUCCESS = 'SUCCESS';

/** Computes a push's sign from its fields (`sign` already removed) and the app secret. */
export type DuobaoyuPushSignStrategy = (unsigned: Readonly<Record<string, unknown>>, appSecret: string) => string;

/**
 * The request rule (src/verify/duobaoyu-sign.ts) over the body alone. `signDuobaoyu` merges the system
 * params into the body before the rule; an empty set of them leaves exactly the body.
 */
const NO_SYSTEM_PARAMS = {} as DuobaoyuSystemParams;

/** ASSUMED default: the request rule without system params; the secret appended as `&appSecret=…`. */
export const signPushLikeRequestsWithoutSystemParams: DuobaoyuPushSignStrategy = (unsigned, appSecret) =>
  signDuobaoyu(NO_SYSTEM_PARAMS, unsigned, appSecret, appendAppSecretParam);

/** The same rule with another way of appending the secret (the request client's `appendSecret` option). */
export function pushSignStrategyWith(appendSecret: DuobaoyuSecretStrategy): DuobaoyuPushSignStrategy {
  return (unsigned, appSecret) => signDuobaoyu(NO_SYSTEM_PARAMS, unsigned, appSecret, appendSecret);
}

function withoutSign(body: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const { [DUOBAOYU_PUSH_SIGN_FIELD]: _dropped, ...rest } = body;
  return rest;
}

/** The sign of a push body: over every field except `sign`. */
export function signDuobaoyuPush(
  body: Record<string, unknown>,
  appSecret: string,
  strategy: DuobaoyuPushSignStrategy = signPushLikeRequestsWithoutSystemParams,
): string {
  return strategy(withoutSign(body), appSecret);
}

/** True when `body.sign` is the sign of the other fields (hex case-insensitive), compared in constant time. */
export function verifyDuobaoyuPush(
  body: Record<string, unknown>,
  appSecret: string,
  strategy: DuobaoyuPushSignStrategy = signPushLikeRequestsWithoutSystemParams,
): boolean {
  const received = body[DUOBAOYU_PUSH_SIGN_FIELD];
  if (typeof received !== 'string' || received === '') return false;
  return signaturesEqual(signDuobaoyuPush(body, appSecret, strategy), received.toUpperCase());
}

function pushTimeOf(value: unknown): number | null {
  const text = scalarText(value);
  return text !== null && /^\d{13}$/.test(text) ? Number(text) : null;
}

function nonEmpty(value: unknown): string | null {
  const text = scalarText(value);
  return text !== null && text.trim() !== '' ? text : null;
}

/**
 * The push's fields (see the header for the assumed names), or null when the body is not a JSON object
 * or lacks `id`, `afterSaleOrderId` or `afterSaleStatus`. A string body is parsed as JSON first. Does not
 * check the sign: call verifyDuobaoyuPush on the same body.
 */
export function readDuobaoyuPush(body: unknown): DuobaoyuPush | null {
  let parsed = body;
  if (typeof body === 'string') {
    try {
      parsed = JSON.parse(body);
    } catch {
      return null;
    }
  }
  const record = asRecord(parsed);
  if (record === null) return null;
  const id = nonEmpty(record.id);
  const afterSaleOrderId = nonEmpty(record.afterSaleOrderId);
  const state = nonEmpty(record.afterSaleStatus);
  if (id === null || afterSaleOrderId === null || state === null) return null;
  return { id, afterSaleOrderId, state, pushTime: pushTimeOf(record.pushTime) };
}
