import pino, { Logger } from 'pino';

/**
 * Structured JSON logs (pino). Secrets never reach a log line: request bodies and headers are not
 * logged, and these paths are censored should an object carrying them ever be logged.
 */
export const REDACTED_PATHS = [
  '*.secret', '*.secretkey', '*.apikey', '*.appSecret', '*.token', '*.sessionId', '*.password', '*.sign',
  'req.headers.authorization', 'req.headers.cookie', 'config',
];

export function createLogger(options: { level?: string; destination?: pino.DestinationStream } = {}): Logger {
  return pino(
    { level: options.level ?? process.env.LOG_LEVEL ?? 'info', redact: { paths: REDACTED_PATHS, censor: '[redacted]' }, base: { service: 'claim-relay' } },
    options.destination,
  );
}
