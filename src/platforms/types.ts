import type { LastError } from '../claims/claim-reasons';

/**
 * The contract between dispatch and the platform clients. A client speaks HTTP only: it builds, signs
 * and sends one request and returns a typed outcome; dispatch decides what to store.
 */

/** What dispatch hands a client: one stored claim, money already in integer minor units. */
export interface OutgoingClaim {
  /** Our claim id (also the default idempotency key / `aftersale_id`). */
  claimId: number;
  workOrderId: number;
  /** Claim amount in minor units (fen), or null when the route computes none. */
  amountMinor: number | null;
  currency: string;
  /** The route's business fields, placeholders already resolved (any JSON values). */
  fields: Record<string, unknown>;
  createdAt: Date;
}

/** One HTTP exchange, as stored on a claim attempt. Secrets are already removed. */
export interface AttemptExchange {
  request: { method: string; url: string; headers: Record<string, string>; body: string };
  response: { status: number | null; body: string | null };
  latencyMs: number;
}

export type SendOutcome =
  /** The platform took the claim. `platformClaimId` may be unknown yet (ShopEx async, appintf). */
  | { kind: 'submitted'; platformClaimId: string | null; platformStatus: string | null; asyncMessageId?: string }
  /**
   * Worth trying again later: network error, timeout, 5xx, 429, the platform's own "try again" codes.
   * `words`: the lastError the service wrote (src/claims/claim-reasons.ts); absent, code and message are the platform's own.
   */
  | { kind: 'retryable'; code: string; message: string; ambiguous: boolean; words?: LastError }
  /** Can never succeed as sent. `rejected`: the platform refused the claim itself (business rule). */
  | { kind: 'terminal'; code: string; message: string; rejected: boolean; words?: LastError };

export interface SendResult {
  outcome: SendOutcome;
  exchange: AttemptExchange | null;
}

export interface PlatformClient {
  readonly platform: PlatformName;
  send(claim: OutgoingClaim): Promise<SendResult>;
}

/** Every platform claims can be filed on (route `platform`, claim `platform`). */
export const PLATFORM_NAMES = ['glitzcloud', 'shopex', 'duobaoyu', 'appintf'] as const;
export type PlatformName = (typeof PLATFORM_NAMES)[number];
