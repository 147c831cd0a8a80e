/**
 * What holds on a date, from rows that carry their own validity: the rules the attribute and DV-flag queries apply
 * in SQL, for records read whole (the member read model, decision 0166). Pure.
 */
import { compareDates } from '@onshi/core';
import type {
  AttributesAsOf,
  DvFlag,
  DvFlagRecord,
  Qualification,
  QualificationAttribute,
  ReferenceNumberRecord,
} from './types.js';

/** True when `date` falls in the qualification's period [acquiredOn, lostOn). */
export function qualifiedOn(q: Pick<Qualification, 'acquiredOn' | 'lostOn'>, date: string): boolean {
  return compareDates(q.acquiredOn, date) <= 0 && (q.lostOn === null || compareDates(date, q.lostOn) < 0);
}

/** The DV flags (rules.md §8), in the order answers list them. */
export const DV_FLAGS: readonly DvFlag[] = ['selfInfoBlocked', 'nonDisclosure'];

/**
 * The attributes in force on `date` (valid_from ≤ date ≤ valid_to or open), superseded rows left out: per slot the
 * row starting last wins (then the one recorded last); 特定疾病 one per disease category, in category order.
 */
export function attributesInForce(rows: readonly QualificationAttribute[], date: string): AttributesAsOf {
  const inForce = rows
    .filter((a) => a.supersededAt === null && a.validFrom <= date && (a.validTo === null || a.validTo >= date))
    .sort((x, y) => compareText(x.validFrom, y.validFrom) || compareText(x.recordedAt, y.recordedAt));
  const result: AttributesAsOf = { copayRate: null, limitCategory: null, elderlyRecipient: null, specificDiseases: [] };
  const diseases = new Map<string, QualificationAttribute & { kind: 'specificDisease' }>();
  for (const a of inForce) {
    switch (a.kind) {
      case 'copayRate':
        result.copayRate = a;
        break;
      case 'limitCategory':
        result.limitCategory = a;
        break;
      case 'elderlyRecipient':
        result.elderlyRecipient = a;
        break;
      case 'specificDisease':
        diseases.set(a.diseaseCategory, a);
        break;
    }
  }
  result.specificDiseases = [...diseases.values()].sort((x, y) => x.diseaseCategory.localeCompare(y.diseaseCategory));
  return result;
}

/** The DV flags in force on `date` (set on or before it, not cleared by it), in DV_FLAGS order. */
export function dvFlagsInForce(records: readonly DvFlagRecord[], date: string): DvFlag[] {
  return DV_FLAGS.filter((f) =>
    records.some((r) => r.flag === f && r.setOn <= date && (r.clearedOn === null || r.clearedOn > date)),
  );
}

/**
 * An institution's 照会番号 for a person among the person's records: the latest registered, the greater number on a
 * tie — the order of `referenceNumbers.findByPerson`, so the read model and the table answer alike.
 */
export function latestReferenceNumber(
  records: readonly ReferenceNumberRecord[],
  institutionCode: string,
): ReferenceNumberRecord | null {
  let latest: ReferenceNumberRecord | null = null;
  for (const r of records) {
    if (
      r.institutionCode === institutionCode &&
      (latest === null ||
        (compareText(r.registeredAt, latest.registeredAt) || compareText(r.referenceNumber, latest.referenceNumber)) >
          0)
    ) {
      latest = r;
    }
  }
  return latest;
}

/** Code-unit order, as SQL compares text (ISO dates, instants, ids). */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
