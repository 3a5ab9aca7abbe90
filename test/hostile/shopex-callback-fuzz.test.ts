/**
 * Hostile input on POST /callbacks/shopex (issue 16), property-based with fast-check.
 *
 * Generated form bodies: fields with hostile names (PHP-style nesting `a[b][0]`, `__proto__`, `constructor`,
 * repeated names, empty names, `.` and spaces) and values (huge, unicode, lone surrogates, bytes that are
 * not UTF-8, JSON `data`), encoded percent-wise, raw (so that `&` and `=` re-split them) or with `+`; signed
 * right, with another token, with garbage, not at all, as a nested `sign[]`, or re-split under a captured
 * sign (`res=rspsucc`); some cut off, some with stray bytes, some over the 1 MiB limit; some posted twice.
 * Properties: never HTTP 500 (the database is healthy), always ShopEx's envelope, a callback the service
 * reads as signed is accepted and stored at most once, nothing stored for a refusal, no log line holding
 * the body, every answer within a time bound.
 *
 * FUZZ_RUNS (default 400, about 10 s on SQLite), FUZZ_SEED, FUZZ_DATABASES, FUZZ_SECONDS: test/hostile/fuzz-settings.ts.
 */
import { isDeepStrictEqual } from 'node:util';
import fc from 'fast-check';
import { CALLBACK_MAX_BODY_BYTES } from '../../src/callbacks/limits';
import { parsePhpForm } from '../../src/callbacks/php-form';
import { CALLBACK_PAYLOAD_MAX_BYTES } from '../../src/storage/callbacks/callback-repository';
import { signShopexParams } from '../../src/verify/shopex-sign';
import { callbackFuzzService, checkLogLines, describeAnswer, inboxCount, MARKER_HEX, type TimedAnswer } from './callback-fuzz';
import { describeFuzz, fuzzParameters, fuzzRuns } from './fuzz-settings';
import { hostileString, hostileValue, serialize } from './hostile-json';

const RUNS = fuzzRuns(400);
const TOKEN = 'shopex-fuzz-token-0123456789abcdef';
const CONFIG = {
  platforms: {
    shopex: { baseUrl: 'http://127.0.0.1:9', certiId: '1', fromNodeId: '2', toNodeId: '3', token: TOKEN, callbackUrl: 'http://127.0.0.1:9/callbacks/shopex' },
  },
};

type Encoding = 'percent' | 'raw' | 'plus';

const UNRESERVED = /[A-Za-z0-9\-_.~]/;
const PERCENT = Array.from({ length: 256 }, (_, b) => (UNRESERVED.test(String.fromCharCode(b)) ? String.fromCharCode(b) : `%${b.toString(16).toUpperCase().padStart(2, '0')}`));
const PLUS = PERCENT.map((e, b) => (b === 0x20 ? '+' : e));

/** Bytes of a form part: percent-encoded (all but unreserved ASCII), raw (so `&`, `=` split it again), or percent with `+` for a space. */
function encode(bytes: Buffer, how: Encoding): string {
  if (how === 'raw') return bytes.toString('latin1');
  const table = how === 'plus' ? PLUS : PERCENT;
  const out = new Array<string>(bytes.length);
  for (let i = 0; i < bytes.length; i++) out[i] = table[bytes[i]];
  return out.join('');
}

/** A string's UTF-8 bytes, or with each lone surrogate written as the bytes UTF-8 would give it if it could (ED A0 80): not UTF-8. */
const textBytes = (s: string, loneSurrogatesAsCesu: boolean): Buffer => (loneSurrogatesAsCesu ? cesu(s) : Buffer.from(s, 'utf8'));

function cesu(s: string): Buffer {
  const parts: Buffer[] = [];
  for (const ch of s) {
    const u = ch.charCodeAt(0);
    if (ch.length === 1 && u >= 0xd800 && u <= 0xdfff) parts.push(Buffer.from([0xe0 | (u >> 12), 0x80 | ((u >> 6) & 0x3f), 0x80 | (u & 0x3f)]));
    else parts.push(Buffer.from(ch, 'utf8'));
  }
  return Buffer.concat(parts);
}

const FIELD_NAMES = ['rsp', 'res', 'err_msg', 'msg_id', 'data', 'extra', 'sign', '__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', '', ' ', 'a.b', 'a b', ' rsp', 'rsp '];
const SUFFIXES = ['', '', '', '[b]', '[b][0]', '[]', '[0]', '[10]', '[__proto__]', '[constructor][prototype]', '[', '][', '[a', '[a]b', '%5Bx%5D', '[x]'.repeat(70)];

const fieldName = fc.tuple(fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...FIELD_NAMES) }, fc.string({ maxLength: 8 })), fc.constantFrom(...SUFFIXES));

const fieldValue: fc.Arbitrary<Buffer> = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom('', 'succ', 'fail', '0', 'rspsucc').map((s) => Buffer.from(s)) },
  { weight: 4, arbitrary: fc.tuple(hostileString, fc.boolean()).map(([s, cesuBytes]) => textBytes(s, cesuBytes)) },
  { weight: 2, arbitrary: hostileValue.map(serialize).filter((json) => json.length < 50_000) },
  { weight: 1, arbitrary: fc.constantFrom(2_001, 25_000, 120_000).map((n) => Buffer.from('长'.repeat(n))) },
);

/** A generated callback before it is signed. */
interface Plan {
  msgId: string;
  rsp: string;
  data: Buffer | null;
  extras: Array<{ name: [string, string]; value: Buffer; how: Encoding }>;
  how: Encoding;
  signMode: 'right' | 'lowercase' | 'wrong-token' | 'garbage' | 'empty' | 'missing' | 'nested-sign' | 'resplit';
  damage: 'none' | { cut: number } | { append: string } | { oversize: number };
  contentType: string | null;
  twice: boolean;
  marker: string;
}

const plan: fc.Arbitrary<Plan> = fc.record({
  msgId: fc.oneof({ weight: 4, arbitrary: fc.stringMatching(/^[0-9a-f]{8,32}$/) }, fc.constantFrom('', ' ', '0'), hostileString, fc.constant('m'.repeat(300))),
  rsp: fc.oneof({ weight: 4, arbitrary: fc.constantFrom('succ', 'fail') }, hostileString),
  data: fc.oneof(
    fc.constant(null),
    fc.record({ status: fc.oneof(fc.constantFrom('1', '3', '5', 'x'), hostileString), aftersale_id: fc.oneof(fc.integer(), hostileString) }).map((trade) => Buffer.from(JSON.stringify({ trade }))),
    fieldValue,
  ),
  extras: fc.array(fc.record({ name: fieldName, value: fieldValue, how: fc.constantFrom<Encoding>('percent', 'raw', 'plus') }), { maxLength: 5 }),
  how: fc.constantFrom<Encoding>('percent', 'percent', 'plus', 'raw'),
  signMode: fc.oneof(
    { weight: 10, arbitrary: fc.constant('right' as const) },
    fc.constantFrom('lowercase' as const, 'wrong-token' as const, 'garbage' as const, 'empty' as const, 'missing' as const, 'nested-sign' as const, 'resplit' as const),
  ),
  damage: fc.oneof(
    { weight: 24, arbitrary: fc.constant('none' as const) },
    fc.double({ min: 0, max: 1, noNaN: true }).map((cut) => ({ cut })),
    fc.constantFrom('%', '%E4%B8', '%ED%A0%80', '\xff\xfe', '&', '&=', '=&=', '%00', '[', '&sign').map((append) => ({ append })),
    { weight: 1, arbitrary: fc.constantFrom(CALLBACK_MAX_BODY_BYTES + 1, 2 * CALLBACK_MAX_BODY_BYTES).map((oversize) => ({ oversize })) },
  ),
  contentType: fc.constantFrom<string | null>('application/x-www-form-urlencoded', 'application/x-www-form-urlencoded', null, 'text/plain', 'application/json', 'multipart/form-data; boundary=x'),
  twice: fc.boolean(),
  marker: fc.stringMatching(MARKER_HEX).map((hex) => `LEAK${hex}`),
});

const part = (name: string, value: Buffer, how: Encoding) => `${name}=${encode(value, how)}`;
const nameText = ([base, suffix]: [string, string], how: Encoding) => encode(Buffer.from(base, 'utf8'), how === 'raw' ? 'raw' : 'percent') + suffix;

/** The body of a plan, and whether the service must read it as correctly signed (and so accept it). */
function build(p: Plan): { body: Buffer; signedRight: boolean; resplit: boolean } {
  const { how } = p;
  const captured: Array<[string, Buffer]> = [['rsp', Buffer.from(p.rsp)], ['res', Buffer.alloc(0)], ['err_msg', Buffer.alloc(0)], ['msg_id', textBytes(p.msgId, false)]];
  if (p.data) captured.push(['data', p.data]);
  const parts = captured.map(([n, v]) => part(n, v, how));
  for (const x of p.extras) parts.push(`${nameText(x.name, x.how)}=${encode(x.value, x.how)}`);
  parts.push(part('note', Buffer.from(p.marker), 'percent'));
  const unsigned = parts.join('&');
  const form = parsePhpForm(Buffer.from(unsigned, 'latin1'));
  const sign = signShopexParams(form.fields, p.signMode === 'wrong-token' ? `${TOKEN}x` : TOKEN);

  let text: string;
  const resplit = p.signMode === 'resplit' && p.rsp === 'succ';
  if (resplit) {
    // The captured success re-split: `rsp` removed, `res=rspsucc`; the sign string is unchanged.
    text = [...parts.filter((x) => !x.startsWith('rsp=') && !x.startsWith('res=')), 'res=rspsucc', `sign=${sign}`].join('&');
  } else {
    const signPart = {
      right: `&sign=${sign}`, lowercase: `&sign=${sign.toLowerCase()}`, 'wrong-token': `&sign=${sign}`, garbage: '&sign=C8DC45D3E320156D4476A1EEFAEF2C58',
      empty: '&sign=', missing: '', 'nested-sign': `&sign[]=${sign}`, resplit: `&sign=${sign}`,
    }[p.signMode];
    text = unsigned + signPart;
  }
  let body = Buffer.from(text, 'latin1');
  if (p.damage !== 'none') {
    if ('cut' in p.damage) body = body.subarray(0, Math.floor(body.length * p.damage.cut));
    else if ('append' in p.damage) body = Buffer.concat([body, Buffer.from(p.damage.append, 'latin1')]);
    else body = Buffer.concat([body, Buffer.from(`&pad=${'p'.repeat(p.damage.oversize)}`)]);
  }
  // Signed right as the service reads the body sent: the same fields as were signed, with that sign.
  const read = parsePhpForm(body);
  const { sign: readSign, ...readFields } = read.fields;
  const signedRight = ['right', 'lowercase'].includes(p.signMode) && form.utf8 && read.utf8 && typeof readSign === 'string' && readSign.toUpperCase() === sign
    && isDeepStrictEqual(readFields, Object.fromEntries(Object.entries(form.fields).filter(([k]) => k !== 'sign')));
  return { body, signedRight, resplit };
}

/** Whether the service could store these fields at all (the inbox payload column's size). */
function storable(body: Buffer): boolean {
  const { sign: _sign, ...fields } = parsePhpForm(body).fields;
  return Buffer.byteLength(JSON.stringify(fields), 'utf8') <= CALLBACK_PAYLOAD_MAX_BYTES;
}

/** Throws unless the answer is ShopEx's envelope with a status that belongs to it; returns `succ` or the failure's `res`. */
function checkEnvelope(a: TimedAnswer): string {
  const where = describeAnswer(a);
  const j = a.json;
  if (j === null || typeof j !== 'object') throw new Error(`not JSON: ${where}`);
  if (j.rsp === 'succ') {
    if (a.status !== 200 || !isDeepStrictEqual(Object.keys(j), ['rsp', 'res', 'msg_id']) || j.res !== '' || typeof j.msg_id !== 'string') throw new Error(`bad success: ${where}`);
    return 'succ';
  }
  if (j.rsp !== 'fail' || !isDeepStrictEqual(Object.keys(j), ['rsp', 'res', 'err_msg', 'msg_id']) || typeof j.err_msg !== 'string' || typeof j.msg_id !== 'string') throw new Error(`not the envelope: ${where}`);
  const expected: Record<string, number> = { '4003': 200, '400': 400, '413': 413 };
  if (expected[j.res] !== a.status) throw new Error(`unexpected failure (HTTP 500 is for storage failures only): ${where}`);
  return j.res;
}

describeFuzz('generated hostile ShopEx callbacks on %s', (kind) => {
  const fuzz = callbackFuzzService('shopex callback fuzz', '/callbacks/shopex', kind, CONFIG);
  const post = fuzz.post;

  it(`answers ${RUNS} generated callbacks in the envelope, never 500, stores signed ones at most once and refused ones never`, async () => {
    await fc.assert(
      fc.asyncProperty(plan, async (p) => {
        const { body, signedRight, resplit } = build(p);
        const before = await inboxCount(fuzz.service().dataSource);
        const logFrom = fuzz.logMark();
        const first = checkEnvelope(await post(body, p.contentType));
        const second = p.twice ? checkEnvelope(await post(body, p.contentType)) : first;
        const stored = (await inboxCount(fuzz.service().dataSource)) - before;
        const outcome = `${first}${signedRight ? ' signed' : ''}${resplit ? ' resplit' : ''}`;
        fuzz.tally(outcome);

        if (second !== first) throw new Error(`the same body answered ${first}, then ${second}`);
        if (first !== 'succ' && stored !== 0) throw new Error(`refused (${first}) but ${stored} inbox rows stored`);
        if (stored > 1) throw new Error(`one callback stored ${stored} times`);
        if (['wrong-token', 'garbage', 'empty', 'missing', 'nested-sign'].includes(p.signMode) && first === 'succ') throw new Error(`accepted with sign mode ${p.signMode}`);
        if (signedRight && body.length <= CALLBACK_MAX_BODY_BYTES) {
          const want = storable(body) ? 'succ' : '413';
          if (first !== want) throw new Error(`a callback signed right answered ${first}, not ${want}`);
        }
        if (resplit && first === 'succ' && stored === 1) {
          const [row] = await fuzz.service().dataSource.query('SELECT outcome FROM callback_inbox ORDER BY id DESC LIMIT 1');
          if (row.outcome !== 'malformed') throw new Error(`a re-split callback stored as ${row.outcome}, not malformed`);
        }
        checkLogLines(fuzz.logLinesSince(logFrom), body, p.marker);
      }),
      fuzzParameters(RUNS),
    );
    expect(fuzz.seen('succ signed')).toBeGreaterThan(0);
    expect(fuzz.seen('4003')).toBeGreaterThan(0);
  }, 120_000);

  it('still answers a signed callback afterwards', async () => {
    const fields = { rsp: 'fail', res: 'e1', err_msg: 'x', msg_id: 'AFTER_FUZZ' };
    const body = Buffer.from(new URLSearchParams({ ...fields, sign: signShopexParams(fields, TOKEN) }).toString());
    expect((await post(body, 'application/x-www-form-urlencoded')).json).toEqual({ rsp: 'succ', res: '', msg_id: 'AFTER_FUZZ' });
  });
});
