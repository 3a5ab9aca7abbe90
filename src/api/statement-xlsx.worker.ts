import { parentPort, workerData } from 'node:worker_threads';
import { ApiError } from './api-error';
import type { StatementRow } from './statement-columns';
import { xlsxRows } from './statement-xlsx';

/**
 * A thread that reads one XLSX statement (src/api/statement-xlsx.ts) on its own capped heap and hands its rows
 * over in batches; src/api/statement-xlsx-thread.ts starts it with `{ path, batchRows }` and drives it:
 *   → 'next'   the next batch, please      ← { rows } at most batchRows rows (their dates stay Dates)
 *                                          ← { done: true } every row was sent; the thread ends
 *                                          ← { failed } the reading's error; the thread ends
 * A batch is read only once asked for, so the thread is never more than one batch ahead of its reader.
 */
export type XlsxThreadRequest = 'next';
/** An error as it crosses the thread boundary: an ApiError's status, id and field come along. */
export type ThreadError = { message: string; status?: number; id?: string; field?: string };
export type XlsxThreadMessage = { rows: StatementRow[] } | { done: true } | { failed: ThreadError };
export interface XlsxThreadData {
  path: string;
  batchRows: number;
}

const threadError = (err: unknown): ThreadError =>
  err instanceof ApiError ? { message: err.message, status: err.status, id: err.id, field: err.field } : { message: (err as Error).message ?? String(err) };

async function serve(port: NonNullable<typeof parentPort>, { path, batchRows }: XlsxThreadData): Promise<void> {
  let asked = 0;
  let wake: (() => void) | null = null;
  port.on('message', () => {
    asked++;
    wake?.();
  });
  const turn = async () => {
    while (asked === 0) await new Promise<void>((resolve) => (wake = resolve));
    wake = null;
    asked--;
  };
  const send = (message: XlsxThreadMessage) => port.postMessage(message);
  try {
    let batch: StatementRow[] = [];
    for await (const row of xlsxRows(path)) {
      batch.push(row);
      if (batch.length < batchRows) continue;
      await turn();
      send({ rows: batch });
      batch = [];
    }
    if (batch.length > 0) {
      await turn();
      send({ rows: batch });
    }
    send({ done: true });
  } catch (err) {
    send({ failed: threadError(err) });
  }
  port.close();
}

if (parentPort) void serve(parentPort, workerData as XlsxThreadData);
