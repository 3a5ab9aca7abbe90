import { Cell, currencyDecimals, parseDecimalAmount, parseSettledAt, readSettlementLine, StatementColumn } from '../../src/domain/settlement-line';

const PLATFORMS = ['glitzcloud', 'shopex', 'duobaoyu', 'appintf'];
const cells = (over: Partial<Record<StatementColumn, Cell>> = {}): Record<StatementColumn, Cell> => ({
  platform: 'appintf', platformClaimId: 'R-1', amount: '89.90', currency: 'CNY', settledAt: '2026-03-01', reference: 'L-1', ...over,
});

describe('a statement amount, read from its decimal text', () => {
  it.each([
    ['89.90', 2, 8990],
    ['89.9', 2, 8990],
    ['89', 2, 8900],
    ['1,234.56', 2, 123456],
    ['-5.00', 2, -500],
    ['-0', 2, 0],
    [' 7.5 ', 2, 750],
    ['1500', 0, 150000],
    ['0.1', 2, 10],
    ['12.340', 2, 1234],
    ['1500.00', 0, 150000],
    ['007.50', 2, 750],
  ])('%p with %p decimals → %p hundredths', (text, decimals, minor) => {
    expect(parseDecimalAmount(text, decimals)).toBe(minor);
  });
  it.each([['12.345', 2], ['1500.5', 0], ['1,23.00', 2], ['1e3', 2], ['', 2], ['NaN', 2], ['0x10', 2], ['1000000000001', 2], ['+5', 2]])('refuses %p with %p decimals', (text, decimals) => {
    expect(parseDecimalAmount(text, decimals)).toBeNull();
  });
  it("takes each currency's own decimals, at most 2", () => {
    expect([currencyDecimals('CNY'), currencyDecimals('JPY'), currencyDecimals('KWD')]).toEqual([2, 0, 2]);
  });
});

describe('settledAt', () => {
  it.each([
    ['2026-03-01', '2026-03-01T00:00:00.000Z'],
    ['2026-03-01 10:00:00', '2026-03-01T02:00:00.000Z'],
    ['2026-03-01T10:00:00+08:00', '2026-03-01T02:00:00.000Z'],
    ['2026-03-01T10:00:00.5Z', '2026-03-01T10:00:00.500Z'],
  ])('reads %p as %p', (text, iso) => {
    expect(parseSettledAt(text)!.toISOString()).toBe(iso);
  });
  it('reads a spreadsheet date cell as its wall-clock time in Beijing, to the second', () => {
    expect(parseSettledAt(new Date(Date.UTC(2026, 2, 1, 10, 0, 0, 1)))!.toISOString()).toBe('2026-03-01T02:00:00.000Z');
  });
  it.each(['2026-02-30', '2026-03-01 24:00:00', '2026-03-01T10:00:00', '01/03/2026', 'yesterday', ''])('refuses %p', (text) => {
    expect(parseSettledAt(text)).toBeNull();
  });
});

describe('a statement line', () => {
  it('reads every column, platform and currency in any case', () => {
    expect(readSettlementLine(cells({ platform: 'AppIntf', currency: 'cny' }), PLATFORMS)).toEqual({
      ok: true, line: { platform: 'appintf', platformClaimId: 'R-1', reference: 'L-1', amountMinor: 8990, currency: 'CNY', settledAt: new Date('2026-03-01T00:00:00Z') },
    });
  });
  it("reads spreadsheet number cells through their shortest decimal text, never a float's digits", () => {
    expect(readSettlementLine(cells({ amount: 0.1 + 0.2, platformClaimId: 700001 }), PLATFORMS)).toEqual({ ok: false, note: { id: 'amount-invalid', params: { column: 'amount', decimals: 2, currency: 'CNY' }, message: 'amount: must be a decimal amount with at most 2 decimals in CNY' } });
    expect(readSettlementLine(cells({ amount: 1234.5, platformClaimId: 700001 }), PLATFORMS)).toMatchObject({ ok: true, line: { amountMinor: 123450, platformClaimId: '700001' } });
  });
  it.each([
    [{ platform: 'ebay' }, 'platform-unknown', { column: 'platform', platforms: 'glitzcloud, shopex, duobaoyu, appintf' }, 'platform: must be one of glitzcloud, shopex, duobaoyu, appintf'],
    [{ platformClaimId: '' }, 'id-empty', { column: 'platformClaimId' }, 'platformClaimId: is empty'],
    [{ reference: null }, 'id-empty', { column: 'reference' }, 'reference: is empty'],
    [{ reference: 'x'.repeat(129) }, 'id-too-long', { column: 'reference', max: 128 }, 'reference: must be at most 128 characters'],
    [{ currency: 'RMB' }, 'currency-unknown', { column: 'currency' }, 'currency: must be an ISO 4217 code (CNY)'],
    [{ currency: 'JPY', amount: '1500.50' }, 'amount-invalid', { column: 'amount', decimals: 0, currency: 'JPY' }, 'amount: must be a decimal amount with at most 0 decimals in JPY'],
    [{ settledAt: 'soon' }, 'settled-at-invalid', { column: 'settledAt' }, 'settledAt: must be an ISO date (2026-11-20), a time with zone, or yyyy-MM-dd HH:mm:ss (Beijing time)'],
  ] as Array<[Partial<Record<StatementColumn, Cell>>, string, Record<string, unknown>, string]>)('refuses %p as %s, naming the column', (over, id, params, message) => {
    expect(readSettlementLine(cells(over), PLATFORMS)).toEqual({ ok: false, note: { id, params, message } });
  });
});
