/**
 * Hostile input on the finance API (issue 16), property-based with fast-check. Beside finance-sql-meta
 * (one SQL-meta value in one known filter at a time, and exact results), this generates whole query
 * strings for the list endpoints — unknown and repeated keys, several filters at once, crafted and huge
 * cursors (`[1e400]`, ids beyond 2^53, other shapes), `1e400` and other numbers in every field, broken
 * percent escapes, long values — and requests to the operator's POST routes with hostile ids, query
 * strings and JSON bodies. Properties: never HTTP 500 (the database is healthy, so a 500 would be an
 * unhandled exception), every failure in the `{"error","message"}` envelope with a known id, no error
 * logged, every answer within a time bound.
 *
 * FUZZ_RUNS (default 1500 query strings and a third of that POSTs, about 10 s on SQLite), FUZZ_SEED,
 * FUZZ_DATABASES, FUZZ_SECONDS: test/hostile/fuzz-settings.ts.
 */
import fc from 'fast-check';
import { CLAIM_FLAGS, JUDGMENT_FLAGS } from '../../src/domain/reconciliation';
import type { EdgeFailureId } from '../../src/http/edge-failure';
import { capturedLogger } from '../support/captured-log';
import { specExample } from '../support/qimen-push';
import { startTestService, TestService } from '../support/test-service';
import { describeAnswer, timedFetch, timedPost, type TimedAnswer } from './callback-fuzz';
import { describeFuzz, fuzzParameters, fuzzRuns } from './fuzz-settings';
import { hostileString, hostileValue, serialize } from './hostile-json';

const RUNS = fuzzRuns(1500);
const POST_RUNS = Math.max(1, Math.round(RUNS / 3));
const OPERATOR = 'finance-fuzz-operator-token-0123456789';
const CONFIG = {
  platforms: { glitzcloud: { baseUrl: 'http://127.0.0.1:9', apikey: 'k', secretkey: 's', storeName: 'TWUSA01' } },
  routes: [{ name: 'all', platform: 'glitzcloud', fields: { type: '1', problem_description: '{tenantId}' } }],
  finance: { tokens: [{ name: 'operator', token: OPERATOR, role: 'operator' }] },
};

/** The ids of src/api/api-error.ts (ApiError's and the edge failures'), but internal-error. */
const API_ERROR_IDS: ReadonlySet<string> = new Set<string>([
  'unauthorized', 'forbidden', 'not-found', 'invalid-parameter', 'conflict', 'platform-refused', 'unsupported-media-type',
  ...(['bad-request', 'not-found', 'method-not-allowed', 'headers-too-large', 'request-timeout', 'body-too-large', 'rate-limited', 'server-busy', 'starting'] satisfies EdgeFailureId[]),
]);

const LIST_ENDPOINTS: Record<string, string[]> = {
  '/api/judgments': ['from', 'to', 'tenantId', 'responsibilityParty', 'currency', 'status', 'platform', 'q', 'flag', 'cursor', 'limit'],
  '/api/claims': ['workOrderId', 'platform', 'status', 'flag', 'cursor', 'limit'],
  '/api/settlements': ['platform', 'from', 'to', 'unmatched', 'cursor', 'limit'],
  '/api/rejected-pushes': ['from', 'to', 'errorId', 'cursor', 'limit'],
  '/api/summary': ['from', 'to', 'tenantId', 'responsibilityParty', 'currency', 'status', 'platform', 'q', 'flag'],
  '/api/summary/daily': ['from', 'to', 'tenantId', 'currency', 'platform', 'flag', 'utcOffsetMinutes'],
};

const b64 = (text: string) => Buffer.from(text, 'utf8').toString('base64url');

/** Cursors: crafted sort keys (numbers JSON.parse turns into Infinity, unsafe ids, other shapes), not base64, huge. */
const cursor: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom('[1e400]', '[-1e400]', '[9007199254740993]', '[-1]', '[1.5]', '["1"]', '[null]', '[]', '[1,2]', '{}', '1', '"x"', '[true]', '["2026-11-20T00:00:00.000Z",1]',
    '["275760-09-13T00:00:00.000Z",1]', '["2026-02-30T00:00:00.000Z",1]', '[1e400,1e400]', '["\u0000",1]').map(b64),
  fc.constantFrom('%', '=', '!!!!', 'WzFdXQ', 'W zFd', 'WzE', '\u0000'),
  fc.constantFrom(1_000, 6_000).map((n) => b64(`[${'9'.repeat(n)}]`)),
  hostileValue.map((v) => serialize(v).toString('base64url')).filter((c) => c.length < 6_000),
);

const value: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom('1e400', '-1e400', '1e21', '0x10', '0', '-0', '-1', '1.5', '500', '501', '9007199254740993', 'NaN', 'Infinity', '', ' ', '2026-11-20', '2026-02-30',
    '2026-11-20T08:00:00+08:00', '275760-09-13', '9999-12-31T23:59:59Z', 'CNY', 'cny', 'submitted', 'glitzcloud', ...JUDGMENT_FLAGS, ...CLAIM_FLAGS, "' OR 1=1 --", '%_'),
  hostileString,
  fc.constantFrom(200, 3_000).map((n) => 'x'.repeat(n)),
);

/** A query string: known keys (maybe repeated), unknown ones, and raw pieces with broken escapes, joined raw. */
const queryString: fc.Arbitrary<string> = fc
  .array(
    fc.oneof(
      { weight: 6, arbitrary: fc.tuple(fc.constantFrom(...new Set(Object.values(LIST_ENDPOINTS).flat())), value).map(([k, v]) => `${k}=${encodeURIComponent(v.replace(/[\ud800-\udfff]/g, '\ufffd'))}`) },
      { weight: 2, arbitrary: cursor.map((c) => `cursor=${encodeURIComponent(c)}`) },
      { weight: 1, arbitrary: fc.tuple(fc.constantFrom('__proto__', 'constructor', 'toString', 'limit[]', 'from[a]', 'a', '', 'hasOwnProperty'), value).map(([k, v]) => `${k}=${encodeURIComponent(v.replace(/[\ud800-\udfff]/g, '\ufffd'))}`) },
      { weight: 1, arbitrary: fc.constantFrom('%', '%Z', '%ZZ', '%E4%B8', '%ED%A0%80', '%FF', '%00', '&', '=', '==', '+', ';', 'limit', 'limit=', 'cursor', '#', '?', '[]', '%26') },
    ),
    { maxLength: 6 },
  )
  .map((parts) => parts.join('&'));

describeFuzz('generated hostile finance API requests on %s', (kind) => {
  let svc: TestService;
  let errors: string[];
  let claimIds: number[] = [];
  const seen = new Map<string, number>();
  const tally = (a: TimedAnswer) => seen.set(String(a.status), (seen.get(String(a.status)) ?? 0) + 1);

  beforeAll(async () => {
    const log = capturedLogger();
    errors = log.lines;
    svc = await startTestService(kind, CONFIG, { logger: log.logger });
    for (const i of [1, 2, 3]) expect((await svc.push({ ...specExample(), externalOrderId: `FUZZ-${i}` })).json.errorId).toBe('success');
    claimIds = (await svc.dataSource.query('SELECT id FROM claim ORDER BY id')).map((r: { id: number }) => Number(r.id));
  });
  afterAll(async () => {
    console.log(`finance fuzz on ${kind}: ${JSON.stringify(Object.fromEntries([...seen].sort()))}`);
    await svc?.close();
  });

  const loggedErrors = () => errors.filter((l) => JSON.parse(l).level >= 50);

  const auth = { authorization: `Bearer ${OPERATOR}` };
  const request = (method: 'GET' | 'POST', path: string, body?: Buffer, contentType?: string): Promise<TimedAnswer> =>
    method === 'POST' ? timedPost(`${svc.baseUrl}${path}`, body ?? Buffer.alloc(0), contentType ?? null, auth) : timedFetch(`${svc.baseUrl}${path}`, { headers: auth });

  /** Throws unless the answer is a 2xx, or a failure in the envelope with a known id; never a 500. */
  function checkAnswer(a: TimedAnswer): void {
    const where = describeAnswer(a);
    if (a.status >= 200 && a.status < 300) return;
    const j = a.json;
    if (j === null || typeof j !== 'object' || typeof j.error !== 'string' || typeof j.message !== 'string') throw new Error(`not the envelope: ${where}`);
    if (Object.keys(j).some((k) => !['error', 'message', 'field'].includes(k))) throw new Error(`other keys in the envelope: ${where}`);
    if (!API_ERROR_IDS.has(j.error)) throw new Error(`not a known error id (HTTP 500 is for storage failures only): ${where}`);
  }

  it(`answers ${RUNS} generated query strings on the list endpoints with 200 or a known error in the envelope, never 500`, async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...Object.keys(LIST_ENDPOINTS)), queryString, async (path, query) => {
        const a = await request('GET', `${path}?${query}`);
        tally(a);
        checkAnswer(a);
        if (a.status === 200 && !path.startsWith('/api/summary') && !Array.isArray(a.json?.items)) throw new Error(`200 without items: ${a.text.slice(0, 200)}`);
        if (loggedErrors().length) throw new Error(`logged an error: ${loggedErrors()[0].slice(0, 300)}`);
      }),
      fuzzParameters(RUNS),
    );
    expect(seen.get('200')).toBeGreaterThan(0);
    expect(seen.get('400')).toBeGreaterThan(0);
  }, 120_000);

  it(`answers ${POST_RUNS} generated retry and cancel requests (hostile ids, queries, bodies) in the envelope, never 500`, async () => {
    const id = fc.oneof(
      { weight: 3, arbitrary: fc.constantFrom(...claimIds.map(String)) },
      fc.constantFrom('0', '-1', '1e400', '9007199254740993', '1.0', '%20', '%00', '..', 'x', '1%2F', '01', `${'9'.repeat(400)}`),
    );
    const body = fc.oneof(
      hostileValue.map(serialize).filter((b) => b.length < 100_000),
      fc.constantFrom('', '{', '{"status":"accepted"}', '{"__proto__":{"role":"operator"}}', '[]').map((t) => Buffer.from(t)),
    );
    await fc.assert(
      fc.asyncProperty(id, fc.constantFrom('retry', 'cancel'), queryString, body, fc.constantFrom('application/json', 'text/plain', undefined), async (claim, action, query, b, type) => {
        const a = await request('POST', `/api/claims/${claim}/${action}${query ? `?${query}` : ''}`, b, type);
        tally(a);
        checkAnswer(a);
        if (loggedErrors().length) throw new Error(`logged an error: ${loggedErrors()[0].slice(0, 300)}`);
      }),
      fuzzParameters(POST_RUNS),
    );
  }, 120_000);
});
