import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { ApiError } from './api-error';

/** A statement as uploaded, kept in a temporary file: read from there, then removed. */
export interface StatementFile {
  path: string;
  /** SHA-256 of the file's bytes, hex. */
  sha256: string;
  bytes: number;
  remove(): Promise<void>;
}

export const tooLarge = (maxBytes: number) => new ApiError(413, 'body-too-large', `body: a statement may be at most ${maxBytes} bytes`);

/**
 * Writes a request body to a temporary file, hashing it on the way, and refuses it past `maxBytes`.
 * Why a file: a statement is read only once whole (the upload's pace never holds a database transaction,
 * and an XLSX's sheet may come before its shared strings), and memory holds one chunk at a time.
 */
export async function spoolStatement(body: NodeJS.ReadableStream, maxBytes: number): Promise<StatementFile> {
  const dir = await mkdtemp(join(tmpdir(), 'claim-relay-statement-'));
  const path = join(dir, 'statement');
  const remove = () => rm(dir, { recursive: true, force: true });
  const hash = createHash('sha256');
  let bytes = 0;
  const meter = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      bytes += chunk.length;
      if (bytes > maxBytes) return done(tooLarge(maxBytes));
      hash.update(chunk);
      done(null, chunk);
    },
  });
  try {
    await pipeline(body, meter, createWriteStream(path));
  } catch (err) {
    await remove();
    throw err;
  }
  return { path, sha256: hash.digest('hex'), bytes, remove };
}
