/**
 * 和暦: Japanese era dates on documents, cards and screens. Pure code with its own era table (no Intl era data,
 * which differs between runtimes). Dates are proleptic Gregorian; see docs/decisions/0012-wareki-eras.md.
 */
import { endOfMonth, isIsoDate, parseIsoDate } from './dates.js';

/** A Japanese era: its name, one-letter abbreviation and first day (Gregorian). */
export interface Era {
  name: EraName;
  letter: EraLetter;
  en: string;
  start: string;
}

/** Era names, oldest first. */
export type EraName = '明治' | '大正' | '昭和' | '平成' | '令和';
/** Era abbreviations used in short dates (R6.12.2). */
export type EraLetter = 'M' | 'T' | 'S' | 'H' | 'R';

/**
 * The eras, newest first. Each begins on its 改元 day and ends the day before the next one begins. 明治 begins on
 * 1868-09-08 by the common software convention (docs/decisions/0012-wareki-eras.md).
 */
export const ERAS: readonly Era[] = [
  { name: '令和', letter: 'R', en: 'Reiwa', start: '2019-05-01' },
  { name: '平成', letter: 'H', en: 'Heisei', start: '1989-01-08' },
  { name: '昭和', letter: 'S', en: 'Showa', start: '1926-12-25' },
  { name: '大正', letter: 'T', en: 'Taisho', start: '1912-07-30' },
  { name: '明治', letter: 'M', en: 'Meiji', start: '1868-09-08' },
];

/** A date in 和暦 parts: era, year of the era (1 = 元年), month, day. */
export interface WarekiDate {
  era: EraName;
  year: number;
  month: number;
  day: number;
}

function eraOf(date: string): { era: Era; index: number } {
  const index = ERAS.findIndex((e) => e.start <= date);
  const era = ERAS[index];
  if (era === undefined) {
    throw new RangeError(`和暦の範囲外です（明治より前）/ date before the Meiji era: ${date}`);
  }
  return { era, index };
}

/** Splits an ISO date into 和暦 parts. Throws a RangeError for a date before 明治 or a malformed date. */
export function toWareki(date: string): WarekiDate {
  const d = parseIsoDate(date);
  const { era } = eraOf(date);
  return { era: era.name, year: d.year - Number(era.start.slice(0, 4)) + 1, month: d.month, day: d.day };
}

function eraYearText(year: number): string {
  return year === 1 ? '元' : String(year);
}

/**
 * An ISO date in 和暦: 'long' = 令和6年12月2日 (元年 for year 1), 'short' = R6.12.2. Throws a RangeError for a
 * date before 明治 (1868-09-08).
 */
export function formatWareki(date: string, style: 'long' | 'short' = 'long'): string {
  const w = toWareki(date);
  if (style === 'short') {
    return `${eraByName(w.era).letter}${String(w.year)}.${String(w.month)}.${String(w.day)}`;
  }
  return `${w.era}${eraYearText(w.year)}年${String(w.month)}月${String(w.day)}日`;
}

/**
 * A month in 和暦 ('YYYY-MM' or a date in it): 令和6年12月 / R6.12. A month in which the era changed is named
 * after the new era (平成元年1月, 令和元年5月), the era in force on its last day.
 */
export function formatWarekiMonth(month: string, style: 'long' | 'short' = 'long'): string {
  const w = toWareki(endOfMonth(`${month.slice(0, 7)}-01`));
  if (style === 'short') {
    return `${eraByName(w.era).letter}${String(w.year)}.${String(w.month)}`;
  }
  return `${w.era}${eraYearText(w.year)}年${String(w.month)}月`;
}

function eraByName(name: EraName): Era {
  const era = ERAS.find((e) => e.name === name);
  if (era === undefined) {
    throw new RangeError(`unknown era ${name}`);
  }
  return era;
}

/** An error from reading a 和暦 date typed or printed outside: a stable code and a message in both languages. */
export class WarekiParseError extends RangeError {
  readonly code: string;
  readonly messageJa: string;

  constructor(code: string, ja: string, en: string) {
    super(en);
    this.name = 'WarekiParseError';
    this.code = code;
    this.messageJa = ja;
  }
}

const LONG = /^(明治|大正|昭和|平成|令和)\s*(元|\d{1,3})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日$/;
const SHORT = /^([MTSHR明大昭平令])\s*(元|\d{1,3})[./\-年]\s*(\d{1,2})[./\-月]\s*(\d{1,2})日?$/i;

/**
 * Reads a 和暦 date into ISO 'YYYY-MM-DD'. Accepts the long form (令和6年12月2日, 元年), the short form (R6.12.2,
 * also with '/' or '-', a lower-case letter or the first kanji of the era: 令6.12.2), full-width digits and
 * blanks. Throws a `WarekiParseError` for text it cannot read and for dates outside their era (平成32年,
 * 令和元年4月30日) or outside the calendar (令和7年2月29日).
 */
export function parseWareki(s: string): string {
  const text = s.normalize('NFKC').trim();
  const m = LONG.exec(text) ?? SHORT.exec(text);
  if (m === null) {
    throw new WarekiParseError(
      'WAREKI_FORMAT',
      `和暦の日付として読めません: ${s}`,
      `Not a Japanese-era date (e.g. 令和6年12月2日 or R6.12.2): ${s}`,
    );
  }
  const [, eraText = '', yearText = '', monthText = '', dayText = ''] = m;
  const era = ERAS.find((e) => e.name === eraText || e.letter === eraText.toUpperCase() || e.name.startsWith(eraText));
  if (era === undefined) {
    throw new WarekiParseError('WAREKI_ERA', `元号が分かりません: ${eraText}`, `Unknown era: ${eraText}`);
  }
  const year = yearText === '元' ? 1 : Number(yearText);
  const iso = `${String(Number(era.start.slice(0, 4)) + year - 1).padStart(4, '0')}-${monthText.padStart(2, '0')}-${dayText.padStart(2, '0')}`;
  if (year < 1 || !isIsoDate(iso)) {
    throw new WarekiParseError('WAREKI_DATE', `存在しない日付です: ${s}`, `No such date: ${s}`);
  }
  if (iso < era.start || eraOf(iso).era.name !== era.name) {
    throw new WarekiParseError(
      'WAREKI_OUTSIDE_ERA',
      `${s} は${era.name}の期間外です。`,
      `${s} is outside the ${era.en} era.`,
    );
  }
  return iso;
}
