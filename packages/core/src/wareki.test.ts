import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addDays, formatIsoDate } from './dates.js';
import { formatWareki, formatWarekiMonth, parseWareki, toWareki, WarekiParseError } from './wareki.js';

describe('formatting 和暦 (docs/decisions/0012-wareki-eras.md)', () => {
  it('long form: 令和6年12月2日, and year 1 is 元年', () => {
    expect(formatWareki('2024-12-02')).toBe('令和6年12月2日');
    expect(formatWareki('2019-05-01')).toBe('令和元年5月1日');
    expect(formatWareki('2019-04-30')).toBe('平成31年4月30日');
  });
  it('short form: R6.12.2, H31.4.30, R1.5.1', () => {
    expect(formatWareki('2024-12-02', 'short')).toBe('R6.12.2');
    expect(formatWareki('2019-04-30', 'short')).toBe('H31.4.30');
    expect(formatWareki('2019-05-01', 'short')).toBe('R1.5.1');
  });
  it('each era begins on its 改元 day', () => {
    expect(formatWareki('1989-01-07')).toBe('昭和64年1月7日');
    expect(formatWareki('1989-01-08')).toBe('平成元年1月8日');
    expect(formatWareki('1926-12-24')).toBe('大正15年12月24日');
    expect(formatWareki('1926-12-25')).toBe('昭和元年12月25日');
    expect(formatWareki('1912-07-29')).toBe('明治45年7月29日');
    expect(formatWareki('1912-07-30')).toBe('大正元年7月30日');
    expect(formatWareki('1868-09-08')).toBe('明治元年9月8日');
  });
  it('a date before 明治 cannot be written in 和暦', () => {
    expect(() => formatWareki('1868-09-07')).toThrow(RangeError);
  });
  it('a month is named after the era in force at its end', () => {
    expect(formatWarekiMonth('2019-05')).toBe('令和元年5月');
    expect(formatWarekiMonth('1989-01')).toBe('平成元年1月');
    expect(formatWarekiMonth('2024-12-15', 'short')).toBe('R6.12');
  });
  it('splits a date into parts', () => {
    expect(toWareki('2025-12-01')).toEqual({ era: '令和', year: 7, month: 12, day: 1 });
  });
});

describe('reading 和暦', () => {
  it('reads both styles, 元年, full-width digits and blanks', () => {
    expect(parseWareki('令和6年12月2日')).toBe('2024-12-02');
    expect(parseWareki('R6.12.2')).toBe('2024-12-02');
    expect(parseWareki('r06/12/02')).toBe('2024-12-02');
    expect(parseWareki('令和元年5月1日')).toBe('2019-05-01');
    expect(parseWareki('令和６年１２月２日')).toBe('2024-12-02');
    expect(parseWareki(' 平成 31 年 4 月 30 日 ')).toBe('2019-04-30');
    expect(parseWareki('Ｈ３１．４．３０')).toBe('2019-04-30');
    expect(parseWareki('昭64.1.7')).toBe('1989-01-07');
    expect(parseWareki('明治45年7月29日')).toBe('1912-07-29');
    expect(parseWareki('大正元年7月30日')).toBe('1912-07-30');
  });
  it('rejects a date outside its era: 平成32年, 令和元年4月30日, 昭和64年1月8日, 明治元年9月7日', () => {
    for (const s of ['平成32年1月1日', '令和元年4月30日', '昭和64年1月8日', '明治元年9月7日', 'H31.5.1']) {
      expect(() => parseWareki(s)).toThrow(WarekiParseError);
      try {
        parseWareki(s);
      } catch (e) {
        expect((e as WarekiParseError).code).toBe('WAREKI_OUTSIDE_ERA');
      }
    }
  });
  it('rejects impossible dates and unreadable text with a coded error', () => {
    expect(() => parseWareki('令和7年2月29日')).toThrow(/No such date/);
    expect(() => parseWareki('令和0年1月1日')).toThrow(WarekiParseError);
    expect(() => parseWareki('2024-12-02')).toThrow(/Not a Japanese-era date/);
    expect(() => parseWareki('慶応4年1月1日')).toThrow(WarekiParseError);
  });
  it('property: parseWareki(formatWareki(d)) === d for every day 1868-09-08 … 2100-12-31, both styles', () => {
    const first = Date.UTC(1868, 8, 8);
    const days = Math.round((Date.UTC(2100, 11, 31) - first) / 86_400_000);
    fc.assert(
      fc.property(fc.integer({ min: 0, max: days }), fc.constantFrom('long' as const, 'short' as const), (n, style) => {
        const d = addDays('1868-09-08', n);
        expect(parseWareki(formatWareki(d, style))).toBe(d);
      }),
      { numRuns: 2000 },
    );
  });
  it('round-trips every era boundary day exactly', () => {
    for (const start of ['1912-07-30', '1926-12-25', '1989-01-08', '2019-05-01']) {
      for (const d of [addDays(start, -1), start]) {
        expect(parseWareki(formatWareki(d))).toBe(d);
      }
    }
    expect(formatIsoDate({ year: 2100, month: 12, day: 31 })).toBe(parseWareki('令和82年12月31日'));
  });
});
