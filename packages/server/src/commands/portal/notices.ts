import { addDays, addMonths, compareDates, formatWareki, insuranceUseStatus, type Bilingual } from '@onshi/core';
import type { StoreRepositories } from '../../store/types.js';
import { certificateDate } from '../oqs/cardState.js';

/** How long before expiry the portal starts to warn (the J-LIS notice comes 2–3 months before, rules.md §4 [S20]). */
export const EXPIRY_WARNING_MONTHS = 3;
/** How long a loss or a newly issued 資格確認書 stays on the notice board. */
export const RECENT_DAYS = 60;

/** Kinds of portal notice. */
export type PortalNoticeKind =
  'cardExpiring' | 'insuranceUseGrace' | 'insuranceUseEnded' | 'qualificationLost' | 'certificateOnItsWay';

/** One notice (お知らせ) on the portal's front page. */
export interface PortalNotice {
  kind: PortalNoticeKind;
  /** The date the notice is about (expiry, loss, issue). */
  on: string;
  message: Bilingual;
  basis: string;
}

/**
 * The person's notices on `date`: the card or its 利用者証明用 certificate expiring within 3 months (with the grace
 * explained: usable as 保険証 to the end of the 3rd month after, no information sharing — core insuranceUseStatus,
 * rules.md §4 [S21][S21b]); in or past the grace; a qualification lost recently; a 資格確認書 issued recently and on
 * its way by post.
 */
export async function portalNotices(
  repos: StoreRepositories,
  input: { personId: string; date: string },
): Promise<PortalNotice[]> {
  const { personId, date } = input;
  const notices: PortalNotice[] = [];
  const cards = (await repos.cards.listByPerson(personId)).filter((c) => c.status === 'active');
  for (const card of cards) {
    const auth = (await repos.certificates.listByCard(card.id))
      .filter((c) => c.kind === 'auth' && c.revokedAt === null)
      .map((c) => certificateDate(c.notAfter))
      .sort()
      .at(-1);
    const status = insuranceUseStatus({ cardExpiry: card.expiresOn, certificateExpiry: auth ?? card.expiresOn, date });
    const what = auth !== undefined && auth < card.expiresOn ? '電子証明書' : 'マイナンバーカード';
    const whatEn = auth !== undefined && auth < card.expiresOn ? 'electronic certificate' : 'card';
    if (status.status === 'valid' && compareDates(addMonths(status.expiry, -EXPIRY_WARNING_MONTHS), date) <= 0) {
      notices.push({
        kind: 'cardExpiring',
        on: status.expiry,
        message: {
          ja: `${what}の有効期限は${formatWareki(status.expiry)}です。市区町村の窓口で更新してください。期限後も${formatWareki(status.graceEnd)}までは保険証として使えますが、資格情報のみの提供となり、薬剤情報等の共有はできません。`,
          en: `Your ${whatEn} expires on ${status.expiry}. Renew it at the municipal office. After expiry it works as an insurance card until ${status.graceEnd}, for the qualification only (no information sharing).`,
        },
        basis: 'rules.md §4 [S20][S21][S21b]',
      });
    } else if (status.status === 'grace') {
      notices.push({
        kind: 'insuranceUseGrace',
        on: status.graceEnd,
        message: status.verdict.message,
        basis: status.verdict.basis,
      });
    } else if (status.status === 'expired') {
      notices.push({
        kind: 'insuranceUseEnded',
        on: status.graceEnd,
        message: status.verdict.message,
        basis: status.verdict.basis,
      });
    }
  }
  const recentFrom = addDays(date, -RECENT_DAYS);
  const qualifications = await repos.qualifications.findByPerson(personId);
  const current = qualifications.filter((q) => q.acquiredOn <= date && (q.lostOn === null || date < q.lostOn));
  for (const q of qualifications) {
    if (q.lostOn !== null && q.lostOn <= date && q.lostOn >= recentFrom) {
      const insurer = await repos.insurers.get(q.insurerNumber);
      const name = insurer?.name ?? q.insurerNumber;
      notices.push({
        kind: 'qualificationLost',
        on: q.lostOn,
        message: {
          ja: `${name}の資格を${formatWareki(q.lostOn)}に喪失しました。${current.length === 0 ? '新しい保険に加入したら、加入先で手続きをしてください。資格喪失後に受診すると医療費を返還いただく場合があります。' : ''}`,
          en: `Your qualification at ${name} was lost on ${q.lostOn}.${current.length === 0 ? ' Register with your new insurer; care after the loss may have to be paid back.' : ''}`,
        },
        basis: 'rules.md Appendix (QualificationValidity 2–4)',
      });
    }
  }
  for (const doc of await repos.documents.listByPerson(personId)) {
    if (doc.kind === 'eligibilityCertificate' && doc.issuedOn <= date && doc.issuedOn >= recentFrom) {
      notices.push({
        kind: 'certificateOnItsWay',
        on: doc.issuedOn,
        message: {
          ja: `${doc.printed.insurerName}が${formatWareki(doc.issuedOn)}に資格確認書を発行しました。郵送で届きます（有効期限 ${doc.validTo === null ? '—' : formatWareki(doc.validTo)}）。`,
          en: `${doc.printed.insurerName} issued an eligibility certificate on ${doc.issuedOn}; it is on its way by post (valid until ${doc.validTo ?? '—'}).`,
        },
        basis: 'rules.md §5 [S29]',
      });
    }
  }
  return notices.sort((a, b) => compareDates(a.on, b.on));
}
