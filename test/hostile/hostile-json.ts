/**
 * Hostile JSON bodies for property-based tests: a JSON-like tree whose objects are entry lists (so keys
 * such as `__proto__` and duplicate keys survive) and whose `Raw` leaves are written byte for byte
 * (numbers JSON.stringify cannot write — 1e309, -0 —, invalid UTF-8, deep nesting, huge strings).
 */
import fc from 'fast-check';
import { specExample } from '../support/qimen-push';

/** Bytes written as they are; `label` is what a failing example prints. */
export class Raw {
  constructor(readonly bytes: Buffer, readonly label: string) {}
  toString(): string {
    return `Raw(${this.label})`;
  }
}

/** An object as its entries, in order, duplicates allowed. */
export class Obj {
  constructor(readonly entries: Array<[string, Node]>) {}
  toString(): string {
    return `{${this.entries.map(([k, v]) => `${JSON.stringify(k)}:${String(v)}`).join(',')}}`;
  }
}

export type Node = null | boolean | number | string | Raw | Node[] | Obj;

const raw = (text: string, label = text) => new Raw(Buffer.from(text, 'utf8'), label);

/** The JSON bytes of a tree. A number JSON cannot hold (NaN, Infinity) is written as `null`, as JSON.stringify does. */
export function serialize(node: Node): Buffer {
  const out: Buffer[] = [];
  const write = (n: Node): void => {
    if (n instanceof Raw) out.push(n.bytes);
    else if (n instanceof Obj) {
      out.push(Buffer.from('{'));
      n.entries.forEach(([k, v], i) => {
        out.push(Buffer.from(`${i ? ',' : ''}${JSON.stringify(k)}:`, 'utf8'));
        write(v);
      });
      out.push(Buffer.from('}'));
    } else if (Array.isArray(n)) {
      out.push(Buffer.from('['));
      n.forEach((v, i) => {
        if (i) out.push(Buffer.from(','));
        write(v);
      });
      out.push(Buffer.from(']'));
    } else out.push(Buffer.from(JSON.stringify(n) ?? 'null', 'utf8'));
  };
  write(node);
  return Buffer.concat(out);
}

/** A parsed JSON value as a tree. */
export function toNode(value: unknown): Node {
  if (Array.isArray(value)) return value.map(toNode);
  if (value !== null && typeof value === 'object') return new Obj(Object.entries(value).map(([k, v]) => [k, toNode(v)]));
  return value as Node;
}

/** Keys that reach prototypes or that libraries read specially, and a few odd ones. */
export const hostileKey: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString', 'valueOf', 'hasOwnProperty', '__defineGetter__', 'then', 'toJSON', '', ' ', '\u0000', 'sign', 'judgeResult', 'tenantId', '$where', 'a.b', '[0]') },
  { weight: 2, arbitrary: fc.string({ maxLength: 12 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 8 }) },
);

/** Numbers as raw JSON text: out of range, negative zero, precision loss, exponents. */
export const rawNumber: fc.Arbitrary<Raw> = fc.constantFrom(
  '1e309', '-1e309', '-0', '-0.0', '0e0', '1e-400', '-1e-400', '1E2', '0.1e1', '1.005', '89.90', '89.999', '-1', '-0.01', '0.000001',
  '2147483647', '2147483648', '4294967296', '9007199254740991', '9007199254740993', '123456789012345678901234567890', '1000000000000.01', '1e12',
  '253402300800000', '1e21', '5e-324',
).map((t) => raw(t));

/** Strings with SQL, JSON, unicode and control characters. */
export const hostileString: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    'NaN', 'Infinity', '-Infinity', '-0', '1e309', 'null', 'true', '', ' ', '\u0000', '\u0000abc', '\ud800', '\udfff', 'a\ud800b', '😀', '𝔘𝔫𝔦', '\u202e',
    '%', '_', '%_%', "'", "''", '"', '\\', '\\\\', "'; DROP TABLE work_order; --", '1 OR 1=1', '\r\n', '\t', 'MAOCHAO', 'TMALL_1234567890', 'CNY', 'cny',
    'WAREHOUSE', '<script>alert(1)</script>', '{{x}}', '{judgeResult.claimAmount}', '${x}',
  ),
  fc.string({ maxLength: 30 }),
  fc.string({ unit: 'binary', maxLength: 30 }),
  // Lone surrogates: valid JSON escapes, not valid Unicode.
  fc.array(fc.integer({ min: 0xd800, max: 0xdfff }), { minLength: 1, maxLength: 3 }).map((units) => String.fromCharCode(...units)),
);

/** A JSON string holding bytes that are not valid UTF-8. */
export const invalidUtf8String: fc.Arbitrary<Raw> = fc
  .constantFrom('ff', 'fe', 'c0 80', 'c3', 'e2 82', 'ed a0 80', 'f4 90 80 80', 'f8 88 80 80 80', '80', 'ef bf', 'e0 80 80')
  .map((hex) => new Raw(Buffer.concat([Buffer.from('"a'), Buffer.from(hex.replace(/ /g, ''), 'hex'), Buffer.from('b"')]), `"a<${hex}>b"`));

/** Nesting far deeper than any push: arrays or objects, balanced or not. */
export const deepNesting: fc.Arbitrary<Raw> = fc
  .record({ depth: fc.integer({ min: 30, max: 20_000 }), shape: fc.constantFrom('array', 'object', 'unbalanced') })
  .map(({ depth, shape }) => {
    if (shape === 'array') return raw('['.repeat(depth) + ']'.repeat(depth), `[×${depth}]`);
    if (shape === 'object') return raw('{"a":'.repeat(depth) + '1' + '}'.repeat(depth), `{"a":×${depth}}`);
    return raw('['.repeat(depth), `[×${depth} unclosed`);
  });

/** Long strings (their text is made here, so a failing example prints and shrinks by length only). */
export const hugeString: fc.Arbitrary<Raw> = fc
  .constantFrom(2_001, 70_000, 300_000)
  .map((n) => raw(JSON.stringify('长'.repeat(n)), `"长"×${n}`));

/** Any hostile JSON value, nested a little. */
export const hostileValue: fc.Arbitrary<Node> = fc.letrec<{ value: Node }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    { weight: 6, arbitrary: fc.oneof<fc.Arbitrary<Node>[]>(
      fc.constant(null), fc.boolean(), fc.integer(), fc.double(), fc.maxSafeInteger(), fc.constantFrom(0, 100, 100.01, 0.01, 2 ** 31, 2 ** 53),
      rawNumber, hostileString, invalidUtf8String,
    ) },
    { weight: 1, arbitrary: fc.oneof<fc.Arbitrary<Node>[]>(deepNesting, hugeString) },
    { weight: 2, arbitrary: fc.array(tie('value'), { maxLength: 4 }) },
    { weight: 2, arbitrary: fc.array(fc.tuple(hostileKey, tie('value')), { maxLength: 4 }).map((entries) => new Obj(entries)) },
  ),
})).value;

/** The fields of the push and where they sit: a top-level name, or [object, field]. */
const NESTED = ['creatorInfo', 'claimInfo', 'judgeResult', 'paymentInfo'] as const;
const example = specExample();
export const FIELD_PATHS: string[][] = [
  ...Object.keys(example).map((k) => [k]),
  ...NESTED.flatMap((o) => Object.keys(example[o]).map((k) => [o, k])),
  ['responsibilityPackageNos', '0'],
];

export type Mutation =
  | { op: 'set'; path: string[]; value: Node }
  | { op: 'delete'; path: string[] }
  | { op: 'add'; parent: string[]; key: string; value: Node };

export const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ op: fc.constant('set' as const), path: fc.constantFrom(...FIELD_PATHS), value: hostileValue }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('delete' as const), path: fc.constantFrom(...FIELD_PATHS) }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('add' as const), parent: fc.constantFrom([], ...NESTED.map((o) => [o])), key: hostileKey, value: hostileValue }) },
);

function childAt(node: Node, key: string): Node | undefined {
  if (node instanceof Obj) return node.entries.find(([k]) => k === key)?.[1];
  if (Array.isArray(node)) return node[Number(key)];
  return undefined;
}

/** Applies one mutation in place; a path that no longer exists (an earlier mutation replaced it) is skipped. */
export function applyMutation(root: Obj, m: Mutation): void {
  const parentPath = m.op === 'add' ? m.parent : m.path.slice(0, -1);
  let parent: Node | undefined = root;
  for (const key of parentPath) parent = parent === undefined ? undefined : childAt(parent, key);
  if (m.op === 'add') {
    if (parent instanceof Obj) parent.entries.push([m.key, m.value]);
    return;
  }
  const last = m.path[m.path.length - 1];
  if (parent instanceof Obj) {
    const i = parent.entries.findIndex(([k]) => k === last);
    if (m.op === 'delete') {
      if (i >= 0) parent.entries.splice(i, 1);
    } else if (i >= 0) parent.entries[i] = [last, m.value];
    else parent.entries.push([last, m.value]);
  } else if (Array.isArray(parent)) {
    if (m.op === 'delete') parent.splice(Number(last), 1);
    else parent[Number(last)] = m.value;
  }
}

/** The spec's example (with a random order id: many work orders, not one) under a few mutations. */
export const mutatedExample: fc.Arbitrary<{ orderId: string; mutations: Mutation[]; body: Buffer }> = fc
  .record({ orderId: fc.oneof(fc.constant('TMALL_1234567890'), fc.stringMatching(/^[A-Z0-9_]{1,20}$/)), mutations: fc.array(mutation, { maxLength: 4 }) })
  .map(({ orderId, mutations }) => {
    const root = toNode({ ...specExample(), externalOrderId: orderId }) as Obj;
    for (const m of mutations) applyMutation(root, m);
    return { orderId, mutations, body: serialize(root) };
  });

/** Any push body: mostly mutated examples; also any JSON value, random bytes, random text and cut-off JSON. */
export const hostileBody: fc.Arbitrary<Buffer> = fc.oneof(
  { weight: 8, arbitrary: mutatedExample.map((m) => m.body) },
  { weight: 2, arbitrary: hostileValue.map(serialize) },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 64 }).map((a) => Buffer.from(a)) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 64 }).map((s) => Buffer.from(s, 'utf8')) },
  { weight: 1, arbitrary: fc.tuple(mutatedExample, fc.double({ min: 0, max: 1, noNaN: true })).map(([m, at]) => m.body.subarray(0, Math.floor(m.body.length * at))) },
  { weight: 1, arbitrary: mutatedExample.map((m) => Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), m.body])) },
);
