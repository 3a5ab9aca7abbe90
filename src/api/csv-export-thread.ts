import { Readable } from 'node:stream';
import { Worker } from 'node:worker_threads';
import type { DatabaseAddress } from '../../ormconfig';
import type { CsvExportJob, CsvExportMessage, CsvThreadRequest } from './csv-export.worker';
import { gate } from './gate';
import { workerScript } from './worker-script';

/**
 * CSV exports run in worker threads, each with a heap of its own capped by these limits. In the service's
 * own heap, an export of 100,000 rows grew the process by about 95 MiB although it holds one batch at a
 * time: V8 lets the old generation grow to a multiple of the live data before it collects, and an export
 * allocates fast (entities, rows, text). Capping the whole process would tax every push (more frequent
 * collections) and could not hold a 999,999-package push; capping one export's thread costs nothing
 * elsewhere, and keeps the export's CPU off the event loop that answers pushes. The price: a thread takes
 * about 0.3 s to start and holds about 30 MiB until it ends (CSV_THREAD_IDLE_MS after its last export), and
 * its small heap collects more often, so a large export takes longer. Measured in BENCHMARKS.md (H) and the issue 6 note.
 * An export that needs more than its cap fails alone (the download breaks and the error is logged); the
 * service goes on.
 */
export const CSV_EXPORT_LIMITS = { maxOldGenerationSizeMb: 40, maxYoungGenerationSizeMb: 4 } as const;

/** A thread that has sent its last message is stopped if it has not ended after this long. */
const THREAD_END_GRACE_MS = 5000;

/** CSV bytes held ready for the client, at most (plus the piece that crossed the mark). */
const READ_AHEAD_BYTES = 512 * 1024;

/**
 * A thread that completed an export waits this long for the next one before it ends and gives its memory
 * back: repeated exports (a finance user refining a filter) start at once instead of after about 0.3 s.
 */
export const CSV_THREAD_IDLE_MS = 30_000;

/** At most this many exports run at once (more wait for a turn), and at most this many idle threads are kept. */
export const CSV_EXPORTS_AT_ONCE = 2;

/** The worker's script (compiled: src/api/worker-script.ts). */
export const csvWorkerScript = (): string => workerScript('csv-export.worker.js');

const exportsRunning = gate(CSV_EXPORTS_AT_ONCE);

/** What an export in progress does with its thread's messages and failure. */
interface Receiver {
  message(message: CsvExportMessage): void;
  fail(err: Error): void;
}

interface ExportThread {
  worker: Worker;
  /** Threads are reused only for the same script, database and limits. */
  key: string;
  current: Receiver | null;
  idleTimer?: NodeJS.Timeout;
}

/** Threads that finished an export, newest last, each ended after CSV_THREAD_IDLE_MS unused. */
const idle: ExportThread[] = [];
let threadsStarted = 0;

/** Export threads and exports now: running, waiting for a turn, idle threads kept, and threads started so far. */
export const csvExportThreads = () => ({ running: exportsRunning.inside(), waiting: exportsRunning.waiting(), idle: idle.length, started: threadsStarted });

function startThread(key: string, database: DatabaseAddress, script: string, limits: CsvExportLimits): ExportThread {
  const thread: ExportThread = { worker: new Worker(script, { workerData: { database }, resourceLimits: limits }), key, current: null };
  threadsStarted++;
  thread.worker.on('message', (message: CsvExportMessage) => thread.current?.message(message));
  thread.worker.on('error', (err) => thread.current?.fail(err));
  thread.worker.on('exit', (code) => {
    forget(thread);
    thread.current?.fail(new Error(`CSV export thread exited with code ${code} before the end`));
  });
  return thread;
}

function forget(thread: ExportThread): void {
  clearTimeout(thread.idleTimer);
  const at = idle.indexOf(thread);
  if (at >= 0) idle.splice(at, 1);
}

/** Ends a thread: it closes its connection and exits; one that does not within the grace is stopped. */
function close(thread: ExportThread): void {
  forget(thread);
  thread.worker.postMessage('close' satisfies CsvThreadRequest);
  setTimeout(() => void thread.worker.terminate(), THREAD_END_GRACE_MS).unref();
}

function keepIdle(thread: ExportThread, idleMs: number): void {
  thread.worker.unref(); // an idle thread never holds the process open
  idle.push(thread);
  thread.idleTimer = setTimeout(() => close(thread), idleMs).unref();
  while (idle.length > CSV_EXPORTS_AT_ONCE) close(idle[0]);
}

function takeThread(key: string, database: DatabaseAddress, script: string, limits: CsvExportLimits): ExportThread {
  let kept: ExportThread | undefined;
  for (const thread of idle) if (thread.key === key) kept = thread; // the newest
  if (!kept) return startThread(key, database, script, limits);
  forget(kept);
  kept.worker.ref();
  return kept;
}

/** Ends every idle export thread (at shutdown); exports in progress finish on their own. */
export function closeIdleCsvExportThreads(): void {
  for (const thread of [...idle]) close(thread);
}

export type CsvExportLimits = { maxOldGenerationSizeMb: number; maxYoungGenerationSizeMb: number };

export interface CsvExportOptions {
  /** The worker's script (default: csvWorkerScript()). */
  script?: string;
  /** The thread's heap limits (default: CSV_EXPORT_LIMITS). */
  limits?: CsvExportLimits;
  /** How long a thread waits for the next export before it ends (default: CSV_THREAD_IDLE_MS). */
  idleMs?: number;
}

/**
 * Starts an export (after waiting for a turn) and resolves with its bytes as a stream once the first piece
 * (the header row and the first batch: the thread has connected and the query works) is in it; it rejects
 * when the export fails before, so the caller can still answer with an error instead of a cut download. The thread reads
 * one batch per request, and a batch is requested only when the stream wants more, so a slow client holds
 * one batch in memory at most. Destroying the stream (the client went away) stops the thread; a thread
 * whose export completed waits for the next one.
 */
export async function openCsvExport(database: DatabaseAddress, job: CsvExportJob, options: CsvExportOptions = {}): Promise<Readable> {
  const { script = csvWorkerScript(), limits = CSV_EXPORT_LIMITS, idleMs = CSV_THREAD_IDLE_MS } = options;
  const key = JSON.stringify([script, database.url, database.mysqlFlavor, limits]);
  let thread: ExportThread | undefined;
  let jobSent = false;
  let asked = false;
  let finished = false;
  let left = false;
  let firstPiece!: { arrived(): void; failed(err: Error): void };
  const opened = new Promise<void>((arrived, failed) => (firstPiece = { arrived, failed }));
  const leave = () => {
    if (left) return;
    left = true;
    exportsRunning.leave();
  };
  const end = () => {
    finished = true;
    if (thread) thread.current = null;
    leave();
  };
  const started = exportsRunning.enter().then(() => {
    if (stream.destroyed) return leave();
    try {
      thread = takeThread(key, database, script, limits);
    } catch (err) {
      leave();
      return void stream.destroy(err as Error);
    }
    const mine = thread;
    mine.current = {
      message(message) {
        asked = false;
        if ('piece' in message) {
          stream.push(Buffer.from(message.piece.buffer, message.piece.byteOffset, message.piece.byteLength));
          return firstPiece.arrived();
        }
        end();
        if ('done' in message) {
          keepIdle(mine, idleMs);
          stream.push(null);
        } else stream.destroy(new Error(`CSV export failed: ${message.failed}`)); // the thread ends itself
      },
      fail(err) {
        end();
        stream.destroy(err);
      },
    };
    ask(); // the first piece at once: it tells the caller the export works
  });
  const ask = () => {
    if (asked || finished || !thread) return;
    asked = true;
    thread.worker.postMessage((jobSent ? 'next' : { job }) satisfies CsvThreadRequest);
    jobSent = true;
  };
  const stream = new Readable({
    // Below this many buffered bytes the thread is asked for the next batch (500 rows: about 65 KB), so it
    // reads while the socket drains the last one.
    highWaterMark: READ_AHEAD_BYTES,
    read() {
      void started.then(ask);
    },
    destroy(err, callback) {
      firstPiece.failed(err ?? new Error('CSV export stream destroyed before its first piece'));
      // Gone mid-export: the thread is stopped, not reused (it is inside a batch).
      if (thread && !finished) {
        const stopped = thread;
        end();
        void stopped.worker.terminate();
      }
      callback(err);
    },
  });
  // An export that fails before its first piece has no reader yet: its error is the rejection below, not
  // an unhandled 'error' event. Readers attached later (Koa's pipeline, for await) still see any error.
  stream.on('error', () => undefined);
  await opened;
  return stream;
}
