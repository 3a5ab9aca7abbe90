import pino, { Logger } from 'pino';
import { ignoringClosedReader } from './stdio';

/**
 * Structured JSON logs (pino). Secrets never reach a log line: request bodies and headers are not
 * logged, and these paths are censored should an object carrying them ever be logged.
 */
export const REDACTED_PATHS = [
  '*.secret', '*.secretkey', '*.apikey', '*.appSecret', '*.token', '*.sessionId', '*.password', '*.sign',
  'req.headers.authorization', 'req.headers.cookie', 'config',
];

/**
 * Lines go to process.stdout (written at once while the pipe, file or terminal takes them), not to pino's
 * default asynchronous SonicBoom: that one flushes synchronously at exit and retries a failed write with no
 * end when stdout's reader has gone (EPIPE), so the process could not exit (`node dist/src/main.js | head -2`,
 * then SIGTERM). With the reader gone, log lines are dropped (src/stdio.ts); a reader that is merely slow
 * gets them queued in memory, and neither blocks the process nor its exit.
 */
export function createLogger(options: { level?: string; destination?: pino.DestinationStream } = {}): Logger {
  return pino(
    { level: options.level ?? process.env.LOG_LEVEL ?? 'info', redact: { paths: REDACTED_PATHS, censor: '[redacted]' }, base: { service: 'claim-relay' } },
    options.destination ?? ignoringClosedReader(process.stdout),
  );
}
