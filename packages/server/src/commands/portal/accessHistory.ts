import { dvFlagEffects, type Bilingual } from '@onshi/core';
import { AppError } from '../../http/errors.js';
import type { AuditRow, StoreRepositories } from '../../store/types.js';
import { PORTAL_ERRORS } from './errors.js';

/** How many audit rows of a person the history reads at most (newest first). */
export const ACCESS_HISTORY_LIMIT = 500;

/** One access to the person's data by an institution (やり取り履歴). */
export interface AccessEntry {
  at: string;
  institutionCode: string;
  institutionName: string | null;
  /** The audit action (oqs.confirm.card, oqs.records.medication, portal.myInformation.verify, …). */
  action: string;
  what: Bilingual;
  outcome: 'allowed' | 'refused';
  /** Consent items in force for this access ('medication,checkup'), or null when none applied. */
  consentItems: string | null;
  consentId: string | null;
}

const CONFIRMATION_LABELS: Record<string, Bilingual> = {
  card: { ja: '資格確認（マイナ保険証）', en: 'Qualification check (card at the reader)' },
  number: { ja: '資格確認（記号・番号等）', en: 'Qualification check (by insurance number)' },
  visual: { ja: '資格確認（目視）', en: 'Qualification check (visual)' },
  bulk: { ja: '資格確認（一括照会）', en: 'Qualification check (bulk)' },
};

const RECORD_LABELS: [RegExp, Bilingual][] = [
  [/medication|drug|yzk/i, { ja: '薬剤情報の閲覧', en: 'Medication records viewed' }],
  [/checkup|tkk/i, { ja: '特定健診情報の閲覧', en: 'Check-up records viewed' }],
  [/surgery/i, { ja: '手術情報の閲覧', en: 'Surgery records viewed' }],
  [/treatment|clinical/i, { ja: '診療情報の閲覧', en: 'Treatment records viewed' }],
];

/** What an institution's audited action means to the person; undefined for actions that are not an access. */
export function describeAccess(row: Pick<AuditRow, 'action' | 'detail'>): Bilingual | undefined {
  const confirm = /^oqs\.confirm\.(\w+)$/.exec(row.action);
  if (confirm !== null) {
    return CONFIRMATION_LABELS[confirm[1] ?? ''] ?? { ja: '資格確認', en: 'Qualification check' };
  }
  if (row.action === 'portal.myInformation.verify') {
    return { ja: 'わたしの情報（QRコード）による資格確認', en: 'Qualification check by the My Information QR code' };
  }
  if (row.action.startsWith('oqs.')) {
    for (const [pattern, label] of RECORD_LABELS) {
      if (pattern.test(row.action)) {
        return label;
      }
    }
    if (/record|medical|info/i.test(row.action)) {
      return { ja: '医療情報の閲覧', en: 'Medical information viewed' };
    }
  }
  return undefined;
}

function textOrNull(value: unknown): string | null {
  return typeof value === 'string' && value !== '' ? value : null;
}

/**
 * Who looked at my data (マイナポータル やり取り履歴): every confirmation and medical-information read an
 * institution made about the person, from the hash-chained audit log — which institution, when, what, on what
 * consent. Hidden while the 不開示該当フラグ is set, and like every own record under the 自己情報提供不可フラグ
 * (rules.md §8, core dvFlagEffects).
 */
export async function accessHistory(
  repos: StoreRepositories,
  input: { personId: string; date: string },
): Promise<{ entries: AccessEntry[]; message: Bilingual }> {
  const flags = await repos.dvFlags.activeOn(input.personId, input.date);
  const effects = dvFlagEffects({
    selfInfoBlocked: flags.includes('selfInfoBlocked'),
    nonDisclosure: flags.includes('nonDisclosure'),
  });
  if (effects.accessHistoryHidden || effects.ownRecordsHiddenInPortal) {
    throw new AppError(PORTAL_ERRORS.recordsHidden);
  }
  const rows = await repos.audit.listByPerson(input.personId, ACCESS_HISTORY_LIMIT);
  const names = new Map<string, string | null>();
  const entries: AccessEntry[] = [];
  for (const row of rows) {
    if (row.actorKind !== 'institution') {
      continue;
    }
    const what = describeAccess(row);
    if (what === undefined) {
      continue;
    }
    if (!names.has(row.actorId)) {
      names.set(row.actorId, (await repos.institutions.get(row.actorId))?.name ?? null);
    }
    entries.push({
      at: row.at,
      institutionCode: row.actorId,
      institutionName: names.get(row.actorId) ?? null,
      action: row.action,
      what,
      outcome: row.outcome,
      consentItems: textOrNull(row.detail.consentItems),
      consentId: textOrNull(row.detail.consentId),
    });
  }
  return {
    entries,
    message:
      entries.length === 0
        ? { ja: '医療機関等による閲覧の記録はありません。', en: 'No institution has accessed your information.' }
        : {
            ja: `医療機関等による資格確認・閲覧の記録（新しい順、${String(entries.length)}件）`,
            en: `Checks and reads by institutions (newest first, ${String(entries.length)})`,
          },
  };
}
