import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ANSWER_PROBLEMS, CLAIM_REASON_IDS, LAST_ERROR_IDS, PRECHECK_RULES } from '../../src/claims/claim-reasons';
import { FLAGS } from '../../src/domain/reconciliation';
import { LINE_NOTE_IDS } from '../../src/domain/settlement-line';
import { FIELD_PROBLEM_IDS } from '../../src/dto/field-problems';
import { CLAIM_STATUSES } from '../../src/entities';
import { QIMEN_ERRORS } from '../../src/errors/qimen-errors';
import { PLATFORM_NAMES } from '../../src/platforms/types';

/**
 * The page's message catalogue (src/web/static/finance-messages.js): both languages say everything, and
 * every error id, flag, status and platform the service answers has its words, so the page never shows
 * a raw id or English in its Chinese view.
 */
const STATIC = join(__dirname, '..', '..', 'src', 'web', 'static');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const MESSAGES = require(join(STATIC, 'finance-messages.js')) as Record<'zh' | 'en', Record<string, any>>;

/** Every text of a nested catalogue with its key path (["statuses/pending", "待发送"]). */
function texts(value: Record<string, unknown>, prefix = ''): Array<[string, unknown]> {
  return Object.entries(value).flatMap(([key, v]): Array<[string, unknown]> =>
    (typeof v === 'object' && v !== null ? texts(v as Record<string, unknown>, `${prefix}${key}/`) : [[`${prefix}${key}`, v]]));
}
const keyPaths = (value: Record<string, unknown>) => texts(value).map(([path]) => path);

/** The error ids the finance API answers with: every ApiError built in src/api. */
function apiErrorIds(): string[] {
  const dir = join(__dirname, '..', '..', 'src', 'api');
  const ids = new Set<string>(['internal-error']);
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.ts'))) {
    for (const m of readFileSync(join(dir, file), 'utf8').matchAll(/new ApiError\(\d+, '([a-z-]+)'/g)) ids.add(m[1]);
  }
  return [...ids].sort();
}

describe('the finance page\'s message catalogue', () => {
  it('has the same keys in 中文 and English, none empty', () => {
    expect(keyPaths(MESSAGES.zh).sort()).toEqual(keyPaths(MESSAGES.en).sort());
    for (const lang of ['zh', 'en'] as const) {
      for (const [path, text] of texts(MESSAGES[lang])) expect({ path, text }).toEqual({ path, text: expect.stringMatching(/\S/) });
    }
  });

  it('translates every error id of the finance API', () => {
    const ids = apiErrorIds();
    expect(ids).toEqual(expect.arrayContaining(['unauthorized', 'forbidden', 'not-found', 'invalid-parameter', 'conflict', 'platform-refused']));
    for (const id of ids) expect({ id, zh: MESSAGES.zh.errors[id], en: MESSAGES.en.errors[id] }).toEqual({ id, zh: expect.any(String), en: expect.any(String) });
  });

  it('words every note the service gives a statement line, in 中文 and English', () => {
    for (const id of LINE_NOTE_IDS) {
      expect({ id, zh: MESSAGES.zh.lineNotes[id], en: MESSAGES.en.lineNotes[id] }).toEqual({ id, zh: expect.stringMatching(/\S/), en: expect.stringMatching(/\S/) });
    }
    expect(Object.keys(MESSAGES.en.lineNotes).sort()).toEqual([...LINE_NOTE_IDS].sort());
  });

  it("words every problem of a refused push's field, in 中文 and English", () => {
    expect(Object.keys(MESSAGES.zh.fieldProblems).sort()).toEqual([...FIELD_PROBLEM_IDS].sort());
    expect(Object.keys(MESSAGES.en.fieldProblems).sort()).toEqual([...FIELD_PROBLEM_IDS].sort());
  });

  it('names every reason a push is refused (the rejected pushes\' errorId)', () => {
    for (const id of Object.keys(QIMEN_ERRORS)) expect({ id, text: MESSAGES.zh.qimenErrors[id] }).toEqual({ id, text: expect.any(String) });
  });

  it('words every claim event reason id and lastError id the service writes, in 中文 and English', () => {
    const both = (group: string, id: string) => ({ group, id, zh: MESSAGES.zh[group][id], en: MESSAGES.en[group][id] });
    const worded = (group: string, id: string) => ({ group, id, zh: expect.stringMatching(/\S/), en: expect.stringMatching(/\S/) });
    for (const id of CLAIM_REASON_IDS) expect(both('reasons', id)).toEqual(worded('reasons', id));
    for (const id of LAST_ERROR_IDS) expect(both('lastErrors', id)).toEqual(worded('lastErrors', id));
    for (const rule of PRECHECK_RULES) expect(both('precheckRules', rule)).toEqual(worded('precheckRules', rule));
    for (const problem of ANSWER_PROBLEMS) expect(both('answerProblems', problem)).toEqual(worded('answerProblems', problem));
  });

  it('words no reason or lastError id the service does not write', () => {
    expect(Object.keys(MESSAGES.zh.reasons).sort()).toEqual([...CLAIM_REASON_IDS].sort());
    expect(Object.keys(MESSAGES.zh.lastErrors).sort()).toEqual([...LAST_ERROR_IDS].sort());
  });

  it('names and explains every flag, status and platform in words', () => {
    for (const flag of FLAGS) expect([flag, typeof MESSAGES.zh.flagNames[flag], typeof MESSAGES.zh.flagMeanings[flag]]).toEqual([flag, 'string', 'string']);
    for (const status of CLAIM_STATUSES) expect([status, typeof MESSAGES.zh.statuses[status]]).toEqual([status, 'string']);
    for (const platform of PLATFORM_NAMES) expect([platform, typeof MESSAGES.zh.platforms[platform]]).toEqual([platform, 'string']);
  });

  it('keeps the page\'s Chinese view free of English words of its own', () => {
    const latin = texts(MESSAGES.zh)
      // Proper names and protocol words stay as they are: platforms, HTTP, CSV, App Key, UTC.
      .filter(([path, text]) => !path.startsWith('platforms/') && /[A-Za-z]{2,}/.test(String(text).replace(/\{\w+\}|\b(HTTP|CSV|UTC|App Key|JSON)\b/g, '')));
    expect(latin).toEqual([]);
  });
});
