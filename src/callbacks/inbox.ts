import type { EntityManager } from 'typeorm';
import { CallbackInbox } from '../entities';
import { isUniqueViolation } from '../storage/database-errors';
import { CallbackRefusal } from './callback-errors';

/** The most a stored payload may hold: the `text` column's size on MySQL/MariaDB (bytes). */
export const CALLBACK_PAYLOAD_MAX_BYTES = 65_535;

/**
 * Stores a verified callback once. Returns the new row's id, or null when the same callback
 * (platform, dedupeKey) is already stored: a repeat, which must change nothing.
 */
export async function storeCallbackOnce(
  em: EntityManager,
  row: { platform: string; dedupeKey: string; payload: unknown; receivedAt: Date },
): Promise<number | null> {
  const payload = JSON.stringify(row.payload);
  const bytes = Buffer.byteLength(payload, 'utf8');
  if (bytes > CALLBACK_PAYLOAD_MAX_BYTES) throw new CallbackRefusal(413, `callback fields too large to store (${bytes} bytes as JSON, at most ${CALLBACK_PAYLOAD_MAX_BYTES})`);
  try {
    const { identifiers } = await em.insert(CallbackInbox, {
      platform: row.platform, dedupeKey: row.dedupeKey.slice(0, 200), claimId: null, receivedAt: row.receivedAt,
      payload, outcome: 'received', note: null,
    });
    return Number(identifiers[0].id);
  } catch (err) {
    if (isUniqueViolation(err)) return null;
    throw err;
  }
}

export async function settleCallback(em: EntityManager, id: number, claimId: number | null, outcome: string, note: string | null): Promise<void> {
  await em.update(CallbackInbox, { id }, { claimId, outcome, note });
}
