import type { DataSource } from 'typeorm';
import { recordPushGroup } from '../../metrics/registry';
import { isUniqueViolation } from '../database-errors';
import { CommitOutcomeUnknown, inTransaction, isSqlite } from '../transactions';
import { type KnownWorkOrder, type StoredJudgment, wroteRevision } from './judgment';
import { committedRevisionHash, readCommittedWorkOrders, readWorkOrders } from './judgment-repository';
import { type JudgmentWrite, writeJudgments } from './write-judgments';

/**
 * Stores judgments with group commit: several concurrent pushes in one transaction.
 *
 * A push that finds fewer than `maxInFlight` groups on their way to the database goes at once, alone: no
 * push ever waits for a timer. Pushes that arrive while the groups are in flight queue up, and the next
 * group carries all of them (up to `maxPushes` and `maxBytes`, one push per identity) in one transaction
 * (writeJudgments) with one COMMIT. Look-ups of identities (src/storage/known-duplicates.ts) ride along.
 *
 * A push is answered only after its group's COMMIT returned. When a group fails before its COMMIT (a
 * parallel push of one of its identities won the unique key, a deadlock, a bad value, a lost
 * connection), nothing of it was committed and each of its pushes is stored again on its own, so one push
 * never fails another. When COMMIT was sent but its answer lost, each push is looked for in the database
 * (its identity's revision with its content hash): found, it is answered as stored; not found, it is
 * stored again on its own. SQLite runs one group at a time (one writer), through the same code.
 */
export interface GroupCommitOptions {
  /** Most pushes in one group (1: every push alone). */
  maxPushes: number;
  /** Most body bytes in one group, so its statements stay far below max_allowed_packet (MariaDB: 16 MiB). */
  maxBytes: number;
  /** Groups on their way to the database at once (each holds one pooled connection; SQLite: always 1). */
  maxInFlight: number;
}

/** Groups in flight by default (BENCHMARKS.md compares 2 and 4 on MariaDB). */
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

interface Settle<T> {
  resolve(value: T): void;
  reject(err: unknown): void;
}
type Waiting = ({ kind: 'write'; write: JudgmentWrite } & Settle<StoredJudgment>) | ({ kind: 'look-up'; identityKey: string } & Settle<KnownWorkOrder | null>);

const identityOf = (item: Waiting) => (item.kind === 'write' ? item.write.input.identityKey : item.identityKey);
const bytesOf = (item: Waiting) => (item.kind === 'write' ? item.write.input.push.body.length : 64);

/** What one group's transaction did: each write's result in order, and the look-ups' work orders. */
interface GroupOutcome {
  stored: StoredJudgment[];
  found: Map<string, KnownWorkOrder>;
}

export class JudgmentStore {
  private readonly queue: Waiting[] = [];
  private readonly maxInFlight: number;
  private inFlight = 0;
  /** Groups committed so far (also claim_relay_push_group_size). */
  groups = 0;

  constructor(private readonly dataSource: DataSource, private readonly options: GroupCommitOptions) {
    this.maxInFlight = isSqlite(dataSource) ? 1 : options.maxInFlight;
  }

  /** Stores a judgment with whatever pushes are waiting; resolves once it is committed. */
  store(write: JudgmentWrite): Promise<StoredJudgment> {
    return new Promise((resolve, reject) => this.enqueue({ kind: 'write', write, resolve, reject }));
  }

  /** The committed work order of an identity, or null when there is none. */
  lookUp(identityKey: string): Promise<KnownWorkOrder | null> {
    return new Promise((resolve, reject) => this.enqueue({ kind: 'look-up', identityKey, resolve, reject }));
  }

  private enqueue(item: Waiting): void {
    this.queue.push(item);
    this.pump();
  }

  private pump(): void {
    while (this.inFlight < this.maxInFlight && this.queue.length > 0) {
      const group = this.nextGroup();
      this.inFlight++;
      void this.commit(group).finally(() => {
        this.inFlight--;
        this.pump();
      });
    }
  }

  /**
   * The longest run of waiting items within the limits; a push's identity appears in its group once (look-ups
   * of one identity may share a group: they only read). The items left out keep their place.
   */
  private nextGroup(): Waiting[] {
    const group: Waiting[] = [];
    const written = new Set<string>();
    const read = new Set<string>();
    let bytes = 0;
    for (let i = 0; i < this.queue.length && group.length < this.options.maxPushes; ) {
      const item = this.queue[i];
      const identity = identityOf(item);
      if (written.has(identity) || (item.kind === 'write' && read.has(identity))) {
        i++;
        continue;
      }
      bytes += bytesOf(item);
      if (group.length > 0 && bytes > this.options.maxBytes) break;
      (item.kind === 'write' ? written : read).add(identity);
      group.push(item);
      this.queue.splice(i, 1);
    }
    return group;
  }

  private async commit(group: Waiting[], attempt = 1): Promise<void> {
    let outcome: GroupOutcome;
    try {
      outcome = await this.run(group);
    } catch (err) {
      const left = err instanceof CommitOutcomeUnknown ? await this.settleCommitted(group, err) : group;
      if (left.length > 1) await Promise.all(left.map((item) => this.commit([item])));
      // The parallel push that won the identity's unique key has committed: this push now finds it. A push
      // whose COMMIT answer was lost and that is not found committed is stored again, as in a group.
      else if (left.length === 1 && (isUniqueViolation(err) || err instanceof CommitOutcomeUnknown) && attempt < 3) await this.commit(left, attempt + 1);
      else left.forEach((item) => item.reject(err));
      return;
    }
    this.groups++;
    recordPushGroup(group.length);
    this.settle(group, outcome);
  }

  private async run(group: Waiting[]): Promise<GroupOutcome> {
    const writes = group.flatMap((item) => (item.kind === 'write' ? [item.write] : []));
    const lookUps = group.flatMap((item) => (item.kind === 'look-up' ? [item.identityKey] : []));
    if (writes.length === 0) return { stored: [], found: await readCommittedWorkOrders(this.dataSource, lookUps) };
    return inTransaction(this.dataSource, async (em) => ({
      found: await readWorkOrders(em, lookUps, false),
      stored: await writeJudgments(em, writes),
    }), { readCommitted: true });
  }

  private settle(group: Waiting[], outcome: GroupOutcome): void {
    let w = 0;
    for (const item of group) {
      if (item.kind === 'write') item.resolve(outcome.stored[w++]);
      else item.resolve(outcome.found.get(item.identityKey) ?? null);
    }
  }

  /**
   * After a COMMIT whose answer was lost: settles the items the database shows committed (a look-up and a
   * duplicate or a replay wrote nothing; a stored push when its revision is there with its content hash) and returns
   * the others. When the database cannot be read either, every item fails with the original error.
   */
  private async settleCommitted(group: Waiting[], lost: CommitOutcomeUnknown): Promise<Waiting[]> {
    const outcome = lost.result as GroupOutcome;
    const writes = group.filter((item) => item.kind === 'write');
    try {
      const committed = await Promise.all(writes.map(async (item, w) => {
        const stored = outcome.stored[w];
        return !wroteRevision(stored.outcome) || (await committedRevisionHash(this.dataSource, stored.workOrderId, stored.revision)) === item.write.input.contentHash;
      }));
      this.settle(group.filter((item) => item.kind === 'look-up'), { stored: [], found: outcome.found });
      const left: Waiting[] = [];
      writes.forEach((item, w) => (committed[w] ? item.resolve(outcome.stored[w]) : left.push(item)));
      return left;
    } catch {
      group.forEach((item) => item.reject(lost));
      return [];
    }
  }
}

const stores = new WeakMap<DataSource, JudgmentStore>();

/** The data source's judgment store (one per pool: groups share its connections). */
export function judgmentStoreFor(dataSource: DataSource): JudgmentStore {
  let store = stores.get(dataSource);
  if (!store) stores.set(dataSource, (store = new JudgmentStore(dataSource, groupCommitOptions())));
  return store;
}
