import type { OutgoingClaim, PlatformClient, SendResult } from '../types';

/**
 * What the caller knows that the platform does not: which of the platform's records other claims already
 * hold. A look-up never answers a record in this set (one platform record belongs to one claim).
 */
export interface LookupContext {
  /** Of `platformClaimIds`, those that a claim other than the one looked up holds. */
  heldByOtherClaims(platformClaimIds: readonly string[]): Promise<ReadonlySet<string>>;
}

/** No other claim holds anything: for callers without a database (tests of a client alone). */
export const NOTHING_HELD: LookupContext = { heldByOtherClaims: async () => new Set() };

/**
 * A client that can tell, before dispatch sends a claim again after an ambiguous failure, whether the
 * platform already holds it. Kept beside PlatformClient rather than in types.ts so the committed contract
 * stays as it is; every client here implements it.
 */
export interface DuplicateAwareClient extends PlatformClient {
  /**
   * Whether lookupExisting really asks the platform. False: it always answers null, so a resend after an
   * attempt that may have reached the platform is blind (reconciliation flags the claim `resent-blind`).
   */
  readonly hasLookup: boolean;
  /**
   * The platform's id of a claim already filed for this claim, or null when none is found (or the
   * platform offers no lookup: see each client's header for what protects against duplicates then).
   * Throws when the lookup itself fails, so that "unknown" is never read as "absent".
   */
  lookupExisting(claim: OutgoingClaim, context?: LookupContext): Promise<string | null>;
  /** Sends the claim; a client that looks its record up after sending uses `context` as lookupExisting does. */
  send(claim: OutgoingClaim, context?: LookupContext): Promise<SendResult>;
  /** Releases the client's connections. */
  close(): Promise<void>;
}
