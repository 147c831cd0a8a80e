/**
 * The documents a member has received by `asOf`, replaying the transition timeline (rules.md §5): paper 保険証
 * while they were still issued (to 2024-12-01; 国保 and 後期 renewed each 1 August and expiring 2025-07-31 at the
 * latest, 被用者保険 without a printed expiry and void after 2025-12-01), then whatever core `documentsDue` says at
 * each moment the member's situation changes: acquisition, the end of the paper card, the end of a 資格確認書, a
 * cancelled registration, a DV flag, the 後期 certificate year (1 August).
 */
import {
  addYears,
  documentsDue,
  individualNumberLast4,
  LEGACY_CARD_LAST_DAY,
  NO_NEW_LEGACY_CARDS_FROM,
  type DocumentsDuePerson,
} from '@onshi/core';
import { dayNumber, iso } from './days.js';
import { seventyFifthBirthdayOf } from './memo.js';
import type { Random } from './prng.js';
import type {
  GeneratedAttribute,
  GeneratedCard,
  GeneratedCertificate,
  GeneratedDocument,
  GeneratedDvFlag,
  GeneratedPerson,
  GeneratedQualification,
  GeneratedRegistration,
  GeneratedScheme,
} from './types.js';

/** What the document replay needs to know about a member. */
export interface DocumentInput {
  person: GeneratedPerson;
  individualNumber: string;
  qualification: GeneratedQualification;
  scheme: GeneratedScheme;
  insurerName: string;
  attributes: readonly GeneratedAttribute[];
  /** The physical card (not the phone), its auth certificate and the first issue day of any card. */
  card: GeneratedCard | null;
  certificate: GeneratedCertificate | null;
  firstCardDay: number | null;
  registration: GeneratedRegistration | null;
  dvFlags: readonly GeneratedDvFlag[];
  /** A 要配慮者 who asked for a 資格確認書 (rules.md §5 [S29]). */
  requestedCertificate: boolean;
  asOf: string;
  /** Sequence for document ids, shared by the member's qualifications. */
  nextId: () => string;
}

const NO_NEW_LEGACY_DAY = dayNumber(NO_NEW_LEGACY_CARDS_FROM);
/** Paper 国保 and 後期 cards ran 1 August – 31 July; the last ones ended on 2025-07-31 (rules.md §5 [S28]). */
const ANNUAL_CARD_LAST_END = '2025-07-31';

function rateScheme(s: GeneratedScheme): DocumentsDuePerson['scheme'] {
  return s === 'lateElderly' ? 'lateElderly' : s === 'kokuho' || s === 'kokuhoKumiai' ? 'national' : 'employee';
}

/** The 1 August on or before `date`. */
function augustOnOrBefore(date: string): string {
  const y = Number(date.slice(0, 4));
  return date.slice(5) >= '08-01' ? `${String(y)}-08-01` : `${String(y - 1)}-08-01`;
}

function copayOn(
  attributes: readonly GeneratedAttribute[],
  qualificationId: string,
  date: string,
): 0.1 | 0.2 | 0.3 | null {
  for (const a of attributes) {
    if (
      a.kind === 'copayRate' &&
      a.qualificationId === qualificationId &&
      a.validFrom <= date &&
      (a.validTo === null || date <= a.validTo)
    ) {
      return a.rate;
    }
  }
  return null;
}

/**
 * 資格確認書 validity chosen by the insurer (≤ 5 years, rules.md §5 [S29]): 後期 and 国保 to the next 31 July
 * (documents-and-screens.md §1.2), 国保 no later than the day before the 75th birthday; 被用者保険 five years, also
 * ending before 75.
 */
function certificateValidTo(scheme: GeneratedScheme, issuedOn: string, birthDate: string): string {
  const dayBefore75 = iso(dayNumber(seventyFifthBirthdayOf(birthDate)) - 1);
  if (scheme === 'lateElderly') {
    return iso(dayNumber(addYears(augustOnOrBefore(issuedOn), 1)) - 1);
  }
  const end =
    scheme === 'kokuho' || scheme === 'kokuhoKumiai'
      ? iso(dayNumber(addYears(augustOnOrBefore(issuedOn), 1)) - 1)
      : iso(dayNumber(addYears(issuedOn, 5)) - 1);
  return end < dayBefore75 ? end : dayBefore75;
}

/** The documents of one qualification as of `asOf`, oldest first. */
export function documentsFor(input: DocumentInput, rng: Random): GeneratedDocument[] {
  const { qualification: q, person, scheme, asOf } = input;
  const out: GeneratedDocument[] = [];
  const lastDay = q.lostOn === null ? asOf : iso(dayNumber(q.lostOn) - 1) < asOf ? iso(dayNumber(q.lostOn) - 1) : asOf;
  if (q.acquiredOn > asOf) {
    return out;
  }
  const printed = (on: string, withNumber: boolean): GeneratedDocument['printed'] => ({
    nameKanji: person.nameKanji,
    nameKana: person.nameKana,
    birthDate: person.birthDate,
    sex: person.sex,
    insurerNumber: q.insurerNumber,
    insurerName: input.insurerName,
    symbol: q.symbol,
    number: q.number,
    branch: q.branch,
    acquiredOn: q.acquiredOn,
    copayRate: copayOn(input.attributes, q.id, on),
    individualNumberLast4: withNumber ? individualNumberLast4(input.individualNumber) : null,
  });
  const issue = (
    kind: GeneratedDocument['kind'],
    issuedOn: string,
    validTo: string | null,
    onRequest: boolean,
  ): void => {
    out.push({
      id: input.nextId(),
      personId: person.id,
      qualificationId: q.id,
      insurerNumber: q.insurerNumber,
      kind,
      issuedOn,
      validFrom: issuedOn,
      validTo,
      onRequest,
      printed: printed(issuedOn, kind === 'qualificationNotice'),
    });
  };

  // 1. Paper 保険証 (before 2024-12-02).
  const acquiredDay = dayNumber(q.acquiredOn);
  let legacyEnd: string | null = null;
  if (acquiredDay < NO_NEW_LEGACY_DAY) {
    const annual = scheme === 'kokuho' || scheme === 'kokuhoKumiai' || scheme === 'lateElderly';
    // The latest card issued on or before both asOf and 2024-12-01: 国保・後期 renew every 1 August.
    const lastIssueDay = Math.min(dayNumber(asOf), NO_NEW_LEGACY_DAY - 1, dayNumber(lastDay));
    let issuedOn = q.acquiredOn;
    if (annual) {
      const august = augustOnOrBefore(iso(lastIssueDay));
      issuedOn = august > q.acquiredOn ? august : q.acquiredOn;
      const printedEnd = iso(dayNumber(addYears(augustOnOrBefore(issuedOn), 1)) - 1);
      legacyEnd = printedEnd < ANNUAL_CARD_LAST_END ? printedEnd : ANNUAL_CARD_LAST_END;
    } else {
      legacyEnd = LEGACY_CARD_LAST_DAY;
    }
    if (q.lostOn !== null && iso(dayNumber(q.lostOn) - 1) < legacyEnd) {
      legacyEnd = iso(dayNumber(q.lostOn) - 1);
    }
    issue('legacyInsuranceCard', issuedOn, legacyEnd, false);
  }
  if (asOf < NO_NEW_LEGACY_CARDS_FROM) {
    return out;
  }

  // 2. From 2024-12-02: ask documentsDue whenever the situation changes.
  const events = new Set<string>();
  const firstEvent = q.acquiredOn > NO_NEW_LEGACY_CARDS_FROM ? q.acquiredOn : NO_NEW_LEGACY_CARDS_FROM;
  events.add(firstEvent);
  if (legacyEnd !== null) {
    events.add(iso(dayNumber(legacyEnd) + 1));
  }
  if (input.registration?.unregisteredOn) {
    events.add(input.registration.unregisteredOn);
  }
  for (const flag of input.dvFlags) {
    if (flag.flag === 'selfInfoBlocked') {
      events.add(flag.setOn);
    }
  }
  if (input.registration) {
    events.add(input.registration.registeredOn);
  }
  if (scheme === 'lateElderly') {
    for (let y = 2025; `${String(y)}-08-01` <= lastDay; y++) {
      events.add(`${String(y)}-08-01`);
    }
  }
  const pending = [...events].filter((d) => d >= firstEvent && d <= lastDay).sort();
  let certificateTo: string | null = null;
  let noticeSent = false;
  const registration = input.registration;
  const blockedFrom = input.dvFlags.find((f) => f.flag === 'selfInfoBlocked')?.setOn ?? null;
  for (let i = 0; i < pending.length && i < 40; i++) {
    const date = pending[i] ?? lastDay;
    if (i > 0 && date === pending[i - 1]) {
      continue;
    }
    const holdsCard = input.firstCardDay !== null && input.firstCardDay <= dayNumber(date) && input.card !== null;
    const person: DocumentsDuePerson = {
      birthDate: input.person.birthDate,
      scheme: rateScheme(scheme),
      insuranceUseRegistered:
        registration !== null &&
        registration.registeredOn <= date &&
        (registration.unregisteredOn === null || date < registration.unregisteredOn),
      registrationCancelled:
        registration !== null && registration.unregisteredOn !== null && registration.unregisteredOn <= date,
      selfInfoBlocked: blockedFrom !== null && blockedFrom <= date,
      requestedCertificate: input.requestedCertificate,
    };
    if (holdsCard && input.card) {
      person.cardKind = input.card.kind;
      person.cardExpiry = input.card.expiresOn;
      if (input.certificate) {
        person.certificateExpiry = input.certificate.notAfter;
      }
    }
    if (legacyEnd !== null) {
      person.legacyCardExpiry = legacyEnd;
    }
    const due = documentsDue({ date, person })[0];
    if (!due) {
      continue;
    }
    if (due.document === 'eligibilityCertificate') {
      if (certificateTo !== null && date <= certificateTo) {
        continue;
      }
      // Sent a little ahead of the day it is needed, never before 2024-12-02 or the acquisition.
      const lead = date === q.acquiredOn ? 0 : rng.int(21);
      const earliest = firstEvent > NO_NEW_LEGACY_CARDS_FROM ? firstEvent : NO_NEW_LEGACY_CARDS_FROM;
      const issuedDay = Math.max(dayNumber(date) - lead, dayNumber(earliest));
      const issuedOn = iso(issuedDay);
      certificateTo = certificateValidTo(scheme, date, input.person.birthDate);
      issue('eligibilityCertificate', issuedOn, certificateTo, due.reason === 'onRequest');
      const renewal = iso(dayNumber(certificateTo) + 1);
      if (renewal <= lastDay && !pending.includes(renewal)) {
        pending.push(renewal);
        pending.sort();
      }
      continue;
    }
    if (due.document === 'qualificationNotice' && !noticeSent) {
      noticeSent = true;
      issue('qualificationNotice', date, null, false);
    }
  }
  return out;
}
