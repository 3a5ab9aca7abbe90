/**
 * One line of a platform's statement, read from its cells (text, or a spreadsheet's number or date)
 * into what is stored: plain functions, no I/O. Amounts are read from their decimal text with the
 * service's exact decimals (src/domain/decimal.ts), never through a binary float; a spreadsheet number
 * cell is read through its shortest decimal text (`String(n)`).
 */
import { types } from 'node:util';
import { decimalExceeds, decimalPlaces, parseDecimal, scaledHalfUp } from './decimal';
import { currencyMinorDigits, isKnownCurrency, MAX_MAJOR_AMOUNT } from './money';

/** The columns a statement's header row must name (any order; other columns are ignored). */
export const STATEMENT_COLUMNS = ['platform', 'platformClaimId', 'amount', 'currency', 'settledAt', 'reference'] as const;
export type StatementColumn = (typeof STATEMENT_COLUMNS)[number];

/** A cell as the readers give it: text, a number (XLSX), a date (XLSX date cell: its wall-clock time), or nothing. */
export type Cell = string | number | Date | null;

/**
 * A date cell, of whichever realm: an XLSX's dates come from a worker thread, and a Date that crossed a
 * thread is of the process's main realm, which `instanceof Date` does not see in a vm context (jest's).
 */
const isDateCell = (cell: Cell): cell is Date => types.isDate(cell);

export interface SettlementLine {
  platform: string;
  platformClaimId: string;
  reference: string;
  /** Hundredths of the currency unit, as every amount of the service. */
  amountMinor: number;
  currency: string;
  settledAt: Date;
}

/**
 * What the service says of a statement line: a stable id the page words in its language, the id's
 * parameters, and the same in English (`message`, as the report and logs show it).
 */
export interface LineNote {
  id: LineNoteId;
  params: Record<string, string | number> | null;
  message: string;
}

/** Every id a statement line's note may carry. */
export const LINE_NOTE_IDS = [
  'platform-unknown', 'id-empty', 'id-too-long', 'currency-unknown', 'amount-invalid', 'settled-at-invalid',
  'currency-differs', 'unmatched', 'duplicate', 'settled-differs',
] as const;
export type LineNoteId = (typeof LINE_NOTE_IDS)[number];

/** The notes, each from its parameters (one place for the ids and their English). */
export const LINE_NOTES = {
  platformUnknown: (platforms: readonly string[]): LineNote =>
    ({ id: 'platform-unknown', params: { column: 'platform', platforms: platforms.join(', ') }, message: `platform: must be one of ${platforms.join(', ')}` }),
  idEmpty: (column: string): LineNote => ({ id: 'id-empty', params: { column }, message: `${column}: is empty` }),
  idTooLong: (column: string, max: number): LineNote => ({ id: 'id-too-long', params: { column, max }, message: `${column}: must be at most ${max} characters` }),
  currencyUnknown: (): LineNote => ({ id: 'currency-unknown', params: { column: 'currency' }, message: 'currency: must be an ISO 4217 code (CNY)' }),
  amountInvalid: (decimals: number, currency: string): LineNote =>
    ({ id: 'amount-invalid', params: { column: 'amount', decimals, currency }, message: `amount: must be a decimal amount with at most ${decimals} decimals in ${currency}` }),
  settledAtInvalid: (): LineNote => ({
    id: 'settled-at-invalid', params: { column: 'settledAt' },
    message: 'settledAt: must be an ISO date (2026-11-20), a time with zone, or yyyy-MM-dd HH:mm:ss (Beijing time)',
  }),
  currencyDiffers: (claimCurrency: string): LineNote =>
    ({ id: 'currency-differs', params: { column: 'currency', currency: claimCurrency }, message: `currency: the claim holding this platformClaimId is in ${claimCurrency}` }),
  unmatched: (): LineNote => ({ id: 'unmatched', params: null, message: 'no claim of this platform holds this platformClaimId (yet); the line is kept' }),
  duplicate: (): LineNote => ({ id: 'duplicate', params: null, message: 'this platform and reference were imported before (or earlier in this file)' }),
  /** `settled` and `claimed` as decimal text in `currency`. */
  settledDiffers: (settled: string, claimed: string, currency: string): LineNote =>
    ({ id: 'settled-differs', params: { settled, claimed, currency }, message: `settled ${settled} ${currency} in all, claimed ${claimed}` }),
};

export type LineReading = { ok: true; line: SettlementLine } | { ok: false; note: LineNote };

const MAX_ID = 128;
const BEIJING_OFFSET_MS = 8 * 3_600_000;
/** The decimals a currency's amounts may carry: its own minor unit (JPY 0, CNY 2), at most the service's 2. */
export function currencyDecimals(currency: string): number {
  return Math.min(2, currencyMinorDigits(currency));
}

/**
 * A decimal amount's text to hundredths of the unit, exactly: `89.90`, `-5`, `1,234.5` (thousands
 * separators in groups of three); its value with at most `decimals` decimals (`12.340` has two), at most
 * MAX_MAJOR_AMOUNT either way. Null when it is not such an amount.
 */
export function parseDecimalAmount(text: string, decimals: number): number | null {
  const m = /^(-)?(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?$/.exec(text.trim());
  if (!m) return null;
  const [, minus = '', whole, fraction = ''] = m;
  const d = parseDecimal(`${minus}${whole.replaceAll(',', '').replace(/^0+(?=\d)/, '')}${fraction}`);
  if (d === null || decimalPlaces(d) > decimals || decimalExceeds({ ...d, negative: false }, MAX_MAJOR_AMOUNT)) return null;
  return scaledHalfUp(d, 2).value;
}

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,3})?)?(?:Z|[+-]\d{2}:\d{2})$/;
const BEIJING_TIME = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})$/;

/** A real calendar time from its parts (UTC), or null for 2026-02-30 or 24:00. */
function utcParts(y: number, mo: number, d: number, h = 0, mi = 0, s = 0): Date | null {
  const at = new Date(Date.UTC(y, mo - 1, d, h, mi, s));
  const real = at.getUTCFullYear() === y && at.getUTCMonth() === mo - 1 && at.getUTCDate() === d && at.getUTCHours() === h && at.getUTCMinutes() === mi && at.getUTCSeconds() === s;
  return real ? at : null;
}

/**
 * `settledAt`: an ISO date (UTC midnight, as the API's own dates), an ISO time with zone, or
 * `yyyy-MM-dd HH:mm:ss` in Beijing time; a spreadsheet date cell is its wall-clock time in Beijing.
 */
export function parseSettledAt(cell: Cell): Date | null {
  if (isDateCell(cell)) {
    if (Number.isNaN(cell.getTime())) return null;
    // A date cell has no zone: its (UTC-read) wall-clock time, to the second, is Beijing time.
    return new Date(Math.round(cell.getTime() / 1000) * 1000 - BEIJING_OFFSET_MS);
  }
  if (typeof cell !== 'string') return null;
  const text = cell.trim();
  const date = ISO_DATE.exec(text);
  if (date) return utcParts(Number(date[1]), Number(date[2]), Number(date[3]));
  const beijing = BEIJING_TIME.exec(text);
  if (beijing) {
    const at = utcParts(...(beijing.slice(1).map(Number) as [number, number, number, number, number, number]));
    return at && new Date(at.getTime() - BEIJING_OFFSET_MS);
  }
  if (!ISO_INSTANT.test(text)) return null;
  const at = new Date(text);
  const [y, mo, d, h, mi] = text.split(/[-T:]/).map(Number);
  return Number.isNaN(at.getTime()) || !utcParts(y, mo, d, h, mi) ? null : at;
}

/** A cell as text: a number through its shortest decimal form, nothing as ''. */
function cellText(cell: Cell): string {
  if (cell === null) return '';
  if (typeof cell === 'number') return String(cell);
  if (isDateCell(cell)) return cell.toISOString();
  return cell.trim();
}

/** Reads one line's cells against the known platforms; an `ok: false` names what is wrong. */
export function readSettlementLine(cells: Readonly<Record<StatementColumn, Cell>>, platforms: readonly string[]): LineReading {
  const platform = cellText(cells.platform).toLowerCase();
  if (!platforms.includes(platform)) return { ok: false, note: LINE_NOTES.platformUnknown(platforms) };
  const platformClaimId = cellText(cells.platformClaimId);
  const reference = cellText(cells.reference);
  for (const [field, value] of [['platformClaimId', platformClaimId], ['reference', reference]] as const) {
    if (value === '') return { ok: false, note: LINE_NOTES.idEmpty(field) };
    if (value.length > MAX_ID) return { ok: false, note: LINE_NOTES.idTooLong(field, MAX_ID) };
  }
  const currency = cellText(cells.currency).toUpperCase();
  if (!/^[A-Z]{3}$/.test(currency) || !isKnownCurrency(currency)) return { ok: false, note: LINE_NOTES.currencyUnknown() };
  const decimals = currencyDecimals(currency);
  const amountMinor = parseDecimalAmount(cellText(cells.amount), decimals);
  if (amountMinor === null) return { ok: false, note: LINE_NOTES.amountInvalid(decimals, currency) };
  const settledAt = parseSettledAt(typeof cells.settledAt === 'string' || isDateCell(cells.settledAt) ? cells.settledAt : cellText(cells.settledAt));
  if (!settledAt) return { ok: false, note: LINE_NOTES.settledAtInvalid() };
  return { ok: true, line: { platform, platformClaimId, reference, amountMinor, currency, settledAt } };
}
