import { addDays, addMonths, expiryNoticeWindow, isExpiryNoticeDue, renewalWindow, tokyoDate } from '@onshi/core';
import type { ExpiryWindow } from '@onshi/core';
import { startOfTokyoDay } from '../../authority/index.js';
import type { Card, CardKind, StoreRepositories } from '../../store/types.js';

/** One 有効期限通知書 J-LIS sends: a card whose certificates, or the card itself, expire soon. */
export interface ExpiryNotice {
  personId: string;
  cardId: string;
  cardKind: CardKind;
  /** What expires on `expiresOn`: the 電子証明書, the card, or both. */
  subjects: ('certificate' | 'card')[];
  expiresOn: string;
  /** When the notice goes out (`expiryNoticeWindow`). */
  noticeWindow: ExpiryWindow;
  /** First day the holder may renew at the office (`renewalWindow`). */
  renewableFrom: string;
}

const PAGE = 1000;

/**
 * The expiry-notice job: everyone whose card or 利用者証明用 certificate expires such that the J-LIS notice window
 * (about 2–3 months before, `expiryNoticeWindow` in @onshi/core, rules.md §4 [S20]) covers `date`. Only active
 * cards and unrevoked certificates; a certificate and card ending the same day give one notice.
 */
export async function listExpiryNotices(store: StoreRepositories, date: string): Promise<ExpiryNotice[]> {
  // Expiries whose window can cover `date` lie within [date + 2 months, date + 3 months]; a few days of margin
  // cover month-end clamping, and the rule itself (isExpiryNoticeDue) decides.
  const lo = addDays(addMonths(date, 2), -3);
  const hi = addDays(addMonths(date, 3), 3);
  const notices = new Map<string, ExpiryNotice>();
  const cards = new Map<string, Card | null>();
  const add = (card: Card, subject: 'certificate' | 'card', expiresOn: string): void => {
    const key = `${card.id}|${expiresOn}`;
    const existing = notices.get(key);
    if (existing !== undefined) {
      if (!existing.subjects.includes(subject)) {
        existing.subjects.push(subject);
        existing.subjects.sort();
      }
      return;
    }
    notices.set(key, {
      personId: card.personId,
      cardId: card.id,
      cardKind: card.kind,
      subjects: [subject],
      expiresOn,
      noticeWindow: expiryNoticeWindow(expiresOn),
      renewableFrom: renewalWindow(expiresOn).from,
    });
  };
  let afterId: string | undefined;
  for (;;) {
    const page = await store.certificates.listExpiring(
      startOfTokyoDay(lo).toISOString(),
      startOfTokyoDay(addDays(hi, 1)).toISOString(),
      {
        limit: PAGE,
        ...(afterId !== undefined ? { afterId } : {}),
      },
    );
    for (const { certificate } of page) {
      const expiresOn = tokyoDate(new Date(certificate.notAfter));
      if (certificate.kind !== 'auth' || !isExpiryNoticeDue(expiresOn, date)) {
        continue;
      }
      if (!cards.has(certificate.cardId)) {
        cards.set(certificate.cardId, await store.cards.get(certificate.cardId));
      }
      const card = cards.get(certificate.cardId);
      if (card?.status === 'active') {
        add(card, 'certificate', expiresOn);
      }
    }
    afterId = page.at(-1)?.certificate.serial;
    if (page.length < PAGE) {
      break;
    }
  }
  afterId = undefined;
  for (;;) {
    const page = await store.cards.listExpiring(lo, hi, { limit: PAGE, ...(afterId !== undefined ? { afterId } : {}) });
    for (const card of page) {
      if (card.status === 'active' && card.kind !== 'smartphone' && isExpiryNoticeDue(card.expiresOn, date)) {
        add(card, 'card', card.expiresOn);
      }
    }
    afterId = page.at(-1)?.id;
    if (page.length < PAGE) {
      break;
    }
  }
  return [...notices.values()].sort(
    (a, b) =>
      a.expiresOn.localeCompare(b.expiresOn) ||
      a.personId.localeCompare(b.personId) ||
      a.cardId.localeCompare(b.cardId),
  );
}
