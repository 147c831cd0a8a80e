import { daysInMonth } from '@onshi/core';

/**
 * How a field is written on the OQS wire, and so how it is normalised when read and written back. Schemas in
 * schemas.ts carry it as the `x-wire` annotation; the XML codec and the JSON decoder both apply it, so the two
 * forms cannot drift.
 * - `text`: names, addresses, 記号/番号 — trimmed at both ends, widths kept (記号 "１２－３４" is data).
 * - `digits`, `code`: full-width ASCII (as clinics sometimes type it) folded to half-width, trimmed.
 * - `insurerNumber`: 8 digits, or 6 for 国保 left-padded to 8 with spaces or zeros (oqs-interface.md §3).
 * - `date` yyyyMMdd, `dateTime` yyyyMMddHHmmss, `month` yyyyMM: folded, trimmed and checked against the calendar.
 */
export type WireKind = 'text' | 'digits' | 'code' | 'insurerNumber' | 'date' | 'dateTime' | 'month';

/** The result of normalising one field: the value, or why it was refused. */
export type WireResult = { ok: true; value: string } | { ok: false; reason: 'invalid' | 'insurerNumber' };

const TRIM = /^[\s\u3000]+|[\s\u3000]+$/g;
const FULL_WIDTH_ASCII = /[\uFF01-\uFF5E]/g;
const FULL_WIDTH_SPACE = /\u3000/g;

/** Printable ASCII without spaces: nothing to trim or fold (most fields of most messages), so one test. */
const PLAIN_ASCII = /^[\x21-\x7e]*$/;

/** Trims ASCII whitespace and the full-width space U+3000 at both ends. */
export function trimWide(s: string): string {
  return PLAIN_ASCII.test(s) ? s : s.replace(TRIM, '');
}

/** Folds full-width ASCII (Ａ, ０, －) and the full-width space to their half-width forms. */
export function foldWidth(s: string): string {
  if (PLAIN_ASCII.test(s)) {
    return s;
  }
  return s
    .replace(FULL_WIDTH_ASCII, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0))
    .replace(FULL_WIDTH_SPACE, ' ');
}

function isCalendarDate(year: number, month: number, day: number): boolean {
  return month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month);
}

/** True for a real calendar date written yyyyMMdd. */
export function isWireDate(s: string): boolean {
  if (!/^\d{8}$/.test(s)) {
    return false;
  }
  return isCalendarDate(Number(s.slice(0, 4)), Number(s.slice(4, 6)), Number(s.slice(6, 8)));
}

/** True for a real instant written yyyyMMddHHmmss. */
export function isWireDateTime(s: string): boolean {
  if (!/^\d{14}$/.test(s) || !isWireDate(s.slice(0, 8))) {
    return false;
  }
  return Number(s.slice(8, 10)) < 24 && Number(s.slice(10, 12)) < 60 && Number(s.slice(12, 14)) < 60;
}

/**
 * Reads an insurer number the way clinics send it: 8 digits, or 6 (国保) padded to 8 with spaces or zeros.
 * Returns 8 or 6 digits; a leading "00" marks a padded 国保 number, since no 法別番号 is 00.
 */
export function normaliseInsurerNumber(raw: string): string | undefined {
  const folded = trimWide(foldWidth(raw));
  if (/^\d{6}$/.test(folded)) {
    return folded;
  }
  if (/^\d{8}$/.test(folded)) {
    return folded.startsWith('00') ? folded.slice(2) : folded;
  }
  return undefined;
}

/** Writes an insurer number as OQS does: a 6-digit 国保 number left-padded with two spaces to 8. */
export function wireInsurerNumber(value: string): string {
  return value.length === 6 ? `  ${value}` : value;
}

/** Normalises a field read from the wire (XML or JSON) according to its kind. */
export function normaliseWire(kind: WireKind, raw: string): WireResult {
  switch (kind) {
    case 'text':
      return { ok: true, value: trimWide(raw) };
    case 'digits':
    case 'code':
      return { ok: true, value: trimWide(foldWidth(raw)) };
    case 'insurerNumber': {
      const value = normaliseInsurerNumber(raw);
      return value === undefined ? { ok: false, reason: 'insurerNumber' } : { ok: true, value };
    }
    case 'date': {
      const value = trimWide(foldWidth(raw));
      return isWireDate(value) ? { ok: true, value } : { ok: false, reason: 'invalid' };
    }
    case 'dateTime': {
      const value = trimWide(foldWidth(raw));
      return isWireDateTime(value) ? { ok: true, value } : { ok: false, reason: 'invalid' };
    }
    case 'month': {
      const value = trimWide(foldWidth(raw));
      const ok = /^\d{6}$/.test(value) && isCalendarDate(Number(value.slice(0, 4)), Number(value.slice(4, 6)), 1);
      return ok ? { ok: true, value } : { ok: false, reason: 'invalid' };
    }
  }
}

/** 'YYYY-MM-DD' (the house date form) → yyyyMMdd (the OQS wire form). */
export function toWireDate(iso: string): string {
  return iso.slice(0, 4) + iso.slice(5, 7) + iso.slice(8, 10);
}

/** yyyyMMdd (the OQS wire form) → 'YYYY-MM-DD' (the house date form). */
export function fromWireDate(wire: string): string {
  return `${wire.slice(0, 4)}-${wire.slice(4, 6)}-${wire.slice(6, 8)}`;
}

/** The second `toWireDateTime` answered last: a confirmation writes the same second three times or more. */
let lastWireSecond = { second: Number.NaN, wire: '' };

/** An instant as yyyyMMddHHmmss in Japan time (UTC+9, no daylight saving), as ProcessExecutionTime carries it. */
export function toWireDateTime(at: Date): string {
  const t = at.getTime();
  const second = Math.floor(t / 1000);
  if (second === lastWireSecond.second) {
    return lastWireSecond.wire;
  }
  const s = new Date(t + 9 * 3_600_000).toISOString();
  const wire = s.slice(0, 4) + s.slice(5, 7) + s.slice(8, 10) + s.slice(11, 13) + s.slice(14, 16) + s.slice(17, 19);
  lastWireSecond = { second, wire };
  return wire;
}

/** yyyyMMddHHmmss in Japan time → the instant. */
export function fromWireDateTime(wire: string): Date {
  const iso = `${fromWireDate(wire)}T${wire.slice(8, 10)}:${wire.slice(10, 12)}:${wire.slice(12, 14)}+09:00`;
  return new Date(iso);
}
