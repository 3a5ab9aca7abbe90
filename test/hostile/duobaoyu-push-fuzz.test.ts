/**
 * Hostile input on POST /callbacks/duobaoyu (issue 16), property-based with fast-check.
 *
 * Generated JSON pushes: the push's fields with hostile values, and extra fields where Duobaoyu's PHP sign
 * rule (src/verify/duobaoyu-sign.ts) and JavaScript read JSON differently — floats of 17 significant
 * digits, integers beyond 2^53 and 2^64, U+2028/U+2029, objects mixing numeric and other keys, `{}`, `[]`,
 * nulls, duplicate keys, `__proto__`, deep nesting, bytes that are not UTF-8 — signed right, with another
 * secret, with garbage, not at all, as a number, or over another body; some cut off, with stray bytes, a
 * BOM, not an object, or over the 1 MiB limit; some posted twice. Properties: never HTTP 500 (the database
 * is healthy), always the text SUCCESS or FAIL, a push read as signed is accepted and stored at most once,
 * nothing stored for a refusal, no log line holding the body, every answer within a time bound.
 *
 * FUZZ_RUNS (default 500, about 10 s on SQLite), FUZZ_SEED, FUZZ_DATABASES, FUZZ_SECONDS: test/hostile/fuzz-settings.ts.
 */
import fc from 'fast-check';
import { CALLBACK_MAX_BODY_BYTES } from '../../src/callbacks/limits';
import { DUOBAOYU_PUSH_SIGN_FIELD, readDuobaoyuPush, signDuobaoyuPush } from '../../src/platforms/duobaoyu/push';
import { CALLBACK_PAYLOAD_MAX_BYTES } from '../../src/storage/callbacks/callback-repository';
import { callbackFuzzService, checkLogLines, describeAnswer, inboxCount, MARKER_HEX, type TimedAnswer } from './callback-fuzz';
import { describeFuzz, fuzzParameters, fuzzRuns } from './fuzz-settings';
import { deepNesting, hostileKey, hostileString, hostileValue, type Node, Obj, Raw, rawNumber, serialize } from './hostile-json';

const RUNS = fuzzRuns(500);
const SECRET = 'duobaoyu-fuzz-secret-0123456789abcdef';
const CONFIG = { platforms: { duobaoyu: { baseUrl: 'http://127.0.0.1:9/open/api', appKey: 'FUZZ_APP', appSecret: SECRET } } };

const raw = (text: string) => new Raw(Buffer.from(text, 'utf8'), text);

/** Values PHP's json_decode and JavaScript's JSON.parse read differently, or that PHP's json_encode writes its own way. */
const signingEdge: fc.Arbitrary<Node> = fc.oneof(
  fc.constantFrom('0.30000000000000004', '0.1', '1.0', '100.10', '1e2', '1E-7', '123456789.12345678', '1.7976931348623157e308', '5e-324', '-0.0', '-0')
    .map(raw),
  fc.constantFrom('9007199254740993', '9223372036854775807', '9223372036854775808', '-9223372036854775809', '18446744073709551616').map(raw),
  rawNumber,
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.constantFrom('a\u2028b', '\u2029', '/', '</script>', 'é', '😀', '\u0000', '\ud800', '\\u00e9'),
  fc.constant(new Obj([])),
  fc.constant([] as Node[]),
  fc.constant(null),
  fc.array(fc.tuple(fc.constantFrom('0', '1', '10', '-1', '01', 'a', 'B', '', '9223372036854775808'), fc.oneof(fc.integer(), hostileString, fc.constant(null))), { minLength: 1, maxLength: 5 })
    .map((entries) => new Obj(entries)),
);

const extraValue: fc.Arbitrary<Node> = fc.oneof(
  { weight: 4, arbitrary: signingEdge },
  { weight: 3, arbitrary: hostileValue.filter((v) => serialize(v).length < 50_000) },
  { weight: 1, arbitrary: deepNesting },
  { weight: 1, arbitrary: fc.constantFrom(2_001, 25_000).map((n) => '长'.repeat(n)) },
);

const idValue: fc.Arbitrary<Node> = fc.oneof(
  { weight: 4, arbitrary: fc.stringMatching(/^[0-9a-f]{8,24}$/) },
  fc.integer({ min: 1 }),
  fc.constantFrom('', ' ', '0', 'x'.repeat(300)),
  hostileString,
  signingEdge,
);

type SignMode = 'right' | 'lowercase' | 'sign-first' | 'wrong-secret' | 'garbage' | 'empty' | 'missing' | 'number' | 'other-body';
const SIGNED_RIGHT: readonly SignMode[] = ['right', 'lowercase', 'sign-first'];

interface Plan {
  fields: Array<[string, Node]>;
  extras: Array<{ at: number; key: string; value: Node }>;
  signMode: SignMode;
  damage: 'none' | 'bom' | 'not-object' | { cut: number } | { append: string } | { oversize: number };
  contentType: string | null;
  twice: boolean;
  marker: string;
}

const plan: fc.Arbitrary<Plan> = fc.record({
  fields: fc.record({
    id: idValue,
    afterSaleOrderId: idValue,
    afterSaleStatus: fc.oneof({ weight: 3, arbitrary: fc.constantFrom<Node>('审核通过', '已完成', '待审核', '审核驳回') }, hostileString, signingEdge),
    pushTime: fc.oneof(fc.constant<Node>(Date.now()), fc.constant<Node>(String(Date.now())), signingEdge, hostileString),
  }).map((f) => Object.entries(f)),
  extras: fc.array(fc.record({ at: fc.nat(), key: fc.oneof(hostileKey, fc.constantFrom('0', '1', '10', 'id', 'sign', 'afterSaleStatus')), value: extraValue }), { maxLength: 4 }),
  signMode: fc.oneof(
    { weight: 10, arbitrary: fc.constant('right' as const) },
    fc.constantFrom<SignMode>('lowercase', 'sign-first', 'wrong-secret', 'garbage', 'empty', 'missing', 'number', 'other-body'),
  ),
  damage: fc.oneof(
    { weight: 24, arbitrary: fc.constant('none' as const) },
    fc.constantFrom('bom' as const, 'not-object' as const),
    fc.double({ min: 0, max: 1, noNaN: true }).map((cut) => ({ cut })),
    fc.constantFrom('\xff', '\xc3', ',', '}', ' ', '\u2028', '{}').map((append) => ({ append })),
    { weight: 1, arbitrary: fc.constantFrom(CALLBACK_MAX_BODY_BYTES + 1, 2 * CALLBACK_MAX_BODY_BYTES).map((oversize) => ({ oversize })) },
  ),
  contentType: fc.constantFrom<string | null>('application/json', 'application/json', 'application/json; charset=utf-8', 'text/plain', null, 'application/x-www-form-urlencoded'),
  twice: fc.boolean(),
  marker: fc.stringMatching(MARKER_HEX).map((hex) => `LEAK${hex}`),
});

/** The sign of a body's text, or null when the rule cannot read it (not a JSON object as PHP decodes it). */
function signOf(text: Buffer, secret: string): string | null {
  try {
    return signDuobaoyuPush(text.toString('utf8'), secret);
  } catch {
    return null;
  }
}

/** The body of a plan, and whether the service must read it as a well-formed push signed right (and so accept it). */
function build(p: Plan): { body: Buffer; signedRight: boolean } {
  const entries: Array<[string, Node]> = [...p.fields];
  for (const x of p.extras) entries.splice(x.at % (entries.length + 1), 0, [x.key, x.value]);
  entries.push(['note', p.marker]);
  const unsigned = serialize(new Obj(entries));
  const sign = signOf(unsigned, p.signMode === 'wrong-secret' ? `${SECRET}x` : SECRET) ?? 'C8DC45D3E320156D4476A1EEFAEF2C58';
  const signEntry: [string, Node] | null = {
    right: ['sign', sign], lowercase: ['sign', sign.toLowerCase()], 'sign-first': ['sign', sign], 'wrong-secret': ['sign', sign],
    garbage: ['sign', 'C8DC45D3E320156D4476A1EEFAEF2C58'], empty: ['sign', ''], missing: null, number: ['sign', 123], 'other-body': ['sign', sign],
  }[p.signMode] as [string, Node] | null;
  const signed = p.signMode === 'sign-first' ? [signEntry!, ...entries] : [...entries, ...(signEntry ? [signEntry] : [])];
  if (p.signMode === 'other-body') signed.push(['extra', 'added after signing']);
  let body = serialize(new Obj(signed));
  const d = p.damage;
  if (d === 'bom') body = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), body]);
  else if (d === 'not-object') body = serialize([new Obj(signed)]);
  else if (d !== 'none' && 'cut' in d) body = body.subarray(0, Math.floor(body.length * d.cut));
  else if (d !== 'none' && 'append' in d) body = Buffer.concat([body, Buffer.from(d.append, 'latin1')]);
  else if (d !== 'none') body = serialize(new Obj([...signed, ['pad', 'p'.repeat(d.oversize)]]));
  // A generated `sign` field after a sign put first is the one read (the last of a repeated key).
  const signReplaced = p.signMode === 'sign-first' && p.extras.some((x) => x.key === DUOBAOYU_PUSH_SIGN_FIELD);
  return { body, signedRight: SIGNED_RIGHT.includes(p.signMode) && !signReplaced && d === 'none' && signOf(unsigned, SECRET) !== null && readable(p, body) };
}

/** Whether the route reads the body as a push it can store: JSON it takes, the push's fields present, small enough to store. */
function readable(p: Plan, body: Buffer): boolean {
  if (!['application/json', 'application/json; charset=utf-8', 'text/plain'].includes(p.contentType ?? '')) return false;
  let parsed: unknown;
  try {
    parsed = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(body));
  } catch {
    return false;
  }
  if (readDuobaoyuPush(parsed) === null) return false;
  const { sign: _sign, ...payload } = parsed as Record<string, unknown>;
  return Buffer.byteLength(JSON.stringify(payload), 'utf8') <= CALLBACK_PAYLOAD_MAX_BYTES;
}

/** Throws unless the answer is Duobaoyu's plain text with a status that belongs to it; returns the text. */
function checkAnswer(a: TimedAnswer): string {
  const where = describeAnswer(a);
  if (!a.contentType.startsWith('text/plain')) throw new Error(`not plain text (${a.contentType}): ${where}`);
  if (a.text === 'SUCCESS' && a.status === 200) return a.text;
  if (a.text === 'FAIL' && [200, 400, 413].includes(a.status)) return a.text;
  throw new Error(`not SUCCESS or FAIL with 200, 400 or 413 (HTTP 500 is for storage failures only): ${where}`);
}

describeFuzz('generated hostile Duobaoyu pushes on %s', (kind) => {
  const fuzz = callbackFuzzService('duobaoyu push fuzz', '/callbacks/duobaoyu', kind, CONFIG);
  const post = fuzz.post;

  it(`answers ${RUNS} generated pushes with SUCCESS or FAIL, never 500, stores signed ones at most once and refused ones never`, async () => {
    await fc.assert(
      fc.asyncProperty(plan, async (p) => {
        const { body, signedRight } = build(p);
        const before = await inboxCount(fuzz.service().dataSource);
        const logFrom = fuzz.logMark();
        const first = await post(body, p.contentType);
        const text = checkAnswer(first);
        const again = p.twice ? checkAnswer(await post(body, p.contentType)) : text;
        const stored = (await inboxCount(fuzz.service().dataSource)) - before;
        const outcome = `${first.status} ${text}${signedRight ? ' signed' : ''}`;
        fuzz.tally(outcome);

        if (again !== text) throw new Error(`the same body answered ${text}, then ${again}`);
        if (text !== 'SUCCESS' && stored !== 0) throw new Error(`FAIL but ${stored} inbox rows stored`);
        if (stored > 1) throw new Error(`one push stored ${stored} times`);
        if (text === 'SUCCESS' && !SIGNED_RIGHT.includes(p.signMode)) throw new Error(`accepted with sign mode ${p.signMode}`);
        if (signedRight && text !== 'SUCCESS') throw new Error(`a readable push signed right answered ${first.status} ${text}`);
        checkLogLines(fuzz.logLinesSince(logFrom), body, p.marker);
      }),
      fuzzParameters(RUNS),
    );
    expect(fuzz.seen('200 SUCCESS signed')).toBeGreaterThan(0);
    expect(fuzz.seen('200 FAIL')).toBeGreaterThan(0);
  }, 120_000);
});
