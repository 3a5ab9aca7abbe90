import { platformEntry, POLLED_PLATFORM_NAMES } from '../platforms';
import type { MappedClaimStatus } from '../platforms/shared/claim-status';

/** Each platform's own status text → ours, through that platform's status table (the platform registry). */
export function mapPlatformStatus(platform: string, platformStatus: string | null): MappedClaimStatus | null {
  if (platformStatus === null) return null;
  return platformEntry(platform)?.claimStatus(platformStatus) ?? null;
}

/** Platforms whose claims we poll for status (no push in their spec): appintf's getRefund.jsp. */
export const POLLED_PLATFORMS: ReadonlySet<string> = POLLED_PLATFORM_NAMES;
