import { appintfClaimStatus } from '../platforms/appintf';
import { duobaoyuClaimStatus } from '../platforms/duobaoyu';
import { glitzcloudClaimStatusOf } from '../platforms/glitzcloud';
import type { MappedClaimStatus } from '../platforms/shared/claim-status';
import { shopexClaimStatus } from '../platforms/shopex';

/** Each platform's own status text → ours, through the table in that platform's folder. */
export function mapPlatformStatus(platform: string, platformStatus: string | null): MappedClaimStatus | null {
  if (platformStatus === null) return null;
  switch (platform) {
    case 'glitzcloud':
      return glitzcloudClaimStatusOf(platformStatus);
    case 'shopex':
      return shopexClaimStatus(platformStatus);
    case 'duobaoyu':
      return duobaoyuClaimStatus(platformStatus);
    case 'appintf':
      return appintfClaimStatus(platformStatus);
    default:
      return null;
  }
}

/** Platforms whose claims we poll for status (no push in their spec): appintf's getRefund.jsp. */
export const POLLED_PLATFORMS: ReadonlySet<string> = new Set(['appintf']);
