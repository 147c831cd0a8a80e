import {
  acceptDocument,
  compareDates,
  formatWareki,
  type AcceptDocumentResult,
  type Bilingual,
  type PresentedDocument,
} from '@onshi/core';
import type { StoreRepositories } from '../../store/types.js';
import { documentValidOn } from '../insurer/printedDocument.js';
import { acceptancePersonOf } from '../oqs/cardState.js';
import { requirePersonRecord } from './qualifications.js';

/** One thing the person could bring, with the rules engine's answer for the date. */
export interface BringOption {
  presented: PresentedDocument['kind'];
  label: Bilingual;
  accepted: boolean;
  message: Bilingual;
  basis: string;
}

/** The answer to "what do I bring to the clinic on date X?". */
export interface WhatToBring {
  date: string;
  /** Plain-language answer: what to bring, and what to do if the reader fails. */
  answer: Bilingual;
  options: BringOption[];
  /** When the reader cannot be used: what works with the card. */
  ifReaderFails: BringOption[];
}

const LABELS: Record<PresentedDocument['kind'], Bilingual> = {
  myNumberCardAtReader: { ja: 'マイナ保険証（マイナンバーカード）', en: 'Your My Number card (as insurance card)' },
  cardWithQualificationNotice: {
    ja: 'マイナンバーカードと資格情報のお知らせ',
    en: 'The card with the qualification notice',
  },
  cardWithPortalScreen: {
    ja: 'マイナンバーカードとマイナポータルの資格情報画面（わたしの情報）',
    en: 'The card with the portal qualification screen (My Information)',
  },
  legacyInsuranceCard: { ja: '従来の健康保険証', en: 'The old paper insurance card' },
  eligibilityCertificate: { ja: '資格確認書', en: 'The eligibility certificate' },
  qualificationNoticeAlone: { ja: '資格情報のお知らせのみ', en: 'The qualification notice alone' },
  nothing: { ja: '何も持たずに受診', en: 'Nothing' },
};

function option(presented: PresentedDocument['kind'], result: AcceptDocumentResult): BringOption {
  return {
    presented,
    label: LABELS[presented],
    accepted: result.accepted,
    message: result.verdict.message,
    basis: result.verdict.basis,
  };
}

/**
 * "What do I bring to the clinic on date X?" — core acceptDocument asked about each document this person holds
 * (their card, a 資格確認書 valid on the date, a 資格情報のお知らせ, an old paper card), with the store's facts about
 * them (card and certificate expiry, 利用登録, DV flag; oqs cardState), then again with the reader out of order
 * (rules.md §5 failure ladder). The answer names the first accepted document in plain Japanese and English.
 */
export async function whatToBring(
  repos: StoreRepositories,
  input: { personId: string; date: string },
): Promise<WhatToBring> {
  const { date } = input;
  const person = await requirePersonRecord(repos, input.personId);
  const current = await repos.qualifications.currentForPerson(person.id, date);
  const acceptancePerson = await acceptancePersonOf(repos, person, current.length > 0 ? 'active' : 'lost', date);
  const docs = await repos.documents.listByPerson(person.id);
  const ask = (presented: PresentedDocument, readerWorking = true): BringOption =>
    option(presented.kind, acceptDocument({ date, presented, person: acceptancePerson, readerWorking }));
  const options: BringOption[] = [];
  if (acceptancePerson.cardKind !== undefined) {
    options.push(ask({ kind: 'myNumberCardAtReader' }));
  }
  const certificate = docs
    .filter((d) => d.kind === 'eligibilityCertificate' && documentValidOn(d, date))
    .sort((a, b) => compareDates(b.issuedOn, a.issuedOn))[0];
  if (certificate !== undefined && certificate.validTo !== null) {
    options.push(ask({ kind: 'eligibilityCertificate', validUntil: certificate.validTo }));
  }
  const legacy = docs.filter((d) => d.kind === 'legacyInsuranceCard').at(-1);
  if (legacy !== undefined && legacy.validTo !== null) {
    options.push(ask({ kind: 'legacyInsuranceCard', printedExpiry: legacy.validTo }));
  }
  const ifReaderFails: BringOption[] = [];
  if (acceptancePerson.cardKind !== undefined) {
    ifReaderFails.push(ask({ kind: 'cardWithPortalScreen' }, false));
    if (docs.some((d) => d.kind === 'qualificationNotice')) {
      ifReaderFails.push(ask({ kind: 'cardWithQualificationNotice' }, false));
    }
  }
  const best = options.find((o) => o.accepted);
  const fallback = ifReaderFails.find((o) => o.accepted);
  const day = formatWareki(date);
  let answer: Bilingual;
  if (best !== undefined) {
    answer = {
      ja: `${day}の受診には「${best.label.ja}」をお持ちください。${best.message.ja}${fallback !== undefined ? `。カードリーダーが使えないときは「${fallback.label.ja}」で受診できます。` : ''}`,
      en: `On ${date}, bring: ${best.label.en}. ${best.message.en}${fallback !== undefined ? `. If the reader cannot be used: ${fallback.label.en}.` : ''}`,
    };
  } else {
    const nothing = ask({ kind: 'nothing' });
    const refusal = options[0];
    answer = {
      ja: `${day}に使える書類がありません。${refusal !== undefined ? `${refusal.label.ja}: ${refusal.message.ja}。` : ''}保険者に資格確認書の交付を申請してください。書類がない場合: ${nothing.message.ja}`,
      en: `No document you hold works on ${date}. ${refusal !== undefined ? `${refusal.label.en}: ${refusal.message.en}. ` : ''}Ask your insurer for an eligibility certificate. Without any document: ${nothing.message.en}`,
    };
  }
  return { date, answer, options, ifReaderFails };
}
