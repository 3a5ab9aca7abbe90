import { createHash } from 'node:crypto';

/** How much of a body a log line may show. */
export const LOGGED_BODY_HEAD_BYTES = 64;

/** What a log line may say about a request body: its size, its hash and its first bytes, never all of it. */
export interface BodySummary {
  bytes: number;
  sha256: string;
  head: string;
}

export function summarizeBody(body: Buffer): BodySummary {
  return {
    bytes: body.length,
    sha256: createHash('sha256').update(body).digest('hex'),
    head: body.subarray(0, LOGGED_BODY_HEAD_BYTES).toString('latin1').replace(/[^\x20-\x7E]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`),
  };
}
