import {
  compareDates,
  isIsoDate,
  validateBranch,
  validateIndividualNumber,
  validateNumber,
  validateSymbol,
} from '@onshi/core';
import { AppError, COMMON_ERRORS } from '../../http/errors.js';
import type { Qualification, Scheme } from '../../store/types.js';
import { INSURER_ERRORS } from './errors.js';
import { qualifiedOn } from '../../store/asOf.js';

/** A calendar date 'YYYY-MM-DD' that exists (the schema checks only the shape). */
export function requireDate(field: string, value: string): string {
  if (!isIsoDate(value)) {
    throw new AppError(COMMON_ERRORS.validation, `${field} is not a calendar date YYYY-MM-DD`);
  }
  return value;
}

/** `earlier` ≤ `later` (or `earlier` < `later` when `strict`), else the coded dates-out-of-order error. */
export function requireOrder(
  earlierField: string,
  earlier: string,
  laterField: string,
  later: string,
  strict = false,
): void {
  const c = compareDates(earlier, later);
  if (c > 0 || (strict && c === 0)) {
    throw new AppError(
      INSURER_ERRORS.datesOutOfOrder,
      `${laterField} (${later}) must be ${strict ? 'after' : 'on or after'} ${earlierField} (${earlier})`,
    );
  }
}

export { qualifiedOn };

/** True when two periods [from, to) share a day; `to` null is open-ended. */
export function periodsOverlap(
  a: { from: string; to: string | null },
  b: { from: string; to: string | null },
): boolean {
  const aEndsBeforeB = a.to !== null && compareDates(a.to, b.from) <= 0;
  const bEndsBeforeA = b.to !== null && compareDates(b.to, a.from) <= 0;
  return !aEndsBeforeB && !bEndsBeforeA;
}

/** A date inside the qualification, else the coded outside-qualification error. */
export function requireWithinQualification(field: string, q: Qualification, date: string): void {
  if (!qualifiedOn(q, date)) {
    throw new AppError(
      INSURER_ERRORS.outsideQualification,
      `${field} (${date}) is outside the qualification [${q.acquiredOn}, ${q.lostOn ?? '…'})`,
    );
  }
}

/**
 * 記号・番号・枝番 by the JP Core character rules (rules.md §1.2); 後期 has only an 8-digit 被保険者番号 (rules.md §1.1,
 * documents-and-screens.md §1.2).
 */
export function requireMemberNumbers(
  scheme: Scheme,
  fields: { symbol: string | null; number: string; branch: string | null },
): void {
  if (scheme === 'lateElderly') {
    if (fields.symbol !== null || fields.branch !== null || !/^\d{8}$/.test(fields.number)) {
      throw new AppError(INSURER_ERRORS.badMemberNumber, '後期: an 8-digit 被保険者番号 and no 記号/枝番');
    }
    return;
  }
  for (const [field, v] of [
    ['symbol', validateSymbol(fields.symbol)],
    ['number', validateNumber(fields.number)],
    ['branch', validateBranch(fields.branch)],
  ] as const) {
    if (!v.ok) {
      throw new AppError(INSURER_ERRORS.badMemberNumber, `${field}: ${v.code} ${v.message.en}`);
    }
  }
}

/** A My Number with a valid check digit, compacted to 12 digits; never echoed in the error. */
export function requireIndividualNumber(value: string): string {
  const v = validateIndividualNumber(value);
  if (!v.ok) {
    throw new AppError(INSURER_ERRORS.badIndividualNumber, v.code);
  }
  return value.replace(/[\uFF10-\uFF19]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0)).replace(/[\s-]/g, '');
}
