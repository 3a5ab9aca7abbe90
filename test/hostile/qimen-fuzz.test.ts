/**
 * Hostile input on POST /qimen (issue 7, item 4), property-based with fast-check.
 *
 * Thousands of generated pushes — random types in every field, fields missing and extra, huge strings,
 * deep nesting, `__proto__`/`constructor` keys, invalid UTF-8, raw numbers like 1e309 and -0, "NaN"
 * strings, duplicate keys, cut-off JSON — with random query strings, signed and unsigned. Every answer must
 * be a well-formed Qimen envelope (never `internal-error`: nothing here breaks the database, so one would
 * be an unhandled exception), a push refused must store nothing, an accepted one must be stored, and a
 * push whose signature is wrong is never accepted.
 *
 * FUZZ_RUNS (default 3000, about 10 s on SQLite) sets the generated pushes; the random query strings get a third of that.
 * FUZZ_SEED replays a run. FUZZ_DATABASES (default sqlite) picks the databases of the generated runs;
 * the fixed cases below run on every TEST_DATABASES.
 */
import { connect } from 'node:net';
import { Writable } from 'node:stream';
import fc from 'fast-check';
import type { DataSource } from 'typeorm';
import { QIMEN_ERRORS, QimenErrorId } from '../../src/errors/qimen-errors';
import { createLogger } from '../../src/logging';
import { parseQimenQuery, QIMEN_SIGN_METHODS, qimenSign, QimenSignMethod, signedParams } from '../../src/verify/qimen-sign';
import { formatQimenTimestamp } from '../../src/verify/qimen-timestamp';
import type { DatabaseKind } from '../../ormconfig';
import { TEST_DATABASES } from '../support/databases';
import { DANNIAO_METHOD, signedPush, specExample, TEST_APP } from '../support/qimen-push';
import { startTestService, TestService } from '../support/test-service';
import { hostileBody, hostileString, Obj, Raw, serialize, toNode } from './hostile-json';
import { readAnswer } from '../support/http-answer';

const FUZZ_RUNS = Number(process.env.FUZZ_RUNS ?? 3000);
const QUERY_RUNS = Math.max(1, Math.round(FUZZ_RUNS / 3));
const FUZZ_SEED = process.env.FUZZ_SEED === undefined ? undefined : Number(process.env.FUZZ_SEED);
const FUZZ_DATABASES = (process.env.FUZZ_DATABASES ?? 'sqlite').split(',').map((s) => s.trim()).filter((s): s is DatabaseKind => s === 'sqlite' || s === 'mysql');

/** Small, so that the generated huge strings also meet the limit. */
const MAX_BODY_BYTES = 256 * 1024;

/** Routes whose fields read hostile paths: the outbox runs on every accepted push. */
const CONFIG = {
  qimen: { apps: [TEST_APP], maxBodyBytes: MAX_BODY_BYTES },
  platforms: { glitzcloud: { baseUrl: 'http://127.0.0.1:9', apikey: 'k', secretkey: 's', storeName: 'TWUSA01' } },
  routes: [
    {
      name: 'warehouse', platform: 'glitzcloud', when: { established: true, responsibilityParty: 'WAREHOUSE' }, share: 'warehouseRatio',
      fields: { type: '1', connect_order_sn: '{logisticsOrderNo}', problem_description: '{judgeResult.judgeReason} {claimInfo} {__proto__} {constructor.name} {extra}' },
    },
    { name: 'all', platform: 'glitzcloud', fields: { type: '1', note: '{description}{tenantId}{responsibilityPackageNos}' } },
  ],
};

/** Every line the service logs at error level or above (an unhandled exception is logged there). */
function errorLogSink() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      for (const line of String(chunk).split('\n')) if (line && JSON.parse(line).level >= 50) lines.push(line);
      done();
    },
  });
  return { lines, logger: createLogger({ level: 'error', destination: stream }) };
}

/** Rows of stored judgments; the raw pushes of rejected pushes (kept refusals, issue 15) are not counted. */
async function rowCounts(ds: DataSource): Promise<string> {
  const tables = ['work_order', 'judgment_revision', 'raw_push', 'raw_push_chunk', 'responsibility_package', 'claim', 'claim_event'];
  const notRejected: Record<string, string> = {
    raw_push: ' WHERE id NOT IN (SELECT rawPushId FROM rejected_push)',
    raw_push_chunk: ' WHERE rawPushId NOT IN (SELECT rawPushId FROM rejected_push)',
  };
  const [row] = await ds.query(`SELECT ${tables.map((t) => `(SELECT COUNT(*) FROM ${t}${notRejected[t] ?? ''}) AS ${t}`).join(', ')}`);
  return tables.map((t) => Number(row[t])).join(',');
}

interface Answer {
  status: number;
  text: string;
  json: any;
}

const KNOWN_IDS = new Set<string>(['success', ...Object.keys(QIMEN_ERRORS)]);

const XML_ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/** Qimen's XML envelope read back into the JSON envelope's fields (undefined when it is not one). */
function fromXml(text: string): any {
  const m = /^<\?xml [^>]*\?><response><flag>(success|failure)<\/flag><code>([^<]*)<\/code><message>([^<]*)<\/message><errorId>([^<]*)<\/errorId>(?:<data><workOrderId>(\d+)<\/workOrderId><\/data>)?<\/response>$/s.exec(text);
  if (!m) return undefined;
  const unescape = (s: string) => s.replace(/&(amp|lt|gt|quot|apos);/g, (_, e: string) => XML_ENTITIES[e]);
  return { error: unescape(m[2]), errorMessage: unescape(m[3]), errorId: unescape(m[4]), ...(m[5] ? { data: { workOrderId: Number(m[5]) } } : {}) };
}

/** Throws unless the answer is a well-formed Qimen envelope (JSON, or XML for format=xml) with a status that matches its errorId. */
function checkEnvelope(a: Answer): string {
  const where = `HTTP ${a.status} ${a.text.slice(0, 300)}`;
  const envelope = a.json ?? fromXml(a.text);
  if (envelope === undefined) throw new Error(`not a JSON or XML envelope: ${where}`);
  const { errorId, error, errorMessage } = envelope;
  if (typeof errorId !== 'string' || typeof error !== 'string' || typeof errorMessage !== 'string') throw new Error(`not an envelope: ${where}`);
  if (!KNOWN_IDS.has(errorId)) throw new Error(`unknown errorId: ${where}`);
  if (/\n\s+at /.test(errorMessage)) throw new Error(`stack trace in the answer: ${where}`);
  if (errorId === 'success') {
    if (a.status !== 200 || error !== '200' || !Number.isSafeInteger(envelope.data?.workOrderId) || envelope.data.workOrderId < 1) throw new Error(`bad success: ${where}`);
  } else {
    if (error === '200') throw new Error(`failure with error 200: ${where}`);
    if (a.status !== QIMEN_ERRORS[errorId as QimenErrorId].httpStatus) throw new Error(`status does not match errorId: ${where}`);
    if (errorId === 'internal-error') throw new Error(`internal-error (an unhandled exception) on a healthy database: ${where}`);
  }
  return errorId;
}

async function post(baseUrl: string, query: string, body: Buffer, headers: Record<string, string> = {}): Promise<Answer> {
  const answer = await readAnswer(await fetch(`${baseUrl}/qimen?${query}`, { method: 'POST', body, headers }));
  return { ...answer, json: answer.json ?? fromXml(answer.text) };
}

/** Posts, checks the envelope, and checks what was stored: nothing for a refusal, the work order for a success. */
async function postAndCheck(svc: TestService, query: string, body: Buffer, headers: Record<string, string> = {}): Promise<string> {
  const before = await rowCounts(svc.dataSource);
  const answer = await post(svc.baseUrl, query, body, headers);
  const errorId = checkEnvelope(answer);
  const after = await rowCounts(svc.dataSource);
  if (errorId !== 'success' && after !== before) throw new Error(`${errorId} but rows changed ${before} → ${after}: ${answer.text}`);
  if (errorId === 'success') {
    const rows = await svc.dataSource.query('SELECT id FROM work_order WHERE id = ?', [answer.json.data.workOrderId]);
    if (rows.length !== 1) throw new Error(`success for work order ${answer.json.data.workOrderId}, which is not stored`);
  }
  return errorId;
}

/** How the query of a generated push is built. */
interface QueryPlan {
  appKey: string | null;
  timestamp: { offsetMs: number } | { text: string } | null;
  signMethod: string | null;
  method: string | null;
  format: string | null;
  extras: Array<[string, string]>;
  signMode: 'right' | 'lowercase' | 'wrong-secret' | 'garbage' | 'empty' | 'missing' | 'other-body';
  signHeaders: Array<[string, string]>;
  contentType: string | null;
}

const headerText = fc.string({ unit: fc.constantFrom(...'abcXYZ019 -_.:/'.split('')), maxLength: 16 });

const queryPlan: fc.Arbitrary<QueryPlan> = fc.record({
  appKey: fc.oneof({ weight: 12, arbitrary: fc.constant(TEST_APP.appKey) }, fc.constantFrom(null, '', '99999999', ' 12345678', '12345678 ', '１２３４５６７８'), hostileString),
  timestamp: fc.oneof(
    { weight: 12, arbitrary: fc.constant({ offsetMs: 0 }) },
    fc.integer({ min: -500_000, max: 500_000 }).map((offsetMs) => ({ offsetMs })),
    fc.oneof(fc.integer({ min: -1e12, max: -700_000 }), fc.integer({ min: 700_000, max: 1e12 })).map((offsetMs) => ({ offsetMs })),
    fc.constantFrom(null, { text: '' }, { text: '2024-02-30 12:00:00' }, { text: '9999-12-31 23:59:59' }, { text: '0000-01-01 00:00:00' }, { text: '2024-11-11T12:40:00' }, { text: '1731300000000' }, { text: '2024-11-11 24:00:00' }),
    hostileString.map((text) => ({ text })),
  ),
  signMethod: fc.oneof({ weight: 12, arbitrary: fc.constantFrom<string | null>('md5', 'hmac', 'hmac-sha256', null) }, fc.constantFrom('', 'MD5', 'HMAC-SHA256', 'rsa', 'sha1', 'md5 '), hostileString),
  method: fc.oneof({ weight: 12, arbitrary: fc.constant(DANNIAO_METHOD) }, fc.constantFrom(null, '', `${DANNIAO_METHOD} `, DANNIAO_METHOD.toUpperCase(), 'toString', '__proto__'), hostileString),
  format: fc.oneof({ weight: 12, arbitrary: fc.constant('json') }, fc.constantFrom(null, 'xml', 'JSON', '', ' json'), hostileString),
  extras: fc.array(fc.tuple(fc.oneof(fc.constantFrom('partner_id', 'target_app_key', 'sign', 'app_key', '', 'a b', '&', '='), fc.string({ unit: 'binary', maxLength: 12 })), fc.oneof(hostileString, fc.string({ unit: 'binary', maxLength: 40 }))), { maxLength: 3 }),
  signMode: fc.oneof({ weight: 12, arbitrary: fc.constant('right' as const) }, fc.constantFrom('lowercase' as const, 'wrong-secret' as const, 'garbage' as const, 'empty' as const, 'missing' as const, 'other-body' as const)),
  signHeaders: fc.oneof({ weight: 6, arbitrary: fc.constant([] as Array<[string, string]>) }, fc.array(fc.tuple(fc.constantFrom('x-a', 'x-b', 'x-qimen-c'), headerText), { minLength: 1, maxLength: 2 })),
  contentType: fc.constantFrom(null, 'application/json', 'text/plain;charset=UTF-8', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/json; charset=gbk', 'application/xml'),
});

/** The query string and headers of a plan, signed over what the server will decode. */
function buildRequest(plan: QueryPlan, body: Buffer): { query: string; headers: Record<string, string> } {
  const entries: Array<[string, string]> = [];
  if (plan.appKey !== null) entries.push(['app_key', plan.appKey]);
  entries.push(['customerId', 'DN_CUSTOMER_01']);
  if (plan.format !== null) entries.push(['format', plan.format]);
  if (plan.method !== null) entries.push(['method', plan.method]);
  if (plan.timestamp !== null) entries.push(['timestamp', 'text' in plan.timestamp ? plan.timestamp.text : formatQimenTimestamp(Date.now() + plan.timestamp.offsetMs)]);
  entries.push(['v', '2.0']);
  if (plan.signMethod !== null) entries.push(['sign_method', plan.signMethod]);
  entries.push(...plan.extras);
  const unsigned = new URLSearchParams(entries).toString();

  const headers: Record<string, string> = {};
  if (plan.contentType !== null) headers['content-type'] = plan.contentType;
  if (plan.signHeaders.length) {
    headers['top-sign-list'] = plan.signHeaders.map(([name]) => name).join(',');
    for (const [name, value] of plan.signHeaders) headers[name] = value;
  }
  // Sign exactly what the server decodes (URLSearchParams turns a lone surrogate into U+FFFD, etc.).
  const decoded = parseQimenQuery(unsigned);
  const method = (decoded.get('sign_method') || 'md5').toLowerCase() as QimenSignMethod;
  const signWith = QIMEN_SIGN_METHODS.includes(method) ? method : 'md5';
  const params = signedParams(decoded, Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v.trim()])));
  const secret = plan.signMode === 'wrong-secret' ? `${TEST_APP.secret}x` : TEST_APP.secret;
  const signed = qimenSign(signWith, secret, params, plan.signMode === 'other-body' ? Buffer.concat([body, Buffer.from(' ')]) : body);
  const sign = { right: signed, 'wrong-secret': signed, 'other-body': signed, lowercase: signed.toLowerCase(), garbage: 'C8DC45D3E320156D4476A1EEFAEF2C58', empty: '', missing: null }[plan.signMode];
  return { query: sign === null ? unsigned : `${unsigned}&${new URLSearchParams([['sign', sign]])}`, headers };
}

/** A sign that does not cover this query and body must never be accepted. */
const signIsWrong = (plan: QueryPlan) => !['right', 'lowercase'].includes(plan.signMode);

(FUZZ_DATABASES.length ? describe : describe.skip).each(FUZZ_DATABASES.length ? FUZZ_DATABASES : ['none' as DatabaseKind])('generated hostile pushes on %s', (kind) => {
  let svc: TestService;
  let errors: ReturnType<typeof errorLogSink>;
  /** How the generated requests were answered, per test: the report's figures. */
  const seen = { pushes: new Map<string, number>(), queries: new Map<string, number>() };
  const tally = (map: Map<string, number>, id: string) => map.set(id, (map.get(id) ?? 0) + 1);

  beforeAll(async () => {
    errors = errorLogSink();
    svc = await startTestService(kind, CONFIG, { logger: errors.logger });
  });
  afterAll(async () => {
    // The report's figures: how the generated pushes were answered.
    const figures = (m: Map<string, number>) => JSON.stringify(Object.fromEntries([...m].sort()));
    console.log(`qimen fuzz on ${kind}: ${FUZZ_RUNS} signed pushes ${figures(seen.pushes)}; ${QUERY_RUNS} random query strings ${figures(seen.queries)}`);
    await svc?.close();
  });

  it(`answers ${FUZZ_RUNS} generated signed pushes in the envelope, stores no refused one, never accepts a wrong sign`, async () => {
    await fc.assert(
      fc.asyncProperty(queryPlan, hostileBody, async (plan, body) => {
        const { query, headers } = buildRequest(plan, body);
        const errorId = await postAndCheck(svc, query, body, headers);
        tally(seen.pushes, errorId);
        if (errorId === 'success' && signIsWrong(plan)) throw new Error(`accepted with sign mode ${plan.signMode}`);
      }),
      { numRuns: FUZZ_RUNS, seed: FUZZ_SEED, endOnFailure: true },
    );
    expect(errors.lines).toEqual([]);
    expect(seen.pushes.get('success')).toBeGreaterThan(0);
    expect(seen.pushes.get('invalid-parameter')).toBeGreaterThan(0);
  }, 120_000);

  it(`answers ${QUERY_RUNS} random query strings (unsigned, malformed) in the envelope and stores nothing`, async () => {
    const piece = fc.oneof(
      fc.constantFrom('app_key=12345678', 'sign=', 'timestamp=', 'method=' + DANNIAO_METHOD, '&', '&&', '=', '==', '%', '%Z', '%ZZ', '%E4%B8', '%00', '%FF', '%C0%80', '%ED%A0%80', '+', ';', '%26', '%3D', '\\', "'", '"', '#', '?', '[]', 'a[b]=c', '__proto__=1', 'constructor[prototype][x]=1'),
      fc.string({ unit: 'binary', maxLength: 10 }),
    );
    // Half of them start like a real push (known app key, current timestamp), so they get as far as the sign check.
    const start = () => `app_key=${TEST_APP.appKey}&timestamp=${encodeURIComponent(formatQimenTimestamp(Date.now()))}&method=${DANNIAO_METHOD}&`;
    const raw = fc.tuple(fc.boolean(), fc.array(piece, { maxLength: 12 })).map(([real, parts]) => (real ? start() : '') + parts.join(''));
    await fc.assert(
      fc.asyncProperty(raw, fc.constantFrom(serialize(toNode(specExample())), Buffer.from('{}'), Buffer.alloc(0)), async (query, body) => {
        tally(seen.queries, await postAndCheck(svc, query, body));
      }),
      { numRuns: QUERY_RUNS, seed: FUZZ_SEED, endOnFailure: true },
    );
    expect(errors.lines).toEqual([]);
  }, 60_000);

  it('still answers a good push and /healthz afterwards', async () => {
    expect((await svc.push(specExample())).json.errorId).toBe('success');
    expect((await fetch(`${svc.baseUrl}/healthz`)).status).toBe(200);
  });
});

/** Fixed hostile cases, on every database: what MariaDB refuses and SQLite takes shows up here. */
describe.each(TEST_DATABASES)('hostile pushes on %s', (kind) => {
  let svc: TestService;
  let errors: ReturnType<typeof errorLogSink>;
  beforeAll(async () => {
    errors = errorLogSink();
    svc = await startTestService(kind, CONFIG, { logger: errors.logger });
  });
  afterAll(() => svc?.close());
  afterEach(() => {
    const lines = errors.lines.splice(0);
    expect(lines).toEqual([]);
  });

  const push = (body: Buffer) => {
    const signed = signedPush(body);
    return postAndCheck(svc, signed.query, signed.body);
  };
  const withField = (path: string[], value: unknown) => {
    const root = toNode(specExample()) as Obj;
    let at = root;
    for (const key of path.slice(0, -1)) at = at.entries.find(([k]) => k === key)![1] as Obj;
    const last = path[path.length - 1];
    const node = value instanceof Raw ? value : toNode(value);
    const i = at.entries.findIndex(([k]) => k === last);
    if (i >= 0) at.entries[i] = [last, node];
    else at.entries.push([last, node]);
    return serialize(root);
  };
  const rawText = (t: string, label = t) => new Raw(Buffer.from(t), label);

  it.each([
    ['workOrderType', '2147483648'], ['sourceSystem', '9007199254740991'], ['creatorInfo.role', '4294967296'], ['claimInfo.totalQty', '2147483648'],
    ['claimInfo.complaintQty', '9007199254740991'],
  ])('refuses %s = %s (beyond a 32-bit integer column) with invalid-parameter', async (path, text) => {
    expect(await push(withField(path.split('.'), rawText(text)))).toBe('invalid-parameter');
  });

  it('accepts 2147483647 in an integer field', async () => {
    expect(await push(withField(['workOrderType'], 2147483647))).toBe('success');
  });

  it.each(['1e309', '-1e309', '-0.01', '1000000000000.01'])('refuses judgeResult.claimAmount = %s with invalid-parameter', async (text) => {
    expect(await push(withField(['judgeResult', 'claimAmount'], rawText(text)))).toBe('invalid-parameter');
  });

  it.each([['-0', 0, false], ['1e-400', 0, true], ['1.005', 101, true]])('takes %s as %p fen, read from its text (sub-fen: %p)', async (text, minor, subFen) => {
    const body = withField(['judgeResult', 'claimAmount'], rawText(text));
    expect(await push(body)).toBe('success');
    const rows = await svc.dataSource.query('SELECT claimAmountMinor, subFenAmount FROM judgment_revision WHERE claimAmountText = ?', [text]);
    expect(rows.map((r: { claimAmountMinor: string; subFenAmount: unknown }) => [Number(r.claimAmountMinor), Boolean(Number(r.subFenAmount))])).toEqual([[minor, subFen]]);
  });

  it.each(['NaN', 'Infinity', '89.9'])('refuses the string "%s" for a number', async (text) => {
    expect(await push(withField(['judgeResult', 'warehouseRatio'], text))).toBe('invalid-parameter');
  });

  it.each([
    ['tenantId', 'a\ud800b'], ['judgeResult.judgeReason', '\udfff'], ['responsibilityPackageNos', ['PKG\ud800']], ['description', 'x\ud83d'],
  ])('stores a lone surrogate in %s (valid JSON, not Unicode: its JSON escape in the typed column, src/domain/kept-text.ts)', async (path, value) => {
    expect(await push(withField(path.split('.'), value))).toBe('success');
  });

  it.each([['tenantId', '😀𝔘'], ['judgeResult.judgeReason', '\u0000 \u202e <script>'], ['externalOrderId', "O'Brien\\%_;--"]])('stores %s = %j as received', async (path, value) => {
    expect(await push(withField(path.split('.'), value))).toBe('success');
  });

  it('keeps __proto__ and constructor keys at every level as data, reaching no prototype, and stores the push', async () => {
    const root = toNode({ ...specExample(), externalOrderId: 'PROTO_1' }) as Obj;
    root.entries.push(['__proto__', toNode({ polluted: true })], ['constructor', toNode({ prototype: { polluted: true } })]);
    (root.entries.find(([k]) => k === 'judgeResult')![1] as Obj).entries.push(['__proto__', toNode({ established: false })], ['constructor', 'x']);
    expect(await push(serialize(root))).toBe('success');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it.each([['extra'], ['constructor'], ['__proto__'], ['paymentInfo', 'constructor'], ['judgeResult', 'prototype']])(
    'refuses nesting 40,000 deep under %j without a stack overflow',
    async (...path) => {
      const deep = rawText('{"a":'.repeat(40_000) + '1' + '}'.repeat(40_000), 'deep'); // 240 KB, under the body limit
      expect(await push(withField(path, deep))).toBe('invalid-parameter');
    },
  );

  it('stores a push whose unknown fields are huge even where a route copies them into a claim', async () => {
    const example = specExample();
    example.judgeResult.claimAmount = 10;
    const body = { ...example, externalOrderId: 'HUGE_EXTRA', claimInfo: { ...example.claimInfo, note: '长'.repeat(70_000) } };
    expect(await push(Buffer.from(JSON.stringify(body)))).toBe('success');
    // The claim that would copy 210 KB is created with a note instead of its fields (claim.fields holds 64 KB on MariaDB).
    const claims = await svc.dataSource.query("SELECT c.fields FROM claim c JOIN work_order w ON w.id = c.workOrderId WHERE w.externalOrderId = 'HUGE_EXTRA' AND c.route = 'warehouse'");
    expect(JSON.parse(claims[0].fields)).toEqual({ fieldsTooLarge: expect.stringMatching(/more than a claim holds/) });
  });

  it('reads duplicate keys as JSON.parse does (the last wins)', async () => {
    const body = Buffer.from(`{"tenantId":"A","tenantId":"DUP_LAST","externalOrderId":"DUP_1"}`);
    expect(await push(body)).toBe('success');
    const rows = await svc.dataSource.query('SELECT tenantId FROM work_order WHERE externalOrderId = ?', ['DUP_1']);
    expect(rows.map((r: { tenantId: string }) => r.tenantId)).toEqual(['DUP_LAST']);
  });
});

/** Bodies over the limit, slow bodies, replays, on SQLite (none of it touches the database's dialect). */
describe('body limits, slow bodies and replays', () => {
  let svc: TestService;
  let clock = Date.now();
  beforeAll(async () => {
    svc = await startTestService('sqlite', CONFIG, { server: { requestTimeoutMs: 600, headersTimeoutMs: 600 }, now: () => clock });
  });
  afterAll(() => svc?.close());
  beforeEach(() => {
    clock = Date.now();
  });

  const big = () => serialize(toNode({ ...specExample(), description: 'x'.repeat(MAX_BODY_BYTES) }));

  it('answers a body over the limit (Content-Length) with body-too-large in the envelope and stores nothing', async () => {
    const signed = signedPush(big());
    expect(await postAndCheck(svc, signed.query, signed.body)).toBe('body-too-large');
  });

  it('answers a chunked body over the limit (no Content-Length) with body-too-large', async () => {
    const signed = signedPush(big());
    const stream = new ReadableStream<Uint8Array>({
      start(c) {
        for (let at = 0; at < signed.body.length; at += 16_384) c.enqueue(signed.body.subarray(at, at + 16_384));
        c.close();
      },
    });
    const res = await fetch(`${svc.baseUrl}/qimen?${signed.query}`, { method: 'POST', body: stream, duplex: 'half' } as RequestInit);
    expect(await res.json()).toMatchObject({ errorId: 'body-too-large', error: '413' });
  });

  /** Sends the head, then the body one byte every `everyMs`; resolves with what the server wrote and when it closed. */
  function slowRequest(path: string, body: Buffer, everyMs: number, bytesPerTick = 1): Promise<{ answer: string; ms: number; sent: number }> {
    const url = new URL(svc.baseUrl);
    return new Promise((resolve) => {
      const started = Date.now();
      const socket = connect(Number(url.port), url.hostname);
      let answer = '';
      let sent = 0;
      let timer: NodeJS.Timeout | undefined;
      socket.on('connect', () => {
        const type = path.startsWith('/callbacks/shopex') ? 'application/x-www-form-urlencoded' : 'application/json';
        socket.write(`POST ${path} HTTP/1.1\r\nHost: ${url.host}\r\nContent-Type: ${type}\r\nContent-Length: ${body.length}\r\n\r\n`);
        timer = setInterval(() => {
          if (sent >= body.length || socket.destroyed) return;
          socket.write(body.subarray(sent, sent + bytesPerTick));
          sent += bytesPerTick;
        }, everyMs);
      });
      socket.on('data', (d) => {
        answer += d.toString('utf8');
        // A keep-alive answer leaves the socket open: done once a whole answer is in.
        const head = answer.indexOf('\r\n\r\n');
        const length = /\r\ncontent-length: (\d+)/i.exec(answer);
        if (head >= 0 && length && Buffer.byteLength(answer.slice(head + 4)) >= Number(length[1])) socket.end();
      });
      socket.on('error', () => undefined);
      socket.on('close', () => {
        clearInterval(timer);
        resolve({ answer, ms: Date.now() - started, sent });
      });
    });
  }

  it('cuts a slow-loris push (a byte every 50 ms) at the request timeout with a 408 in the envelope, stores nothing, keeps serving', async () => {
    const before = await rowCounts(svc.dataSource);
    const signed = signedPush(JSON.stringify(specExample()));
    const { answer, ms, sent } = await slowRequest(`/qimen?${signed.query}`, signed.body, 50);
    expect(ms).toBeGreaterThanOrEqual(550);
    expect(ms).toBeLessThan(3000);
    expect(sent).toBeLessThan(signed.body.length);
    expect(answer).toMatch(/^HTTP\/1\.1 408 /);
    expect(answer).toMatch(/\r\nConnection: close\r\n/i);
    expect(JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4))).toEqual({ errorMessage: expect.any(String), errorId: 'request-timeout', error: '408' });
    expect(await rowCounts(svc.dataSource)).toBe(before);
    expect((await svc.push(specExample())).json.errorId).toBe('success');
  });

  it('cuts slow callbacks with their own envelopes, and slow headers with a JSON 408', async () => {
    const shopex = await slowRequest('/callbacks/shopex', Buffer.from('msg_id=1&sign=x&rsp=succ'), 50);
    expect(shopex.answer).toMatch(/^HTTP\/1\.1 408 /);
    expect(shopex.answer).toContain('{"rsp":"fail","res":"408"');
    const duobaoyu = await slowRequest('/callbacks/duobaoyu', Buffer.from('{"id":"1","sign":"x"}'), 50);
    expect(duobaoyu.answer).toMatch(/^HTTP\/1\.1 408 [^]*\r\n\r\nFAIL$/);

    const url = new URL(svc.baseUrl);
    const headersOnly = await new Promise<string>((resolve) => {
      const socket = connect(Number(url.port), url.hostname, () => socket.write('POST /qimen HTTP/1.1\r\nHost: x\r\n'));
      let answer = '';
      socket.on('data', (d) => (answer += d.toString('utf8')));
      socket.on('error', () => undefined);
      socket.on('close', () => resolve(answer));
    });
    expect(headersOnly).toMatch(/^HTTP\/1\.1 408 [^]*"error":"request-timeout"/);
  });

  it('does not cut a push whose body arrives slowly but within the timeout', async () => {
    const signed = signedPush(JSON.stringify({ ...specExample(), externalOrderId: 'SLOW_BUT_IN_TIME' }));
    const { answer } = await slowRequest(`/qimen?${signed.query}`, signed.body, 100, Math.ceil(signed.body.length / 3));
    expect(answer).toMatch(/^HTTP\/1\.1 200 [^]*"errorId":"success"/);
  });

  it('refuses a stored signed push replayed after the timestamp window with invalid-timestamp, storing nothing', async () => {
    const signed = signedPush(JSON.stringify({ ...specExample(), externalOrderId: 'REPLAY_1' }), { timestampMs: clock });
    expect(await postAndCheck(svc, signed.query, signed.body)).toBe('success');
    clock += 599_000;
    expect(await postAndCheck(svc, signed.query, signed.body)).toBe('success'); // within the window: the same work order, nothing new
    clock += 2_000;
    expect(await postAndCheck(svc, signed.query, signed.body)).toBe('invalid-timestamp');
    const revisions = await svc.dataSource.query('SELECT COUNT(*) AS n FROM judgment_revision r JOIN work_order w ON w.id = r.workOrderId WHERE w.externalOrderId = ?', ['REPLAY_1']);
    expect(Number(revisions[0].n)).toBe(1);
  });
});
