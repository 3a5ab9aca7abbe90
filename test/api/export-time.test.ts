import { ApiError } from '../../src/api/api-error';
import { exportTimeZone, wallClock, zonedIso } from '../../src/api/export-time';

const AT = new Date('2026-01-02T10:00:00.000Z');
const SUMMER = new Date('2026-07-02T10:00:00.000Z');

describe('the exports\' time zone', () => {
  it('is UTC when tz is absent or empty', () => {
    expect([exportTimeZone(undefined), exportTimeZone('')]).toEqual(['UTC', 'UTC']);
  });

  it('takes an IANA zone, spelt as the runtime spells it when only the case differs', () => {
    expect([exportTimeZone('Asia/Shanghai'), exportTimeZone('asia/shanghai'), exportTimeZone('America/Argentina/Salta')]).toEqual(['Asia/Shanghai', 'Asia/Shanghai', 'America/Argentina/Salta']);
  });

  it('keeps an alias as it was asked for', () => {
    expect(exportTimeZone('Asia/Kolkata')).toBe('Asia/Kolkata');
  });

  it.each(['Mars/Olympus_Mons', '+08:00', 'Asia/Shanghai; DROP', '../etc/passwd', 'x'.repeat(65)])('refuses %j as invalid-parameter naming tz', (raw) => {
    let refused: unknown;
    try {
      exportTimeZone(raw);
    } catch (err) {
      refused = err;
    }
    expect(refused).toBeInstanceOf(ApiError);
    expect(refused).toMatchObject({ status: 400, field: 'tz' });
  });

  it('writes an instant as ISO 8601 with the zone\'s offset, following daylight saving time', () => {
    expect(zonedIso(AT, 'UTC')).toBe('2026-01-02T10:00:00.000Z');
    expect(zonedIso(AT, 'Asia/Shanghai')).toBe('2026-01-02T18:00:00.000+08:00');
    expect(zonedIso(AT, 'America/New_York')).toBe('2026-01-02T05:00:00.000-05:00');
    expect(zonedIso(SUMMER, 'America/New_York')).toBe('2026-07-02T06:00:00.000-04:00');
    expect(zonedIso(new Date('2026-01-02T10:00:00.123Z'), 'Asia/Kolkata')).toBe('2026-01-02T15:30:00.123+05:30');
  });

  it('gives a spreadsheet date the zone\'s wall clock (in its UTC fields)', () => {
    expect(wallClock(AT, 'Asia/Shanghai').toISOString()).toBe('2026-01-02T18:00:00.000Z');
    expect(wallClock(SUMMER, 'America/New_York').toISOString()).toBe('2026-07-02T06:00:00.000Z');
  });
});
