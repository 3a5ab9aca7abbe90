import { type EntityManager, type FindOptionsWhere, In, type UpdateResult } from 'typeorm';
import type { LastError, Params } from '../../claims/claim-reasons';
import { Claim, ClaimAttempt, ClaimEvent } from '../../entities';
import { groupBy } from '../../group-by';
import { rowInsert } from '../row-insert';
import { settleFromStoredLines } from '../settlements/settlement-repository';
import { isSqlite } from '../transactions';
import type { ClaimChange, ClaimEventRow, EventSource } from './claim-changes';

/** The SQL of the claim aggregate (claims, their events and attempts); every write runs inside the caller's transaction. */

/**
 * The claims of these work orders, by work order, locked until the caller's transaction ends (MySQL/MariaDB
 * `FOR UPDATE`; SQLite's one writer holds the whole database). A revision plans its claims from this read:
 * unlocked, a claim read as unsent could be leased, sent and stored `submitted` meanwhile, and the plan's
 * update would set it back to `pending` and have it sent again. Locked, the dispatcher's lease skips it
 * (`SKIP LOCKED`) and a result being written is waited for and seen.
 */
export async function claimsOfWorkOrders(em: EntityManager, workOrderIds: readonly number[]): Promise<Map<number, Claim[]>> {
  if (workOrderIds.length === 0) return new Map();
  const lock = isSqlite(em.connection) ? {} : { lock: { mode: 'pessimistic_write' as const } };
  return groupBy(await em.find(Claim, { where: { workOrderId: In([...workOrderIds]) }, ...lock }), (claim) => claim.workOrderId);
}

/**
 * Updates one claim (`where` names its id, and may fence on its status or lease owner). A patch that gives
 * the claim a platform id or another currency also sets what the stored statement lines of that id settle
 * of it, in the same transaction.
 */
export async function updateClaim(em: EntityManager, where: FindOptionsWhere<Claim> & { id: number }, patch: Partial<Claim>): Promise<UpdateResult> {
  const result = await em.update(Claim, where, patch);
  if (result.affected && (patch.platformClaimId !== undefined || patch.currency !== undefined)) await settleFromStoredLines(em, where.id);
  return result;
}

/** Inserts claim events in one statement. */
export async function insertClaimEvents(em: EntityManager, events: readonly ClaimEventRow[]): Promise<void> {
  if (events.length === 0) return;
  await rowInsert(em.connection, ClaimEvent).insert(em, events.map((e) => ({
    claimId: e.claimId, fromStatus: e.from, toStatus: e.to, source: e.source, reason: e.reason.text.slice(0, 4000),
    reasonId: e.reason.id, reasonParams: paramsJson(e.reason.params),
    payload: e.payload === undefined ? null : JSON.stringify(e.payload), createdAt: e.at,
  })));
}

/** Longest text of one param stored (a platform's message can be long; the text column holds the rest). */
const MAX_PARAM_TEXT = 1000;

/** A sentence's params as stored (claim_event.reasonParams, claim.lastErrorParams): JSON, each text bounded. */
export function paramsJson(params: Params): string {
  return JSON.stringify(params, (_key, value: unknown) => (typeof value === 'string' && value.length > MAX_PARAM_TEXT ? `${value.slice(0, MAX_PARAM_TEXT)}…` : value));
}

/** A claim's lastError columns: text, id and params (all null to clear it). */
export function lastErrorColumns(error: LastError | null): Pick<Claim, 'lastError' | 'lastErrorId' | 'lastErrorParams'> {
  return { lastError: error?.text ?? null, lastErrorId: error?.id ?? null, lastErrorParams: error ? paramsJson(error.params) : null };
}

/**
 * Writes claim changes with their events: new claims in one INSERT (their ids read back by work order and
 * route, which the caller's lock on the work orders keeps to these rows), updates one by one, the events
 * in one INSERT.
 */
export async function applyClaimChanges(em: EntityManager, changes: readonly ClaimChange[], source: EventSource): Promise<void> {
  const creates = changes.flatMap((c) => (c.kind === 'create' ? [c] : []));
  const ids = await rowInsert(em.connection, Claim).insertWithIds(em, creates.map((c) => c.row), ['workOrderId', 'route']);
  const events: ClaimEventRow[] = creates.map((c, i) => ({ claimId: ids[i], from: null, to: c.row.status!, source, reason: c.reason, at: c.at }));
  for (const change of changes) {
    if (change.kind === 'create') continue;
    if (change.kind === 'record') {
      await updateClaim(em, { id: change.claim.id }, change.patch);
      continue;
    }
    if (change.kind === 'update') await updateClaim(em, { id: change.claim.id }, change.patch);
    const to = change.kind === 'update' ? (change.patch.status ?? change.claim.status) : change.claim.status;
    events.push({ claimId: change.claim.id, from: change.claim.status, to, source, reason: change.reason, at: change.at });
  }
  await insertClaimEvents(em, events);
}

/** What a finished send attempt writes: its attempt row, the claim's new state and, when the status changed, an event. */
export interface AttemptResult {
  claimId: number;
  /** The attempt row the lease wrote (`started`). */
  attemptId: number;
  workerId: string;
  attempt: Partial<ClaimAttempt>;
  claim: Partial<Claim>;
  event: ClaimEventRow | null;
}

/**
 * Writes a send attempt's result. The claim's update is fenced by the lease: when another worker took the
 * claim over meanwhile, nothing of the claim changes and false is returned (the answer's row count says so).
 */
export async function recordAttemptResult(em: EntityManager, result: AttemptResult): Promise<boolean> {
  await em.update(ClaimAttempt, { id: result.attemptId }, result.attempt);
  const updated = await updateClaim(em, { id: result.claimId, leaseOwner: result.workerId }, result.claim);
  if (!updated.affected) return false;
  if (result.event) await insertClaimEvents(em, [result.event]);
  return true;
}

/** Whether a send attempt's result is stored (its row is no longer `started`). */
export async function attemptResultStored(em: EntityManager, attemptId: number): Promise<boolean> {
  const row = await em.findOne(ClaimAttempt, { select: { id: true, outcome: true }, where: { id: attemptId } });
  return row !== null && row.outcome !== 'started';
}
