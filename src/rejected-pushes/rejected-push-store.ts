import type { DataSource } from 'typeorm';
import { RejectedPush } from '../entities';
import type { QimenError } from '../errors/qimen-errors';
import { recordRejectedPush } from '../metrics';
import { isUniqueViolation } from '../storage/database-errors';
import { insertRawPushes } from '../storage/judgments/judgment-repository';
import { encodeBody, type ReceivedPush } from '../storage/raw-push-store';
import { inTransaction } from '../storage/transactions';

/** The refusals of a verified push that keep it (docs/http-contract.md "Rejected pushes"). */
export const KEPT_REFUSALS: readonly string[] = ['invalid-json', 'invalid-parameter', 'invalid-method'];

/**
 * Stores a verified push that is about to be refused, before the refusal is answered: a new body as a
 * rejected_push row with its raw_push (query without `sign`, headers without credentials); a body already
 * kept counts one more attempt and its lastReceivedAt. Two receipts of one new body racing: the second
 * insert meets the unique index, is rolled back and counts as a repeat. Throws when nothing could be
 * stored, so the push is answered `internal-error` and pushed again, never lost.
 */
export async function keepRejectedPush(dataSource: DataSource, push: ReceivedPush, refusal: QimenError): Promise<void> {
  if (await countRepeat(dataSource, push)) return recordRejectedPush(refusal.errorId);
  try {
    const encoded = await encodeBody(push.body);
    await inTransaction(dataSource, async (em) => {
      const [rawPushId] = await insertRawPushes(em, [{ push, encoded }]);
      await em.insert(RejectedPush, {
        receivedAt: push.receivedAt, lastReceivedAt: push.receivedAt, attempts: 1, method: push.method.slice(0, 128), appKey: push.appKey,
        errorId: refusal.errorId, message: refusal.message, bodyBytes: push.body.length, bodySha256: push.bodySha256, rawPushId,
        field: refusal.field ? refusal.field.path.slice(0, 255) : null, problemId: refusal.field?.problem.id ?? null,
        problemParams: refusal.field ? JSON.stringify({ ...refusal.field.problem.params, ...(refusal.field.problem.index === undefined ? {} : { index: refusal.field.problem.index }) }) : null,
      });
    });
  } catch (err) {
    if (!isUniqueViolation(err) || !(await countRepeat(dataSource, push))) throw err;
  }
  recordRejectedPush(refusal.errorId);
}

/** One more receipt of a body already kept; false when none is. */
async function countRepeat(dataSource: DataSource, push: ReceivedPush): Promise<boolean> {
  const bumped = await dataSource.createQueryBuilder().update(RejectedPush)
    .set({ attempts: () => 'attempts + 1', lastReceivedAt: push.receivedAt })
    .where('bodySha256 = :sha', { sha: push.bodySha256 })
    .execute();
  return (bumped.affected ?? 0) > 0;
}
