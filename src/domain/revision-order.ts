/**
 * Where a push of a known work order goes among its revisions (docs/http-contract.md: "Identity, duplicates
 * and revisions"). Revisions are ordered by the push's Qimen `timestamp`, then by arrival: the latest
 * revision is the one pushed last by Qimen's clock, not the one that arrived last.
 */

/** A push, or a stored revision: when Qimen pushed it and the hash of its judgment. */
export interface PushedJudgment {
  /** The push's Qimen `timestamp` (UTC). */
  pushedAt: Date;
  /** sha256 of the judgment's canonical JSON. */
  contentHash: string;
}

/**
 * - `duplicate`: equal to the latest revision; stores nothing.
 * - `replay`: equal to an earlier revision and pushed no later than the latest; stores nothing.
 * - `latest`: pushed no earlier than the latest revision; becomes the new latest revision.
 * - `out-of-order`: pushed earlier than the latest revision; kept as a revision that changes nothing.
 */
export type PushPlacement = 'duplicate' | 'replay' | 'latest' | 'out-of-order';

/**
 * True when the push may be a replay of an earlier revision: it differs from the latest and was pushed no
 * later. Only for these does placePush need to know whether an earlier revision holds the same judgment.
 */
export function mayBeReplay(push: PushedJudgment, latest: PushedJudgment): boolean {
  return push.contentHash !== latest.contentHash && push.pushedAt.getTime() <= latest.pushedAt.getTime();
}

/**
 * The place of a push of a work order whose latest revision is `latest`. `storedEarlier`: whether an
 * earlier revision of the work order holds the push's judgment (asked only when mayBeReplay).
 */
export function placePush(push: PushedJudgment, latest: PushedJudgment, storedEarlier: boolean): PushPlacement {
  if (push.contentHash === latest.contentHash) return 'duplicate';
  if (mayBeReplay(push, latest) && storedEarlier) return 'replay';
  return push.pushedAt.getTime() < latest.pushedAt.getTime() ? 'out-of-order' : 'latest';
}
