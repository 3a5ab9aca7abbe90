import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

/**
 * The compiled script of a worker thread of this folder (`csv-export.worker.js`). Built, it sits next to this
 * file. Under ts-jest this file is TypeScript and Node cannot run a worker's TypeScript in a thread, so tests
 * run the compiled copy in dist/ of the same source (jest's global setup builds it first: test/global-setup.ts).
 */
export function workerScript(name: string): string {
  const beside = join(__dirname, name);
  if (existsSync(beside) || !__filename.endsWith('.ts')) return beside;
  return resolve(__dirname, '../../dist/src/api', name);
}
