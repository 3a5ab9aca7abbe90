/**
 * What the callback fuzz targets (shopex-callback-fuzz, duobaoyu-push-fuzz) share: a timed post, the inbox's
 * row count, and the check that no log line holds a body.
 */
import type { DataSource } from 'typeorm';
import type { DatabaseKind } from '../../ormconfig';
import { capturedLogger } from '../support/captured-log';
import { readAnswer } from '../support/http-answer';
import { startTestService, type TestService } from '../support/test-service';

/** The longest a callback may take to be answered, even on a loaded machine. */
export const ANSWER_WITHIN_MS = 5000;
/** A log line may hold the body's size, hash and first bytes (src/callbacks/body-summary.ts): well under this. */
const MAX_LOG_LINE = 2048;
/** How many of a body's first bytes a log line may show (src/callbacks/body-summary.ts). */
const LOGGED_HEAD = 64;

export interface TimedAnswer {
  status: number;
  contentType: string;
  text: string;
  json: any;
  ms: number;
}

export async function timedPost(url: string, body: Buffer, contentType: string | null, headers: Record<string, string> = {}): Promise<TimedAnswer> {
  return timedFetch(url, { method: 'POST', body, headers: { ...headers, ...(contentType ? { 'content-type': contentType } : {}) } });
}

export async function timedFetch(url: string, init: RequestInit): Promise<TimedAnswer> {
  const started = Date.now();
  const a = await readAnswer(await fetch(url, init));
  return { status: a.status, contentType: a.headers.get('content-type') ?? '', text: a.text, json: a.json, ms: Date.now() - started };
}

/** `HTTP 200 in 12 ms: <the answer's first characters>`, for a failure's message; throws when the answer came too late. */
export function describeAnswer(a: TimedAnswer): string {
  const where = `HTTP ${a.status} in ${a.ms} ms: ${a.text.slice(0, 300)}`;
  if (a.ms > ANSWER_WITHIN_MS) throw new Error(`answered after ${ANSWER_WITHIN_MS} ms: ${where}`);
  return where;
}

export async function inboxCount(dataSource: DataSource): Promise<number> {
  return Number((await dataSource.query('SELECT COUNT(*) AS n FROM callback_inbox'))[0].n);
}

/** Throws when a log line is long enough to hold a body, or holds `marker` (sent beyond the bytes a line may show). */
export function checkLogLines(lines: readonly string[], body: Buffer, marker: string): void {
  const markerAt = body.indexOf(marker);
  for (const line of lines) {
    if (line.length >= MAX_LOG_LINE) throw new Error(`a log line of ${line.length} characters: ${line.slice(0, 200)}`);
    if (markerAt >= LOGGED_HEAD && line.includes(marker)) throw new Error(`a log line holds the body: ${line.slice(0, 300)}`);
  }
}

/** A marker to send inside a body and look for in the log. */
export const MARKER_HEX = /^[0-9a-f]{16}$/;

/**
 * Starts the service for a describe block (its log captured) and closes it after, printing how the
 * generated callbacks were answered: `post` to `path`, `tally` an outcome, `logLines` since a mark.
 */
export function callbackFuzzService(label: string, path: string, kind: DatabaseKind, config: object) {
  let svc: TestService;
  let lines: string[] = [];
  const seen = new Map<string, number>();
  beforeAll(async () => {
    const log = capturedLogger();
    lines = log.lines;
    svc = await startTestService(kind, config, { logger: log.logger });
  });
  afterAll(async () => {
    console.log(`${label} on ${kind}: ${JSON.stringify(Object.fromEntries([...seen].sort()))}`);
    await svc?.close();
  });
  return {
    service: () => svc,
    post: (body: Buffer, contentType: string | null) => timedPost(`${svc.baseUrl}${path}`, body, contentType),
    tally: (outcome: string) => void seen.set(outcome, (seen.get(outcome) ?? 0) + 1),
    seen: (outcome: string) => seen.get(outcome) ?? 0,
    logMark: () => lines.length,
    logLinesSince: (mark: number) => lines.slice(mark),
  };
}
