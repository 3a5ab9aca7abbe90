import type { DataSource, EntityManager } from 'typeorm';
import { applyPlatformReport } from '../claims/apply-platform-status';
import { CLAIM_REASONS, LAST_ERRORS, type LastError, lastErrorOf, type Worded } from '../claims/claim-reasons';
import { lookupContextFor } from '../claims/held-platform-ids';
import { mapPlatformStatus, POLLED_PLATFORMS } from '../claims/platform-statuses';
import { parseDuration } from '../config/duration';
import { assertMove } from '../domain/claim-state';
import { Claim, ClaimStatus } from '../entities';
import type { DuplicateAwareClient } from '../platforms/shared/lookup';
import type { OutgoingClaim, SendOutcome, SendResult } from '../platforms/types';
import { recordDispatchAttempt } from '../metrics/registry';
import { type AttemptResult, attemptResultStored, lastErrorColumns, paramsJson, recordAttemptResult } from '../storage/claims/claim-repository';
import type { LeasedClaim } from '../storage/claims/claim-leases';
import { inTransaction } from '../storage/transactions';
import { nextAttemptDelayMs } from './retry-schedule';
import type { Clock } from '../clock';

export interface SendContext {
  dataSource: DataSource;
  clients: ReadonlyMap<string, DuplicateAwareClient>;
  retrySchedule: readonly string[];
  /** First status poll after a claim is submitted to a platform that is polled. */
  pollInitial: string;
  workerId: string;
  now: Clock;
  /** Until when (Date.now()) a result whose write failed is written again: the claim's lease, less a margin. */
  writeDeadline: number;
  /** Told when a result's write failed and is tried again. */
  onWriteRetry?: (err: unknown, claimId: number, delayMs: number) => void;
}

export function toOutgoing(claim: Claim): OutgoingClaim {
  return {
    claimId: claim.id, workOrderId: claim.workOrderId, amountMinor: claim.amountMinor, currency: claim.currency,
    fields: JSON.parse(claim.fields), createdAt: claim.createdAt,
  };
}

/**
 * Sends one leased claim and stores the result on its attempt row (written `started` with the lease, so a
 * crash mid-send leaves a trace). When an earlier attempt may have reached the platform, the platform is
 * asked first (lookupExisting) so a resend does not file a second claim; where it cannot be asked, the
 * resend is blind, and a blind resend the platform takes is stored as `resentBlindAt` (flag `resent-blind`).
 */
export async function sendLeasedClaim(ctx: SendContext, leased: LeasedClaim): Promise<ClaimStatus> {
  const startedAt = ctx.now();
  return recordResult(ctx, leased, startedAt, await attempt(ctx, leased.claim));
}

/**
 * A platform's answer whose write kept failing until the lease's deadline. The worker keeps it and writes
 * it again (`write`, one transaction) before it leases anything more, and does not lease its claim
 * meanwhile, so the claim is not sent again; only another worker's take-over (after the lease) fences it out.
 */
export class UnstoredResult extends Error {
  constructor(
    readonly claimId: number,
    override readonly cause: unknown,
    readonly write: () => Promise<ClaimStatus>,
  ) {
    super(`the result of claim ${claimId}'s attempt is not stored yet`);
  }
}

interface Attempted {
  result: SendResult;
  /** The platform already held the claim (look-up): nothing was sent. */
  found: boolean;
  /** Sent after an attempt that may have reached the platform, without a look-up to ask it first. */
  blind: boolean;
}

/** Not sent: a retryable failure the service words. */
const notSent = (words: LastError): Attempted =>
  ({ result: { outcome: { kind: 'retryable', code: words.code, message: words.message, ambiguous: false, words }, exchange: null }, found: false, blind: false });

async function attempt(ctx: SendContext, claim: Claim): Promise<Attempted> {
  const client = ctx.clients.get(claim.platform);
  if (!client) {
    return notSent(LAST_ERRORS.platformNotConfigured(claim.platform));
  }
  const outgoing = toOutgoing(claim);
  const lookup = lookupContextFor(ctx.dataSource, claim);
  try {
    if (claim.mayExistOnPlatform) {
      const existing = await client.lookupExisting(outgoing, lookup);
      if (existing !== null) {
        return { result: { outcome: { kind: 'submitted', platformClaimId: existing, platformStatus: null }, exchange: null }, found: true, blind: false };
      }
    }
    return { result: await client.send(outgoing, lookup), found: false, blind: claim.mayExistOnPlatform && !client.hasLookup };
  } catch (err) {
    // A client reports platform failures as outcomes; a throw (a lookup that failed) is worth retrying.
    return notSent(LAST_ERRORS.lookupFailed((err as Error).message));
  }
}

function statusAfter(outcome: SendOutcome, attemptNo: number, schedule: readonly string[]): { status: ClaimStatus; delayMs: number | null } {
  switch (outcome.kind) {
    case 'submitted':
      return { status: 'submitted', delayMs: null };
    case 'terminal':
      return { status: outcome.rejected ? 'rejected' : 'dead', delayMs: null };
    case 'retryable': {
      const delayMs = nextAttemptDelayMs(schedule, attemptNo);
      return { status: delayMs === null ? 'dead' : 'pending', delayMs };
    }
  }
}

async function recordResult(ctx: SendContext, leased: LeasedClaim, startedAt: Date, attempted: Attempted): Promise<ClaimStatus> {
  const { claim, attemptId } = leased;
  const attemptNo = claim.attempts + 1;
  const { result: { outcome, exchange }, found } = attempted;
  const now = ctx.now();
  const { status, delayMs } = statusAfter(outcome, attemptNo, ctx.retrySchedule);
  assertMove(claim.status, status);
  const pollSeconds = parseDuration(ctx.pollInitial)! / 1000;
  const polled = outcome.kind === 'submitted' && POLLED_PLATFORMS.has(claim.platform);
  const error = outcome.kind === 'submitted' ? null : lastErrorOf(outcome);
  const latencyMs = exchange?.latencyMs ?? now.getTime() - startedAt.getTime();
  const attemptOutcome = found ? 'found' : outcome.kind === 'terminal' && outcome.rejected ? 'rejected' : outcome.kind;
  recordDispatchAttempt(claim.platform, attemptOutcome, latencyMs / 1000); // the attempt is finished here
  const attemptPatch = {
    finishedAt: now,
    latencyMs,
    outcome: attemptOutcome,
    httpStatus: exchange?.response.status ?? null,
    errorCode: outcome.kind === 'submitted' ? null : outcome.code.slice(0, 64),
    errorMessage: outcome.kind === 'submitted' ? null : outcome.message,
    errorId: error?.id ?? null,
    errorParams: error ? paramsJson(error.params) : null,
    request: exchange ? JSON.stringify(exchange.request) : null,
    response: exchange?.response.body ?? null,
  };
  // Sent again blind (see Attempted.blind) and taken: the platform may hold a second claim. Stored in the
  // same write as the result, for the `resent-blind` flag, and said in the event.
  const resentBlind = attempted.blind && outcome.kind === 'submitted';
  const claimPatch = {
    status,
    attempts: attemptNo,
    ...lastErrorColumns(error),
    nextAttemptAt: delayMs === null ? null : new Date(now.getTime() + delayMs),
    leaseOwner: null,
    leaseUntil: null,
    updatedAt: now,
    ...(outcome.kind === 'submitted'
      ? { platformClaimId: outcome.platformClaimId, platformStatus: outcome.platformStatus, asyncMessageId: outcome.asyncMessageId ?? null, mayExistOnPlatform: false }
      : {}),
    ...(polled ? { nextPollAt: new Date(now.getTime() + pollSeconds * 1000), pollIntervalSeconds: pollSeconds } : {}),
    ...(outcome.kind === 'retryable' && outcome.ambiguous ? { mayExistOnPlatform: true } : {}),
    ...(resentBlind ? { resentBlindAt: now } : {}),
  };
  const reason = status === claim.status ? null : describe(outcome, attemptNo, found, delayMs, resentBlind ? claim.platform : null);
  const result: AttemptResult = {
    claimId: claim.id, attemptId, workerId: ctx.workerId, attempt: attemptPatch, claim: claimPatch,
    event: reason === null ? null : { claimId: claim.id, from: claim.status, to: status, source: 'dispatcher', reason, at: now },
  };
  // The answer may already carry the platform's verdict (Glitzcloud's status / customer_status).
  const reported = outcome.kind === 'submitted' ? mapPlatformStatus(claim.platform, outcome.platformStatus) : null;
  const verdict = reported && reported !== 'submitted' ? reported : null;

  return writeResult(ctx, leased, async (em) => {
    if (!(await recordAttemptResult(em, result))) return claim.status; // the lease was taken over: the new owner's work stands
    if (!verdict) return status;
    const submitted = await em.findOneByOrFail(Claim, { id: claim.id });
    await applyPlatformReport(em, submitted, {
      status: verdict, source: 'dispatcher', platformStatus: outcome.kind === 'submitted' ? outcome.platformStatus : null, at: now,
      reason: CLAIM_REASONS.answerReports(outcome.kind === 'submitted' ? outcome.platformStatus : null, verdict),
    });
    return (await em.findOneByOrFail(Claim, { id: claim.id })).status;
  });
}

/** First pause before a failed result write is tried again; it doubles up to WRITE_RETRY_MAX_MS. */
const WRITE_RETRY_FIRST_MS = 100;
const WRITE_RETRY_MAX_MS = 5000;

/**
 * Writes an attempt's result in one transaction. The platform has answered: should the write fail (the
 * connection dropped, a deadlock, a lock wait, SQLite busy), it is written again with back-off until the
 * lease's deadline, then handed to the worker as an UnstoredResult, never dropped (a dropped result would
 * have the claim sent again blind). A write tried again first checks whether an earlier try was committed
 * after all (its COMMIT's answer lost).
 */
async function writeResult(ctx: SendContext, leased: LeasedClaim, write: (em: EntityManager) => Promise<ClaimStatus>): Promise<ClaimStatus> {
  const writeOnce = (retried: boolean) =>
    inTransaction(ctx.dataSource, async (em) => {
      if (retried && (await attemptResultStored(em, leased.attemptId))) return (await em.findOneByOrFail(Claim, { id: leased.claim.id })).status;
      return write(em);
    });
  for (let tries = 1; ; tries++) {
    try {
      return await writeOnce(tries > 1);
    } catch (err) {
      const delayMs = Math.min(WRITE_RETRY_FIRST_MS * 2 ** (tries - 1), WRITE_RETRY_MAX_MS);
      if (Date.now() + delayMs > ctx.writeDeadline) throw new UnstoredResult(leased.claim.id, err, () => writeOnce(true));
      ctx.onWriteRetry?.(err, leased.claim.id, delayMs);
      await new Promise((r) => setTimeout(r, delayMs));
    }
  }
}

/** The event's reason for an attempt's result; `resentBlindOn`: the platform a blind resend was taken by. */
function describe(outcome: SendOutcome, attemptNo: number, found: boolean, delayMs: number | null, resentBlindOn: string | null): Worded {
  if (outcome.kind === 'submitted') {
    return found ? CLAIM_REASONS.attemptFound(attemptNo, outcome.platformClaimId) : CLAIM_REASONS.attemptSubmitted(attemptNo, outcome.platformClaimId, resentBlindOn);
  }
  if (outcome.kind === 'terminal') return CLAIM_REASONS.attemptTerminal(attemptNo, lastErrorOf(outcome), outcome.rejected);
  return CLAIM_REASONS.attemptRetryable(attemptNo, lastErrorOf(outcome), delayMs);
}
