import {
  compareDates,
  documentsDue,
  formatWareki,
  insuranceUseRegistrationAllowed,
  LEGACY_CARD_LAST_DAY,
  type Bilingual,
  type DocumentDue,
  type DocumentsDuePerson,
} from '@onshi/core';
import type { AuditEntry } from '../../audit/auditLog.js';
import { AppError } from '../../http/errors.js';
import type {
  Card,
  InsuranceUseRegistration,
  Person,
  RegistrationChannel,
  StoreRepositories,
  StoreTx,
} from '../../store/types.js';
import { documentValidOn } from '../insurer/printedDocument.js';
import { rateSchemeOf } from '../insurer/schemes.js';
import { certificateDate } from '../oqs/cardState.js';
import { PORTAL_ERRORS } from './errors.js';
import { today, type PortalDeps } from './session.js';

/** How each channel is named to the person (glossary `insuranceUseRegistration`). */
export const CHANNEL_LABELS: Readonly<Record<RegistrationChannel, Bilingual>> = {
  portal: { ja: 'マイナポータル', en: 'the portal' },
  reader: { ja: '医療機関・薬局のカードリーダー', en: 'a clinic or pharmacy card reader' },
  atm: { ja: '銀行ATM', en: 'a bank ATM' },
  wardOffice: { ja: '市区町村窓口の端末', en: 'a ward-office terminal' },
};

/** 健康保険証利用登録 as the person sees it: "registered since … via …", or 未登録. */
export interface RegistrationStatus {
  registered: boolean;
  registeredOn: string | null;
  channel: RegistrationChannel | null;
  message: Bilingual;
  history: { registeredOn: string; channel: RegistrationChannel; unregisteredOn: string | null }[];
}

function statusOf(registrations: readonly InsuranceUseRegistration[], date: string): RegistrationStatus {
  const open = registrations.find(
    (r) => compareDates(r.registeredOn, date) <= 0 && (r.unregisteredOn === null || date < r.unregisteredOn),
  );
  const history = registrations.map((r) => ({
    registeredOn: r.registeredOn,
    channel: r.channel,
    unregisteredOn: r.unregisteredOn,
  }));
  if (open === undefined) {
    return {
      registered: false,
      registeredOn: null,
      channel: null,
      message: {
        ja: '未登録: 健康保険証利用登録がされていません',
        en: 'Not registered: the card is not registered for insurance use',
      },
      history,
    };
  }
  const label = CHANNEL_LABELS[open.channel];
  return {
    registered: true,
    registeredOn: open.registeredOn,
    channel: open.channel,
    message: {
      ja: `登録済み: ${formatWareki(open.registeredOn)}から（${label.ja}で登録）`,
      en: `Registered since ${open.registeredOn} via ${label.en}`,
    },
    history,
  };
}

/** The person's 健康保険証利用登録 status today. */
export async function registrationStatus(deps: PortalDeps, personId: string): Promise<RegistrationStatus> {
  return statusOf(await deps.ctx.store.cards.registrations(personId), today(deps.ctx));
}

/** Who made a registration or unregistration, for the audit log. */
export type RegistrationActor = Pick<AuditEntry, 'actorKind' | 'actorId'> & { detail?: AuditEntry['detail'] };

/**
 * 健康保険証利用登録 through a channel: the rules engine decides whether this card kind may use it (a face-only card
 * only at a clinic reader; a phone certificate only through the portal — core insuranceUseRegistrationAllowed,
 * rules.md §4 [S24][S26], test case 31); an open registration is not made twice. Runs inside the caller's
 * transaction and audits there.
 */
export async function registerInsuranceUse(
  deps: PortalDeps,
  tx: StoreTx,
  input: { card: Card; channel: RegistrationChannel; actor: RegistrationActor },
): Promise<RegistrationStatus> {
  const date = today(deps.ctx);
  const rule = insuranceUseRegistrationAllowed({ cardKind: input.card.kind, channel: input.channel });
  if (!rule.ok) {
    throw new AppError(PORTAL_ERRORS.registrationRefused, `${rule.code}: ${rule.message.en}`);
  }
  if (input.card.status !== 'active') {
    throw new AppError(PORTAL_ERRORS.cardNotUsable, `card ${input.card.status}`);
  }
  if ((await tx.cards.registrationOn(input.card.personId, date)) !== null) {
    throw new AppError(PORTAL_ERRORS.alreadyRegistered);
  }
  const registration = await tx.cards.register({
    personId: input.card.personId,
    cardId: input.card.id,
    registeredOn: date,
    channel: input.channel,
  });
  await deps.audit.appendInTx(tx, {
    actorKind: input.actor.actorKind,
    actorId: input.actor.actorId,
    action: 'portal.insuranceUse.register',
    personId: input.card.personId,
    target: registration.id,
    outcome: 'allowed',
    detail: { channel: input.channel, cardKind: input.card.kind, ...input.actor.detail },
  });
  return statusOf(await tx.cards.registrations(input.card.personId), date);
}

/** The outcome of 利用登録解除, with its consequence. */
export interface UnregistrationResult {
  status: RegistrationStatus;
  /** What the insurer(s) must now send, by core documentsDue (a 資格確認書 without application). */
  documentsDue: (DocumentDue & { insurerNumber: string; insurerName: string; alreadyHeld: boolean })[];
  message: Bilingual;
}

/** The person's situation after unregistration, as core documentsDue reads it (rules.md §4, §5, §8). */
async function duePersonOf(
  repos: StoreRepositories,
  person: Person,
  scheme: DocumentsDuePerson['scheme'],
  date: string,
): Promise<DocumentsDuePerson> {
  const due: DocumentsDuePerson = {
    birthDate: person.birthDate,
    scheme,
    insuranceUseRegistered: (await repos.cards.registrationOn(person.id, date)) !== null,
  };
  const card = (await repos.cards.listByPerson(person.id))
    .filter((c) => c.status === 'active' && compareDates(c.issuedOn, date) <= 0)
    .find((c) => c.kind !== 'smartphone');
  if (card !== undefined) {
    due.cardKind = card.kind;
    due.cardExpiry = card.expiresOn;
    const auth = (await repos.certificates.listByCard(card.id))
      .filter((c) => c.kind === 'auth' && c.revokedAt === null)
      .map((c) => certificateDate(c.notAfter))
      .sort()
      .at(-1);
    if (auth !== undefined) {
      due.certificateExpiry = auth;
    }
  }
  due.registrationCancelled = (await repos.cards.registrations(person.id)).some(
    (r) => r.unregisteredOn !== null && compareDates(r.unregisteredOn, date) <= 0,
  );
  due.selfInfoBlocked = (await repos.dvFlags.activeOn(person.id, date)).includes('selfInfoBlocked');
  return due;
}

/**
 * 利用登録解除 by application (accepted since 2024-10-28, rules.md §5): ends the open registration today, so the
 * next reader confirmation refuses the card as insurance (core acceptDocument `notRegistered`), and shows the
 * consequence: the insurer sends a 資格確認書 without application (core documentsDue `registrationCancelled`; the
 * insurer's documents-due run issues it, commands/insurer/issueDocumentsDue.ts).
 */
export async function unregisterInsuranceUse(
  deps: PortalDeps,
  tx: StoreTx,
  input: { personId: string; actor: RegistrationActor },
): Promise<UnregistrationResult> {
  const date = today(deps.ctx);
  const person = await tx.persons.get(input.personId);
  if (person === null || !(await tx.cards.unregister(input.personId, date))) {
    throw new AppError(PORTAL_ERRORS.notRegistered);
  }
  await deps.audit.appendInTx(tx, {
    actorKind: input.actor.actorKind,
    actorId: input.actor.actorId,
    action: 'portal.insuranceUse.unregister',
    personId: input.personId,
    target: null,
    outcome: 'allowed',
    detail: { ...input.actor.detail },
  });
  const docs = await tx.documents.listByPerson(person.id);
  const due: UnregistrationResult['documentsDue'] = [];
  for (const q of await tx.qualifications.currentForPerson(person.id, date)) {
    const insurer = await tx.insurers.get(q.insurerNumber);
    if (insurer === null) {
      continue;
    }
    const duePerson = await duePersonOf(tx, person, rateSchemeOf(insurer.scheme), date);
    const legacy = docs.filter((d) => d.qualificationId === q.id && d.kind === 'legacyInsuranceCard').at(-1);
    if (legacy !== undefined) {
      duePerson.legacyCardExpiry = legacy.validTo ?? LEGACY_CARD_LAST_DAY;
    }
    for (const d of documentsDue({ date, person: duePerson })) {
      due.push({
        ...d,
        insurerNumber: insurer.insurerNumber,
        insurerName: insurer.name,
        alreadyHeld: docs.some((x) => x.qualificationId === q.id && x.kind === d.document && documentValidOn(x, date)),
      });
    }
  }
  const certificate = due.find((d) => d.document === 'eligibilityCertificate');
  const message: Bilingual =
    certificate === undefined
      ? {
          ja: '健康保険証利用登録を解除しました。',
          en: 'The insurance-use registration has been cancelled.',
        }
      : {
          ja: `健康保険証利用登録を解除しました。${certificate.insurerName}から資格確認書が送付されます。医療機関では資格確認書をご提示ください。`,
          en: `The insurance-use registration has been cancelled. ${certificate.insurerName} will send you an eligibility certificate; show it at the clinic.`,
        };
  return { status: statusOf(await tx.cards.registrations(person.id), date), documentsDue: due, message };
}
