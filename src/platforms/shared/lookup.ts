import type { OutgoingClaim, PlatformClient } from '../types';

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
  lookupExisting(claim: OutgoingClaim): Promise<string | null>;
  /** Releases the client's connections. */
  close(): Promise<void>;
}
