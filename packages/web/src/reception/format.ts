import { acceptDocument, oqsCodeLabel, type AcceptDocumentResult } from '@onshi/core';
import type { Bilingual } from '../api.js';
import type { QualificationResult } from './types.js';

/** yyyyMMdd → YYYY-MM-DD; yyyyMMddHHmmss → YYYY-MM-DD HH:mm (Japan time, as OQS sends it). */
export function wireDate(value: string | undefined): string {
  if (value === undefined || value.length < 8) {
    return '—';
  }
  const day = `${value.slice(0, 4)}-${value.slice(4, 6)}-${value.slice(6, 8)}`;
  return value.length >= 12 ? `${day} ${value.slice(8, 10)}:${value.slice(10, 12)}` : day;
}

/** ISO date → yyyyMMdd. */
export function toWire(isoDate: string): string {
  return isoDate.replaceAll('-', '');
}

/** "030" → 3割 / 30% (OQS 負担割合). */
export function ratioLabel(ratio: string | undefined): Bilingual {
  if (ratio === undefined) {
    return { ja: '—', en: '—' };
  }
  const tenths = Number(ratio) / 10;
  return { ja: `${tenths}割`, en: `${tenths * 10}%` };
}

/** A code's label from the OQS code tables in @onshi/core, or the code itself. */
export function codeLabel(table: string, code: string | undefined): Bilingual {
  if (code === undefined) {
    return { ja: '—', en: '—' };
  }
  return oqsCodeLabel(table, code) ?? { ja: code, en: code };
}

/** The consent items of a result: flag and viewing deadline (rules.md §6.5: 24 hours). */
export function consentsOf(r: QualificationResult): { item: Bilingual; consented: boolean; until: string }[] {
  return [
    {
      item: { ja: '薬剤', en: 'Medicines' },
      consented: r.pharmacistsInfoConsFlg === '1',
      until: wireDate(r.pharmacistsInfoAvailableTime),
    },
    {
      item: { ja: '診療', en: 'Treatments' },
      consented: r.diagnosisInfoConsFlg === '1',
      until: wireDate(r.diagnosisInfoAvailableTime),
    },
    {
      item: { ja: '手術', en: 'Surgeries' },
      consented: r.operationInfoConsFlg === '1',
      until: wireDate(r.operationInfoAvailableTime),
    },
    {
      item: { ja: '健診', en: 'Check-ups' },
      consented: r.specificHealthCheckupsInfoConsFlg === '1',
      until: wireDate(r.specificHealthCheckupsInfoAvailableTime),
    },
  ];
}

/**
 * The patient showed nothing: the rules' answer for today (core acceptDocument; rules.md §5 failure ladder,
 * 被保険者資格申立書 [S31]).
 */
export function nothingPresented(today: string, birthDate: string | undefined): AcceptDocumentResult {
  return acceptDocument({
    date: today,
    presented: 'nothing',
    person: { qualification: 'active', insuranceUseRegistered: false, ...(birthDate ? { birthDate } : {}) },
  });
}
