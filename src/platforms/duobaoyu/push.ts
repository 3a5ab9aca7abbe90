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
  appendAppSecretParam, type DuobaoyuBody, duobaoyuBodyArray, type DuobaoyuSecretStrategy, type DuobaoyuSystemParams, signDuobaoyu,
} from '../../verify/duobaoyu-sign';
import type { PhpArray } from '../../verify/php-values';
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

/** Computes a push's sign from its fields (`sign` already removed) and the app secret. */
export type DuobaoyuPushSignStrategy = (unsigned: DuobaoyuBody, appSecret: string) => string;

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

function withoutSign(body: PhpArray): PhpArray {
  const rest = new Map(body);
  rest.delete(DUOBAOYU_PUSH_SIGN_FIELD);
  return rest;
}

/** The sign of a push body (its exact JSON text, or a value sent as JSON.stringify'd): over every field except `sign`. */
export function signDuobaoyuPush(
  body: DuobaoyuBody,
  appSecret: string,
  strategy: DuobaoyuPushSignStrategy = signPushLikeRequestsWithoutSystemParams,
): string {
  return strategy(withoutSign(duobaoyuBodyArray(body)), appSecret);
}

/**
 * True when the body's `sign` is the sign of the other fields (hex case-insensitive), compared in constant
 * time. Give the body's exact JSON text: the sign is over the array PHP decodes from it (php-values.ts).
 */
export function verifyDuobaoyuPush(
  body: DuobaoyuBody,
  appSecret: string,
  strategy: DuobaoyuPushSignStrategy = signPushLikeRequestsWithoutSystemParams,
): boolean {
  let array: PhpArray;
  try {
    array = duobaoyuBodyArray(body);
  } catch {
    return false; // not a JSON object: nothing was signed
  }
  const received = array.get(DUOBAOYU_PUSH_SIGN_FIELD);
  if (typeof received !== 'string' || received === '') return false;
  return signaturesEqual(signDuobaoyuPush(array, appSecret, strategy), received.toUpperCase());
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
