import { addYears, dvFlagEffects, RECORD_DEPTH_YEARS } from '@onshi/core';
import { AppError } from '../../http/errors.js';
import type { ClinicalRecord, ClinicalRecordKind, StoreRepositories } from '../../store/types.js';
import { PORTAL_ERRORS } from './errors.js';

/** How far back each kind of own record is shown: 薬剤 3 years, 特定健診 5 years (rules.md §6.5); 診療・手術 as 薬剤. */
export const PORTAL_RECORD_YEARS: Readonly<Record<ClinicalRecordKind, number>> = {
  medication: RECORD_DEPTH_YEARS.medication,
  checkup: RECORD_DEPTH_YEARS.checkup,
  treatment: RECORD_DEPTH_YEARS.medication,
  surgery: RECORD_DEPTH_YEARS.medication,
};

/** One own record as the portal lists it. */
export interface OwnRecord {
  id: string;
  date: string;
  institutionCode: string | null;
  institutionName: string | null;
  code: string;
  name: string;
  detail: ClinicalRecord['detail'];
}

/**
 * Refuses the person's own-information views while the 自己情報提供不可フラグ is set (the abuser may hold the card
 * or be the proxy; rules.md §8, core dvFlagEffects `ownRecordsHiddenInPortal`). The message never names the flag.
 */
export async function requireOwnInformationVisible(
  repos: StoreRepositories,
  personId: string,
  date: string,
): Promise<void> {
  const flags = await repos.dvFlags.activeOn(personId, date);
  const effects = dvFlagEffects({
    selfInfoBlocked: flags.includes('selfInfoBlocked'),
    nonDisclosure: flags.includes('nonDisclosure'),
  });
  if (effects.ownRecordsHiddenInPortal) {
    throw new AppError(PORTAL_ERRORS.recordsHidden);
  }
}

/** The person's own 薬剤情報 / 特定健診 / 診療情報 / 手術情報 within their depth, newest first. */
export async function ownRecords(
  repos: StoreRepositories,
  input: { personId: string; kind: ClinicalRecordKind; date: string },
): Promise<{ kind: ClinicalRecordKind; from: string; to: string; records: OwnRecord[] }> {
  await requireOwnInformationVisible(repos, input.personId, input.date);
  const from = addYears(input.date, -PORTAL_RECORD_YEARS[input.kind]);
  const rows = await repos.clinicalRecords.listByPerson(input.personId, input.kind, from, input.date);
  const names = new Map<string, string | null>();
  for (const code of new Set(rows.map((r) => r.institutionCode).filter((c): c is string => c !== null))) {
    names.set(code, (await repos.institutions.get(code))?.name ?? null);
  }
  return {
    kind: input.kind,
    from,
    to: input.date,
    records: rows.map((r) => ({
      id: r.id,
      date: r.date,
      institutionCode: r.institutionCode,
      institutionName: r.institutionCode === null ? null : (names.get(r.institutionCode) ?? null),
      code: r.code,
      name: r.name,
      detail: r.detail,
    })),
  };
}
