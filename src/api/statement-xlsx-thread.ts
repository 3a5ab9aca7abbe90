import { Worker } from 'node:worker_threads';
import { ApiError } from './api-error';
import { gate } from './gate';
import type { StatementRow } from './statement-columns';
import type { ThreadError, XlsxThreadData, XlsxThreadMessage, XlsxThreadRequest } from './statement-xlsx.worker';
import { workerScript } from './worker-script';

/**
 * An XLSX statement is read in a worker thread whose heap is capped by these limits. exceljs' streaming
 * reader holds every shared string of the workbook (a statement's ids and references: two per line) while
 * it reads, and allocates fast (a row object per row, XML events); in the service's own heap V8 lets the old
 * generation grow to a multiple of that before it collects. Capped, the thread collects early and its
 * memory ends with it; a workbook that needs more than the cap fails alone, with a 413 (below), and the
 * service goes on. Measured: bench/statement-read.ts.
 */
export const XLSX_READ_LIMITS = { maxOldGenerationSizeMb: 64, maxYoungGenerationSizeMb: 8 } as const;

/** Rows per batch the thread hands over (the import's own batch: src/commands/import-statement.ts). */
export const XLSX_BATCH_ROWS = 500;

/** A thread that sends nothing this long after being asked for a batch is stopped and the reading fails. */
export const XLSX_BATCH_WAIT_MS = 120_000;

/** At most this many statements are read at once (more wait for a turn): each thread may take its cap. */
export const XLSX_READS_AT_ONCE = 2;

export type XlsxReadLimits = { maxOldGenerationSizeMb: number; maxYoungGenerationSizeMb: number };

export interface XlsxReadOptions {
  /** The thread's heap limits (default: XLSX_READ_LIMITS). */
  limits?: XlsxReadLimits;
  /** Rows per batch (default: XLSX_BATCH_ROWS). */
  batchRows?: number;
  /**
   * Where exceljs may write a sheet that comes before the shared strings (as Excel orders a workbook) until
   * it can read it: the statement's own temporary directory, so that what a stopped thread left there goes
   * with it (default: the system's temporary directory).
   */
  scratchDir?: string;
  /** The worker's script (default: the compiled statement-xlsx.worker.js). */
  script?: string;
}

const readsRunning = gate(XLSX_READS_AT_ONCE);
let live = 0;
let started = 0;

/** XLSX reading threads now running, readings waiting for a turn, and threads started so far. */
export const xlsxReadThreads = () => ({ live, waiting: readsRunning.waiting(), started });

/** The thread's failure as the caller sees it: the reader's ApiError as it was thrown, a heap cap as a 413. */
function failure(err: ThreadError | Error, limits: XlsxReadLimits): Error {
  if ((err as { code?: string }).code === 'ERR_WORKER_OUT_OF_MEMORY') {
    return new ApiError(413, 'body-too-large', `body: the XLSX workbook needs more than the ${limits.maxOldGenerationSizeMb} MB an import may use to read it ` +
      '(every shared string of the workbook is held while it is read): send the statement as CSV, or in smaller files');
  }
  if (err instanceof Error) return err;
  if (err.status !== undefined && err.id !== undefined) return new ApiError(err.status, err.id, err.message, err.field);
  return new Error(err.message);
}

type ThreadEvent = { message: XlsxThreadMessage } | { error: Error } | { exit: number } | { stalled: true };

/**
 * The rows of an XLSX statement, read in a thread of its own (started when the first row is asked for and
 * the reading's turn has come: XLSX_READS_AT_ONCE) and
 * handed over a batch at a time: the next batch is asked for when one arrives, so the thread reads while
 * this one is used, and is never more than one batch ahead. The thread is stopped when the rows end, fail,
 * or are no longer wanted (a `break` or a thrown error in the caller's for-await).
 */
export async function* xlsxRowsInThread(path: string, options: XlsxReadOptions = {}): AsyncGenerator<StatementRow> {
  const { limits = XLSX_READ_LIMITS, batchRows = XLSX_BATCH_ROWS, scratchDir, script = workerScript('statement-xlsx.worker.js') } = options;
  await readsRunning.enter();
  let worker: Worker;
  try {
    worker = new Worker(script, {
      workerData: { path, batchRows } satisfies XlsxThreadData,
      resourceLimits: limits,
      env: scratchDir ? { ...process.env, TMPDIR: scratchDir } : process.env,
    });
  } catch (err) {
    readsRunning.leave();
    throw err;
  }
  live++;
  started++;
  const events: ThreadEvent[] = [];
  let wake: (() => void) | null = null;
  const arrive = (event: ThreadEvent) => {
    events.push(event);
    wake?.();
  };
  worker.on('message', (message: XlsxThreadMessage) => arrive({ message }));
  worker.on('error', (error) => arrive({ error }));
  worker.on('exit', (exit) => arrive({ exit }));
  const nextEvent = async (): Promise<ThreadEvent> => {
    let timer: NodeJS.Timeout | undefined;
    while (events.length === 0) {
      await new Promise<void>((resolve) => {
        wake = resolve;
        timer = setTimeout(() => arrive({ stalled: true }), XLSX_BATCH_WAIT_MS);
      });
      clearTimeout(timer);
    }
    wake = null;
    return events.shift()!;
  };
  const ask = () => worker.postMessage('next' satisfies XlsxThreadRequest);
  try {
    ask();
    for (;;) {
      const event = await nextEvent();
      if ('message' in event) {
        const message = event.message;
        if ('done' in message) return;
        if ('failed' in message) throw failure(message.failed, limits);
        ask();
        for (const row of message.rows) yield row;
      } else if ('error' in event) throw failure(event.error, limits);
      else if ('stalled' in event) throw new Error(`the XLSX reading thread sent nothing for ${XLSX_BATCH_WAIT_MS} ms`);
      else throw new Error(`the XLSX reading thread exited (code ${event.exit}) before the end of the statement`);
    }
  } finally {
    await worker.terminate();
    live--;
    readsRunning.leave();
  }
}
