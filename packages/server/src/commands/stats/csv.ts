/**
 * CSV behind every statistics answer (issue 9: "every chart has a table and CSV behind it"). RFC 4180 quoting, CRLF,
 * UTF-8 with a byte-order mark so spreadsheet programs in Japan open the Japanese headers correctly. The numerator
 * and denominator columns carry their Japanese names, so a CSV read alone still says what was divided by what.
 */
import type { RateDefinition } from './definitions.js';
import type { BranchRow, KindRow, MonthRow, RateRow } from './readStatistics.js';

type Cell = string | number | null;

function cell(value: Cell): string {
  if (value === null) {
    return '';
  }
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** Rows of cells as CSV text. */
export function toCsv(rows: readonly (readonly Cell[])[]): string {
  return '\uFEFF' + rows.map((r) => r.map(cell).join(',')).join('\r\n') + '\r\n';
}

function rateColumns(d: RateDefinition): string[] {
  return [`分子: ${d.numerator.ja}`, `分母: ${d.denominator.ja}`, `${d.name.ja} (%)`];
}

function rateCells(r: RateRow): Cell[] {
  return [r.numerator, r.denominator, r.rate === null ? null : Math.round(r.rate * 1e6) / 1e4];
}

/** CSV of an answer by branch. */
export function branchCsv(d: RateDefinition, rows: readonly BranchRow[]): string {
  return toCsv([
    ['順位', '支部コード', '支部', ...rateColumns(d), '前月 (%)', '前月差 (ポイント)', '上位・下位5'],
    ...rows.map((r) => [
      r.rank === 0 ? null : r.rank,
      r.branch,
      r.branchName.ja,
      ...rateCells(r),
      r.previousRate === null ? null : Math.round(r.previousRate * 1e6) / 1e4,
      r.changePoints === null ? null : Math.round(r.changePoints * 100) / 100,
      r.mark === 'top' ? '上位5' : r.mark === 'bottom' ? '下位5' : null,
    ]),
  ]);
}

/** CSV of a monthly series. */
export function monthCsv(d: RateDefinition, rows: readonly MonthRow[]): string {
  return toCsv([['年月', ...rateColumns(d)], ...rows.map((r) => [r.month, ...rateCells(r)])]);
}

/** CSV of an answer by institution kind. */
export function kindCsv(d: RateDefinition, rows: readonly KindRow[]): string {
  return toCsv([
    ['種別', '種別名', ...rateColumns(d)],
    ...rows.map((r) => [r.institutionKind, r.kindName.ja, ...rateCells(r)]),
  ]);
}
