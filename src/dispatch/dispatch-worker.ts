import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { Logger } from 'pino';
import type { DataSource } from 'typeorm';
import type { Config } from '../config/schema';
import type { DuplicateAwareClient } from '../platforms/shared/lookup';
import { leaseDueClaims, leaseDuePolls } from '../storage/claims/claim-leases';
import { pollLeasedClaim } from '../polling/poll-claim';
import { resumeOnePackageIndex } from '../storage/package-index';
import { type SendContext, sendLeasedClaim, UnstoredResult } from './send-claim';
import { type Clock, systemClock } from '../clock';

/** The share of a claim's lease within which a failed result write is tried again. */
const WRITE_WITHIN_LEASE = 0.8;

export interface DispatchWorkerOptions {
  dataSource: DataSource;
  config: Config;
  clients: ReadonlyMap<string, DuplicateAwareClient>;
  logger: Logger;
  /** Claims leased per round, sent concurrently. */
  batchSize?: number;
  /** Pause when nothing is due. */
  idleMs?: number;
  now?: Clock;
}

/**
 * The dispatch loop: lease due claims, send them, store the results; poll the status of claims on
 * platforms without a push; pause when nothing is due.
 * `stop()` ends the loop after the round in flight (its sends finish and are stored).
 */
export class DispatchWorker {
  readonly workerId = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  private running = false;
  private lastPollRound = 0;
  private loop: Promise<void> | null = null;
  private wake: (() => void) | null = null;
  private packageIndex: Promise<void> | null = null;
  /** Platform answers whose write failed until their lease's deadline, by claim id: written before any lease. */
  private readonly unstored = new Map<number, UnstoredResult>();

  constructor(private readonly opts: DispatchWorkerOptions) {}

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.wake?.();
    await this.loop;
    await this.packageIndex;
    await this.writeUnstored();
    for (const [claimId] of this.unstored) this.opts.logger.error({ claimId }, 'claim result could not be stored before stopping; the claim is looked up or sent again after its lease');
  }

  /** How many platform answers this worker holds whose write has not succeeded yet. */
  get unstoredResults(): number {
    return this.unstored.size;
  }

  /**
   * Writes the results kept from earlier rounds, each in its own transaction. One written (or fenced out
   * because another worker took its claim over) is forgotten; one that fails again is kept for the next round.
   */
  async writeUnstored(): Promise<void> {
    for (const [claimId, result] of [...this.unstored]) {
      try {
        await result.write();
        this.unstored.delete(claimId);
      } catch (err) {
        this.opts.logger.warn({ err, claimId }, 'claim result still not stored; kept and written again next round');
      }
    }
  }

  /** One round: lease and send what is due now. Returns how many claims were sent. */
  async runOnce(): Promise<number> {
    const now = this.opts.now ?? systemClock;
    const { dispatch } = this.opts.config;
    await this.writeUnstored();
    const lease = { workerId: this.workerId, limit: this.opts.batchSize ?? 16, leaseMs: dispatch.leaseSeconds * 1000, now: now(), exclude: [...this.unstored.keys()] };
    const claims = await leaseDueClaims(this.opts.dataSource, lease);
    const ctx: SendContext = {
      ...this.context(now), retrySchedule: dispatch.retrySchedule, pollInitial: dispatch.pollInitial,
      // A result is written again until shortly before the lease ends, so no other worker takes the claim over meanwhile.
      writeDeadline: Date.now() + lease.leaseMs * WRITE_WITHIN_LEASE,
      onWriteRetry: (err, claimId, delayMs) => this.opts.logger.warn({ err, claimId, delayMs }, 'claim result not stored yet; writing it again'),
    };
    await Promise.all(
      claims.map((leased) =>
        sendLeasedClaim(ctx, leased).catch((err) => {
          if (err instanceof UnstoredResult) {
            this.unstored.set(err.claimId, err);
            this.opts.logger.error({ err: err.cause, claimId: err.claimId }, 'claim result not stored within its lease; kept and written again before the next lease');
          } else {
            this.opts.logger.error({ err, claimId: leased.claim.id }, 'claim send failed before its result; its lease will expire and it is retried');
          }
        }),
      ),
    );
    return claims.length;
  }

  /** One round of status polls (platforms without a push). Returns how many claims were polled. */
  async pollOnce(): Promise<number> {
    const now = this.opts.now ?? systemClock;
    const { dispatch } = this.opts.config;
    const claims = await leaseDuePolls(this.opts.dataSource, { workerId: this.workerId, limit: this.opts.batchSize ?? 16, leaseMs: dispatch.leaseSeconds * 1000, now: now() });
    const ctx = { ...this.context(now), pollInitial: dispatch.pollInitial, pollMax: dispatch.pollMax };
    await Promise.all(claims.map((claim) => pollLeasedClaim(ctx, claim).catch((err) => this.opts.logger.error({ err, claimId: claim.id }, 'claim poll failed'))));
    return claims.length;
  }

  /**
   * Takes over one big push's package rows whose receiving process died (src/storage/package-index.ts),
   * beside the loop: a million rows take seconds, and claims keep going meanwhile. One at a time.
   */
  resumePackageIndex(): Promise<void> {
    if (!this.packageIndex) {
      const now = this.opts.now ?? systemClock;
      this.packageIndex = resumeOnePackageIndex(this.opts.dataSource, now())
        .then(() => undefined, (err) => this.opts.logger.error({ err }, 'package index take-over failed; it is tried again when its lease ends'))
        .finally(() => {
          this.packageIndex = null;
        });
    }
    return this.packageIndex;
  }

  private context(now: Clock) {
    return { dataSource: this.opts.dataSource, clients: this.opts.clients, workerId: this.workerId, now };
  }

  private async run(): Promise<void> {
    while (this.running) {
      let sent = 0;
      try {
        sent = await this.runOnce();
        // Polls are due on a scale of minutes: one look a second is plenty, and spares a transaction a round.
        if (Date.now() - this.lastPollRound >= 1000) {
          this.lastPollRound = Date.now();
          sent += await this.pollOnce();
          void this.resumePackageIndex();
        }
      } catch (err) {
        this.opts.logger.error({ err }, 'dispatch round failed');
      }
      if (sent === 0 && this.running) await this.pause(this.opts.idleMs ?? 500);
    }
  }

  private pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }
}
