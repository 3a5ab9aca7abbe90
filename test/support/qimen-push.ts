import SPEC_EXAMPLE from '../fixtures/danniao-judge-request.json';
import { QimenSignMethod, qimenSign } from '../../src/verify/qimen-sign';
import { formatQimenTimestamp } from '../../src/verify/qimen-timestamp';

/** The Qimen test app of docs/signing.md (also the development config's). */
export const TEST_APP = { appKey: '12345678', secret: 'testsecret0123456789abcdef012345' };
export const DANNIAO_METHOD = 'qimen.alibaba.dchain.workorder.danniao.judge';

/** The spec's own request example (test/fixtures: verbatim from Qimen's API document). */
export function specExample(): Record<string, any> {
  return structuredClone(SPEC_EXAMPLE) as Record<string, any>;
}

export interface PushOptions {
  signMethod?: QimenSignMethod;
  secret?: string;
  appKey?: string;
  method?: string;
  timestampMs?: number;
  /** Extra query parameters, signed with the rest (e.g. partner_id: ''). */
  extra?: Record<string, string>;
  /** Replace the computed sign. */
  sign?: string;
}

/** A signed push: the query string and the exact body bytes, as Qimen would send them. */
export function signedPush(body: string | Buffer, opts: PushOptions = {}): { query: string; body: Buffer } {
  const bytes = Buffer.isBuffer(body) ? body : Buffer.from(body, 'utf8');
  const params = new Map<string, string>([
    ['app_key', opts.appKey ?? TEST_APP.appKey],
    ['customerId', 'DN_CUSTOMER_01'],
    ['format', 'json'],
    ['method', opts.method ?? DANNIAO_METHOD],
    ['timestamp', formatQimenTimestamp(opts.timestampMs ?? Date.now())],
    ['v', '2.0'],
    ['sign_method', opts.signMethod ?? 'md5'],
    ...Object.entries(opts.extra ?? {}),
  ]);
  const sign = opts.sign ?? qimenSign(opts.signMethod ?? 'md5', opts.secret ?? TEST_APP.secret, params, bytes);
  const query = new URLSearchParams([...params, ['sign', sign]]).toString();
  return { query, body: bytes };
}
