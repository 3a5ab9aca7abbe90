import 'reflect-metadata';
import { parentPort, workerData } from 'node:worker_threads';
import { DataSource } from 'typeorm';
import { DatabaseAddress, dataSourceOptions } from '../../ormconfig';
import { ExportJob, exportPieces } from './export-pieces';

/**
 * A thread that runs exports (CSV and XLSX), one at a time, on its own heap (capped) and its own single database
 * connection; src/api/csv-export-thread.ts starts it with the database's address and drives it:
 *   → { job }      start an export           ← { piece } the next piece of the file (CSV as UTF-8, transferred, not copied)
 *   → 'next'       the next piece, please    ← { done: true } the export is whole; the thread waits for a job
 *   → 'close'      end the thread            ← { failed } the error's message; the thread ends
 */
export type CsvExportJob = ExportJob;

export type CsvThreadRequest = { job: CsvExportJob } | 'next' | 'close';
export type CsvExportMessage = { piece: Uint8Array } | { done: true } | { failed: string };

function serve(port: NonNullable<typeof parentPort>, database: DatabaseAddress): void {
  const base = dataSourceOptions(database.url, database.mysqlFlavor);
  const dataSource = new DataSource(base.type === 'better-sqlite3' ? base : { ...base, extra: { ...(base as { extra?: object }).extra, connectionLimit: 1 } });
  const encoder = new TextEncoder();
  let pieces: AsyncGenerator<string | Uint8Array> | undefined;
  const send = (message: CsvExportMessage) => port.postMessage(message, 'piece' in message ? [message.piece.buffer as ArrayBuffer] : []);
  // The connection is closed before the port, so the thread ends on its own right after.
  const end = async (last?: CsvExportMessage) => {
    if (dataSource.isInitialized) await dataSource.destroy().catch(() => undefined);
    if (last) send(last);
    port.close();
  };
  const step = async (request: CsvThreadRequest) => {
    if (request === 'close') return end();
    if (request !== 'next') {
      if (!dataSource.isInitialized) await dataSource.initialize();
      pieces = exportPieces(dataSource, request.job);
    }
    if (!pieces) throw new Error('next piece asked before a job');
    const next = await pieces.next();
    if (!next.done) return send({ piece: typeof next.value === 'string' ? encoder.encode(next.value) : next.value });
    pieces = undefined;
    send({ done: true });
  };
  port.on('message', (request: CsvThreadRequest) => {
    step(request).catch((err: Error) => end({ failed: err.message }));
  });
}

if (parentPort) serve(parentPort, (workerData as { database: DatabaseAddress }).database);
