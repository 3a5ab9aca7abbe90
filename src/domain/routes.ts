import type { RouteConfig } from '../config/schema';
import { canonicalNumber, isLosslessNumber, numberText, stringifyPushJson } from '../json/push-json';
import { amountToMinorUnits, percentToBasisPoints, shareOfBasisPoints } from './money';

/**
 * Routes (docs/http-contract.md): which outgoing claims a stored judgment calls for. Plain functions over the
 * pushed judgment as parsed JSON (src/json/push-json.ts: numbers as their text as sent); no database, no HTTP.
 */
export type Judgment = Record<string, unknown>;

/** `when` keys and where each reads in the judgment. */
const WHEN_PATHS = {
  established: 'judgeResult.established',
  responsibilityParty: 'judgeResult.responsibilityParty',
  bizType: 'bizType',
  tenantId: 'tenantId',
  compensationType: 'judgeResult.compensationType',
} as const;

/** One `when` key's verdict: what the route wants, what the judgment has (null when absent). */
export interface WhenCheck {
  key: string;
  wanted: unknown;
  got: unknown;
  matches: boolean;
}

export interface RouteMatch {
  matched: boolean;
  /** One line per `when` key: what was wanted and what the judgment has. */
  reasons: string[];
  /** The same verdicts as data. */
  checks: WhenCheck[];
}

/** Reads a dotted path (`judgeResult.judgeReason`) from the judgment; undefined when absent. */
export function valueAt(judgment: Judgment, path: string): unknown {
  let at: unknown = judgment;
  for (const key of path.split('.')) {
    if (at === null || typeof at !== 'object' || Array.isArray(at) || !Object.prototype.hasOwnProperty.call(at, key)) return undefined;
    at = (at as Record<string, unknown>)[key];
  }
  return at;
}

/** Every given `when` key must match: a string equals, a list contains, `established` is the boolean. */
export function matchRoute(route: RouteConfig, judgment: Judgment): RouteMatch {
  const reasons: string[] = [];
  const checks: WhenCheck[] = [];
  let matched = true;
  for (const [key, wanted] of Object.entries(route.when) as Array<[keyof typeof WHEN_PATHS, unknown]>) {
    if (wanted === undefined) continue;
    const actual = valueAt(judgment, WHEN_PATHS[key]);
    const ok = Array.isArray(wanted) ? wanted.includes(actual as string) : wanted === actual;
    matched &&= ok;
    reasons.push(`${key} ${ok ? 'matches' : 'does not match'}: wanted ${JSON.stringify(wanted)}, got ${JSON.stringify(actual ?? null)}`);
    checks.push({ key, wanted, got: actual ?? null, matches: ok });
  }
  return { matched, reasons, checks };
}

/**
 * The claim amount in fen: judgeResult.claimAmount (yuan) × the route's share ratio / 100, half-up; the
 * whole amount without `share`. Null when the judgment carries no claim amount.
 */
export function claimAmountMinor(route: RouteConfig, judgment: Judgment): number | null {
  const amount = numberText(valueAt(judgment, 'judgeResult.claimAmount'));
  if (amount === null) return null;
  const { minor } = amountToMinorUnits(amount);
  if (!route.share) return minor;
  const ratio = numberText(valueAt(judgment, `judgeResult.${route.share}`));
  return shareOfBasisPoints(minor, ratio === null ? 0 : (percentToBasisPoints(ratio) ?? 0));
}

const PLACEHOLDER = /\{([A-Za-z0-9_.]+)(\|digits)?\}/g;

/**
 * Resolves `{path}` placeholders in every string of the route's fields (deeply); a missing value is an
 * empty string, an object value its JSON. Other JSON values pass through unchanged. `{path|digits}` keeps
 * only the value's digits, for platforms whose ids are numbers (`TMALL_1234567890` → `1234567890`).
 */
export function resolveFields(fields: Record<string, unknown>, judgment: Judgment): Record<string, unknown> {
  const resolve = (value: unknown): unknown => {
    if (typeof value === 'string') {
      return value.replace(PLACEHOLDER, (_m, path: string, digits?: string) => {
        const text = placeholderText(valueAt(judgment, path));
        return digits ? text.replace(/\D/g, '') : text;
      });
    }
    if (Array.isArray(value)) return value.map(resolve);
    if (value !== null && typeof value === 'object') {
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolve(v)]));
    }
    return value;
  };
  return resolve(fields) as Record<string, unknown>;
}

/** A number as its canonical text (89.90 → "89.9", as a float printed it; 12.345 as written), an object as its JSON. */
function placeholderText(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (isLosslessNumber(value)) return canonicalNumber(value as Parameters<typeof canonicalNumber>[0]);
  return typeof value === 'object' ? stringifyPushJson(value) : String(value);
}

/** What one route asks of one judgment. */
export interface PlannedClaim {
  route: string;
  platform: RouteConfig['platform'];
  matched: boolean;
  reasons: string[];
  checks: WhenCheck[];
  /** The share ratio that is 0 on a route otherwise matching (nothing to claim), else null. */
  zeroShare: string | null;
  /** The resolved fields' size in bytes when more than a claim holds (not stored), else null. */
  fieldsTooLargeBytes: number | null;
  amountMinor: number | null;
  fields: Record<string, unknown>;
}

/**
 * Largest claim `fields` JSON, in UTF-8 bytes: `claim.fields` is a TEXT column (65,535 bytes on
 * MySQL/MariaDB). A route whose placeholders copy a large object or unknown field of the push could
 * exceed it, and the push's transaction then failed on every retry (found by test/hostile). Such a claim
 * is still created, with a note in place of its fields: it goes dead at its first attempt (the
 * platform's required fields are missing), and its creation event says why.
 */
export const MAX_CLAIM_FIELDS_BYTES = 60_000;

function boundedFields(fields: Record<string, unknown>): { fields: Record<string, unknown>; tooLarge: string | null; bytes: number | null } {
  const bytes = Buffer.byteLength(JSON.stringify(fields), 'utf8');
  if (bytes <= MAX_CLAIM_FIELDS_BYTES) return { fields, tooLarge: null, bytes: null };
  const tooLarge = `the resolved fields are ${bytes} bytes, more than a claim holds (${MAX_CLAIM_FIELDS_BYTES}): not stored, the claim cannot be sent`;
  return { fields: { fieldsTooLarge: tooLarge }, tooLarge, bytes };
}

/** Every route, in order, with whether it matches this judgment and, if so, the claim it calls for. */
export function planClaims(routes: readonly RouteConfig[], judgment: Judgment): PlannedClaim[] {
  return routes.map((route) => {
    const match = matchRoute(route, judgment);
    const amount = match.matched ? claimAmountMinor(route, judgment) : null;
    // A share of 0 (e.g. deliveryRatio 0) leaves nothing to claim on this route.
    const nothingToClaim = route.share !== undefined && amount === 0;
    const matched = match.matched && !nothingToClaim;
    const reasons = nothingToClaim ? [...match.reasons, `${route.share} is 0: nothing to claim`] : match.reasons;
    const resolved = matched ? boundedFields(resolveFields(route.fields, judgment)) : { fields: {}, tooLarge: null, bytes: null };
    return {
      route: route.name,
      platform: route.platform,
      matched,
      reasons: resolved.tooLarge ? [...reasons, resolved.tooLarge] : reasons,
      checks: match.checks,
      zeroShare: nothingToClaim ? route.share! : null,
      fieldsTooLargeBytes: resolved.bytes,
      amountMinor: matched ? amount : null,
      fields: resolved.fields,
    };
  });
}
