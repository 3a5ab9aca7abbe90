import type { DataSource } from 'typeorm';
import { recordPushGroup } from '../metrics';
import { type GroupItem, isCheck, isLostRace, type OneTripResult, storeGroupInOneTrip } from './mysql-one-trip';

/**
 * Group commit of concurrent pushes (MySQL/MariaDB; issue 6's stretch goal).
 *
 * A push that finds fewer than {@link GroupCommitOptions.maxInFlight} groups on their way to the database
 * goes at once, alone: no push ever waits for a timer. Pushes that arrive while the groups are in flight
 * queue up, and the next group carries all of them (up to {@link GroupCommitOptions.maxPushes} and
 * {@link GroupCommitOptions.maxBytes}) in one transaction and one round trip (storeGroupInOneTrip). On this
 * machine the round trip, not the statements, is what a push costs (writeBuffer was 19% of the service's
 * busy time with one trip per push; BENCHMARKS.md), and one COMMIT serves the whole group.
 *
 * "Answered success ⇒ stored" holds: each push's promise settles only after its group's COMMIT returned.
 * When a group fails (a parallel push of one of its identities won the unique key, a deadlock, a bad
 * value, a lost connection), nothing of it was committed — or, when the connection was lost after the
 * COMMIT, all of it was — and each of its pushes is tried again alone, so one push never fails another;
 * pushes committed by a group whose answer was lost are then found as existing work orders.
 */
export interface GroupCommitOptions {
  /** Most pushes in one group (1: every push alone, as before group commit). */
  maxPushes: number;
  /** Most body bytes in one group, so a batch stays far below max_allowed_packet (MariaDB: 16 MiB). */
  maxBytes: number;
  /** Groups on their way to the database at once (each holds one pooled connection). */
  maxInFlight: number;
}

/**
 * Groups in flight by default. Measured on MariaDB on loopback (2026-11-23, bench scenario A, 64 connections,
 * runs interleaved): 2 stored 2,726–2,876 pushes/s in four runs, 4 stored 2,404–2,578 in four; 2 made the
 * groups twice as big (14.8 pushes against 6.8), so fewer round trips, COMMITs and fsyncs per push, and
 * answered duplicates 12,136–12,178/s against 10,343–10,990. A database farther away (a managed server over
 * the network) spends longer per round trip: raise GROUP_COMMIT_IN_FLIGHT there (docs/http-contract.md: Environment variables).
 */
export const DEFAULT_IN_FLIGHT = 2;

/** Defaults, and the environment's tuning (docs/http-contract.md: Environment variables). */
export function groupCommitOptions(env: NodeJS.ProcessEnv = process.env): GroupCommitOptions {
  const positive = (name: string, fallback: number) => {
    const value = env[name] === undefined || env[name] === '' ? fallback : Number(env[name]);
    if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a positive integer (got ${env[name]})`);
    return value;
  };
  return { maxPushes: positive('GROUP_COMMIT_MAX_PUSHES', 32), maxBytes: 2_000_000, maxInFlight: positive('GROUP_COMMIT_IN_FLIGHT', DEFAULT_IN_FLIGHT) };
}

type Waiting = GroupItem & {
  resolve(result: OneTripResult | null): void;
  reject(err: unknown): void;
};

export class GroupCommit {
  private readonly queue: Waiting[] = [];
  private inFlight = 0;
  /** Groups committed so far (also claim_relay_push_group_size). */
  groups = 0;

  constructor(private readonly dataSource: DataSource, private readonly options: GroupCommitOptions) {}

  /**
   * Stores a push with whatever pushes are waiting, or looks an identity's work order up ({@link GroupedCheck}).
   * A push: null when it lost a race for its identity (take the locking path). A look-up: null when there is no work order.
   */
  store(item: GroupItem): Promise<OneTripResult | null> {
    return new Promise((resolve, reject) => {
      this.queue.push({ ...item, resolve, reject });
      this.pump();
    });
  }

  private pump(): void {
    while (this.inFlight < this.options.maxInFlight && this.queue.length > 0) {
      const group = this.nextGroup();
      this.inFlight++;
      void this.commit(group).finally(() => {
        this.inFlight--;
        this.pump();
      });
    }
  }

  private nextGroup(): Waiting[] {
    let bytes = 0;
    let n = 0;
    while (n < this.queue.length && n < this.options.maxPushes) {
      const item = this.queue[n];
      bytes += isCheck(item) ? 64 : item.input.push.body.length;
      if (n > 0 && bytes > this.options.maxBytes) break;
      n++;
    }
    return this.queue.splice(0, n);
  }

  private async commit(group: Waiting[]): Promise<void> {
    try {
      const results = await storeGroupInOneTrip(this.dataSource, group);
      this.groups++;
      recordPushGroup(group.length);
      group.forEach((push, i) => push.resolve(results[i]));
    } catch (err) {
      if (group.length === 1) {
        if (isLostRace(err)) group[0].resolve(null);
        else group[0].reject(err);
        return;
      }
      await Promise.all(group.map((push) => this.commit([push])));
    }
  }
}

const committers = new WeakMap<DataSource, GroupCommit>();

/** The data source's group committer (one per pool: groups share its connections). */
export function groupCommitFor(dataSource: DataSource): GroupCommit {
  let committer = committers.get(dataSource);
  if (!committer) committers.set(dataSource, (committer = new GroupCommit(dataSource, groupCommitOptions())));
  return committer;
}
