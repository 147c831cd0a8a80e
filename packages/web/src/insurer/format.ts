import type { Bilingual } from '../api.js';
import { bi } from '../i18n.js';
import type { Attribute, DocumentKind, DvFlag, LossReason, Relationship } from './types.js';

/** 記号・番号・枝番 as printed: 記号・番号（枝番）. */
export function memberKeyText(m: { symbol: string | null; number: string; branch: string | null }): string {
  const key = m.symbol === null || m.symbol === '' ? m.number : `${m.symbol}・${m.number}`;
  return m.branch === null || m.branch === '' ? key : `${key}（${m.branch}）`;
}

/** 本人 / 家族. */
export function relationshipLabel(r: Relationship): Bilingual {
  return r === 'insured' ? bi('本人', 'Insured') : bi('家族', 'Dependant');
}

/** 資格喪失事由 (api-insurer.md: 01 死亡, 02 生保開始, 03 医療保険等取得, 99 その他). */
export const LOSS_REASONS: { value: LossReason; label: Bilingual }[] = [
  {
    value: '03',
    label: bi('03 他の医療保険等の資格取得（退職・転職など）', '03 Other insurance acquired (job change)'),
  },
  { value: '01', label: bi('01 死亡', '01 Death') },
  { value: '02', label: bi('02 生活保護の開始', '02 Public assistance started') },
  { value: '99', label: bi('99 その他', '99 Other') },
];

/** The label of a loss reason. */
export function lossReasonLabel(reason: LossReason | null): Bilingual {
  return LOSS_REASONS.find((r) => r.value === reason)?.label ?? bi('—', '—');
}

/** DV-related flags (rules.md §8 [S35]), named as the insurer's staff know them. */
export const DV_FLAGS: { flag: DvFlag; label: Bilingual }[] = [
  { flag: 'selfInfoBlocked', label: bi('自己情報提供不可', 'Own information not provided') },
  { flag: 'nonDisclosure', label: bi('不開示該当', 'Non-disclosure') },
];

/** Document kinds. */
export function documentKindLabel(kind: DocumentKind): Bilingual {
  switch (kind) {
    case 'eligibilityCertificate':
      return bi('資格確認書', 'Eligibility certificate');
    case 'qualificationNotice':
      return bi('資格情報のお知らせ', 'Qualification notice');
    case 'legacyInsuranceCard':
      return bi('健康保険証', 'Insurance card (legacy)');
  }
}

/** One attribute row in words. */
export function attributeLabel(a: Attribute): Bilingual {
  switch (a.kind) {
    case 'copayRate':
      return bi(`負担割合 ${String(Math.round(a.rate * 10))}割`, `Co-payment ${String(Math.round(a.rate * 100))}%`);
    case 'elderlyRecipient':
      return bi(
        `高齢受給者 ${String(Math.round(a.rate * 10))}割`,
        `Elderly recipient ${String(Math.round(a.rate * 100))}%`,
      );
    case 'limitCategory':
      return bi(`限度額適用区分 ${a.category}`, `Limit category ${a.category}`);
    case 'specificDisease':
      return bi(
        `特定疾病 ${a.diseaseCategory}（自己負担限度額 ${String(a.selfPayLimit)}円）`,
        `Specific disease ${a.diseaseCategory} (limit ¥${String(a.selfPayLimit)})`,
      );
  }
}

/** Card kinds. */
export function cardKindLabel(kind: string): Bilingual {
  switch (kind) {
    case 'standard':
      return bi('マイナンバーカード', 'My Number Card');
    case 'faceOnly':
      return bi('顔認証マイナンバーカード', 'Face-only card');
    case 'smartphone':
      return bi('スマートフォン', 'Smartphone');
    default:
      return bi(kind, kind);
  }
}

/** Card states. */
export function cardStatusLabel(status: string): Bilingual {
  switch (status) {
    case 'active':
      return bi('有効', 'Active');
    case 'suspended':
      return bi('一時停止', 'Suspended');
    case 'revoked':
      return bi('失効', 'Revoked');
    case 'lost':
      return bi('紛失', 'Lost');
    default:
      return bi(status, status);
  }
}

/** Where 健康保険証利用登録 was made. */
export function channelLabel(channel: string): Bilingual {
  switch (channel) {
    case 'reader':
      return bi('医療機関のカードリーダー', "A clinic's card reader");
    case 'portal':
      return bi('マイナポータル', 'Mynaportal');
    case 'atm':
      return bi('セブン銀行ATM', 'ATM');
    case 'wardOffice':
      return bi('市区町村窓口', 'Municipal office');
    default:
      return bi(channel, channel);
  }
}

/** A PDF file name for a document. */
export function pdfName(kind: DocumentKind, documentId: string): string {
  const prefix = kind === 'eligibilityCertificate' ? 'shikaku-kakuninsho' : 'shikaku-oshirase';
  return `${prefix}-${documentId}.pdf`;
}

const DOCUMENT_PROBLEMS: Record<string, Bilingual> = {
  'ONSHI-E-INSURER-INDIVIDUAL-NUMBER-NOT-LINKED': bi(
    'マイナンバー未登録のため資格情報のお知らせを作成できません',
    'No My Number linked: no qualification notice can be made',
  ),
  'ONSHI-E-INSURER-COPAY-RATE-NOT-SET': bi('負担割合が未登録です', 'No co-payment rate on record'),
  'ONSHI-E-INSURER-MEMBER-LOST': bi('資格喪失後です', 'The qualification has ended'),
  'ONSHI-E-INSURER-DOCUMENT-DATA': bi('印字する内容に不備があります', 'The printed fields are incomplete'),
  'ONSHI-E-INSURER-VALIDITY-TOO-LONG': bi('有効期限が5年を超えています', 'Validity longer than 5 years'),
};

/** Why a member's document could not be issued in a batch (the insurer API's codes). */
export function documentProblemLabel(code: string): Bilingual {
  return DOCUMENT_PROBLEMS[code] ?? bi(code, code);
}
