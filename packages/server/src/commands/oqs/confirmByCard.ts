import type { SignedFaceAttestation } from '@onshi/card';
import { acceptDocument, compareDates, type AcceptDocumentResult } from '@onshi/core';
import {
  normaliseSerial,
  verifyChallengeSignatureOffThread,
  verifyFaceAttestation,
  type CertificateVerdict,
  type VerifyOptions,
} from '../../authority/index.js';
import { OqsError, type ErrorName } from '../../formats/errors.js';
import type { ResultOfQualificationConfirmation } from '../../formats/schemas.js';
import type {
  Authentication,
  Card,
  CertificateStatus,
  Institution,
  InsuranceUseRegistration,
  MemberRecord,
  Person,
  StoreRepositories,
} from '../../store/types.js';
import { dvFlagsInForce, qualifiedOn } from '../../store/asOf.js';
import { acceptancePersonOf } from './cardState.js';
import { cardTrustOf } from './cardTrust.js';
import { challengeBookOf } from './challenge.js';
import { recordConsent, type ConsentAnswer } from './consent.js';
import { errorBody, outcomeOf, type ConfirmationOutcome } from './confirmByNumber.js';
import { readerFeedOf, today, type OqsDeps, type ReaderResultBody } from './deps.js';
import { OQS_NOTICES } from './errors.js';
import { requireOqsInstitution } from './institutions.js';
import { dvEffectsOf, loadQualificationResult } from './lookup.js';
import { checkOf, recordCheck, type CheckBase, type RecordedCheck } from './record.js';

/** What the card (PIN path) or the reader (face path) returned for a challenge. */
export type CardProof =
  | { kind: 'pin'; signature: Uint8Array; certificate: Uint8Array }
  | { kind: 'faceAuth'; attestation: SignedFaceAttestation; cardCertificate: Uint8Array };

/** One confirmation by card at the reader (architecture.md "The main walk"). */
export interface ConfirmByCardInput {
  /** The authenticated institution. */
  institutionCode: string;
  readerId: string;
  challengeId: string;
  proof: CardProof;
  /** The consent screen's answer (rules.md §6.2); absent: nothing consented. */
  consent?: ConsentAnswer;
  /** 電子処方箋 choice on the reader: 1 electronic, 2 paper (rules.md §6.4). */
  prescriptionIssueSelect?: '1' | '2';
}

/** The card confirmation's answer; `readerId` is echoed for the live feed. */
export interface CardConfirmationOutcome extends ConfirmationOutcome {
  readerId: string;
}

/**
 * Records a check refused before the person's qualifications were read, then throws the refusal. Module functions,
 * not closures, on this path: tsx names every named closure as it is created (≈ 0.25 µs each, decision 0176).
 */
async function refuseBeforeLookup(
  deps: OqsDeps,
  base: CheckBase,
  error: OqsError,
  personId: string | null = null,
): Promise<never> {
  await recordCheck(
    deps,
    checkOf(base, {
      personId,
      qualificationId: null,
      insurerNumber: null,
      qualificationValidity: null,
      resultCode: error.code,
      detail: { rule: error.detail ?? null, ...base.detail },
    }),
    false,
  );
  throw error;
}

/** Sends the outcome to the institution's live reader feed and returns it. */
function published(
  deps: OqsDeps,
  input: ConfirmByCardInput,
  outcome: CardConfirmationOutcome,
): CardConfirmationOutcome {
  readerFeedOf(deps.ctx).publish({
    institutionCode: input.institutionCode,
    readerId: input.readerId,
    confirmationId: outcome.confirmationId,
    at: outcome.at,
    body: outcome.body,
  });
  return outcome;
}

/** A card confirmation's outcome: the confirmation's, with the reader (no spread: decision 0176). */
function cardOutcomeOf(
  recorded: RecordedCheck,
  body: ReaderResultBody,
  v: { person: { id: string }; date: string },
  readerId: string,
): CardConfirmationOutcome {
  return Object.assign(outcomeOf(recorded, body, v.person.id, v.date), { readerId });
}

/** Certificate/attestation verdict code → the catalogue error the reader shows. */
function verificationError(v: CertificateVerdict): OqsError {
  const map: Record<string, ErrorName> = {
    'certificate.revoked': 'certificateRevoked',
    'certificate.expired': 'certificateExpired',
    'certificate.revocationUnknown': 'unavailable',
    'signature.invalid': 'signature',
    'attestation.badSignature': 'signature',
    'attestation.mismatch': 'signature',
    'attestation.stale': 'signature',
    'attestation.readerInvalid': 'signature',
    'attestation.noMatch': 'faceMismatch',
  };
  return new OqsError(map[v.code] ?? 'certificateInvalid', v.code);
}

async function verifyProof(
  challenge: Buffer,
  input: ConfirmByCardInput,
  options: VerifyOptions,
): Promise<CertificateVerdict> {
  if (input.proof.kind === 'pin') {
    return verifyChallengeSignatureOffThread(
      { challenge, signature: input.proof.signature, certificate: input.proof.certificate },
      options,
    );
  }
  return verifyFaceAttestation(
    input.proof.attestation,
    { challenge, cardCertificate: input.proof.cardCertificate, institutionCode: input.institutionCode },
    options,
  );
}

/** The serial forms a certificate may be stored under: normalised lowercase (as the authority stores it), as read. */
function serialForms(serial: string): string[] {
  const normalised = normaliseSerial(serial);
  const lower = normalised.toLowerCase();
  return lower === normalised ? [lower] : [lower, normalised];
}

/**
 * The qualifications a card read shows — those in force today, or else the latest acquired by today — with what the
 * answer reads about each, from the person's member records (one read of the member read model per member key).
 */
async function qualificationsFor(
  repos: StoreRepositories,
  personId: string,
  date: string,
  memberKeys: readonly string[] | undefined,
): Promise<{ validity: '1' | '2' | '4'; records: MemberRecord[]; all: MemberRecord[] }> {
  const all = await repos.qualifications.memberRecordsOfPerson(personId, memberKeys);
  const current = all.filter(({ qualification }) => qualifiedOn(qualification, date));
  if (current.length > 0) {
    return { validity: '1', records: current, all };
  }
  const latest = all.find(({ qualification: q }) => compareDates(q.acquiredOn, date) <= 0);
  return latest === undefined ? { validity: '4', records: [], all } : { validity: '2', records: [latest], all };
}

/** A refusal from the rules for this card (the card is not usable as insurance): the catalogue error to show. */
function ruleRefusal(decision: AcceptDocumentResult): OqsError | null {
  if (decision.accepted || decision.charge === 'fullThenRefund') {
    return null;
  }
  switch (decision.verdict.code) {
    case 'selfInfoBlocked':
      return new OqsError('cardRefused');
    case 'expiredPastGrace':
      return new OqsError('certificateExpired');
    case 'notRegistered':
      return new OqsError('notRegistered');
    case 'readerUnavailable':
      return new OqsError('readerOutOfOrder');
    default:
      return new OqsError('cardRefused', decision.verdict.code);
  }
}

/**
 * 資格確認 by card at the reader: the single-use challenge (bound to this institution and reader) → the card's
 * signature (PIN path) or the reader's face attestation (face path), verified with chain, validity (grace after
 * expiry), revocation (CRL and the store) → certificate serial → person (never the My Number) → qualifications in
 * force → core rules as of today (grace with a renewal reminder; grace over, 自己情報提供不可, not registered:
 * refused with the fallback) → consent recorded for the enabled items (24 h window) → result with 限度額 always
 * and the 電子処方箋 choice. Every outcome after the challenge is recorded and audited; results go to the live feed.
 */
export async function confirmByCard(deps: OqsDeps, input: ConfirmByCardInput): Promise<CardConfirmationOutcome> {
  const { ctx } = deps;
  const repos = ctx.store;
  const now = ctx.clock.now();
  const date = today(ctx);
  const institution = await requireOqsInstitution(ctx, input.institutionCode);
  if (institution.readerStatus === 'outOfOrder') {
    throw new OqsError('readerOutOfOrder');
  }
  const challenge = challengeBookOf(ctx).take(now.getTime(), input.challengeId, input.institutionCode, input.readerId);
  const authentication: Authentication = input.proof.kind === 'pin' ? 'pin' : 'faceAuth';
  const base: CheckBase = {
    institutionCode: input.institutionCode,
    method: 'card',
    authentication,
    referenceNumber: null,
    detail: { readerId: input.readerId },
  };
  const trust = cardTrustOf(ctx);
  const verdict = await verifyProof(challenge, input, {
    at: now,
    trust: trust.trust,
    crls: trust.crls,
    purpose: 'insuranceUse',
  });
  if (!verdict.ok || verdict.serial === null) {
    return refuseBeforeLookup(deps, base, verificationError(verdict));
  }
  // One read: link → certificate → card, person, the registration in force today (decisions 0146, 0171).
  const linked = await repos.certificates.cardPathBySerial(serialForms(verdict.serial), date);
  if (linked === null) {
    return refuseBeforeLookup(deps, base, new OqsError('certificateInvalid', 'certificate not linked to a person'));
  }
  if (linked.certificate.revokedAt !== null) {
    return refuseBeforeLookup(deps, base, new OqsError('certificateRevoked'), linked.personId);
  }
  const { card, person, registration } = linked;
  if (card === null || person === null) {
    return refuseBeforeLookup(
      deps,
      base,
      new OqsError('certificateInvalid', 'card or person missing'),
      linked.personId,
    );
  }
  if (card.status === 'suspended') {
    return refuseBeforeLookup(deps, base, new OqsError('certificateSuspended'), person.id);
  }
  if (card.status === 'revoked' || card.status === 'lost') {
    return refuseBeforeLookup(deps, base, new OqsError('certificateRevoked', `card ${card.status}`), person.id);
  }
  return answer(deps, input, {
    institution,
    person,
    card,
    certificate: linked.certificate,
    expiry: verdict.expiry,
    registration,
    ...(linked.memberKeys !== undefined ? { memberKeys: linked.memberKeys } : {}),
    base,
    now,
    date,
  });
}

interface Verified {
  institution: Institution;
  person: Person;
  card: Card;
  certificate: CertificateStatus;
  /** Its expiry as the verification worked it out (Japan date), so the rules need not parse `notAfter` again. */
  expiry: string | null;
  /** The 健康保険証利用登録 in force today, read with the card. */
  registration: InsuranceUseRegistration | null;
  /** The person's member keys, when read with the card (decision 0171). */
  memberKeys?: readonly string[];
  base: CheckBase;
  now: Date;
  date: string;
}

async function answer(deps: OqsDeps, input: ConfirmByCardInput, v: Verified): Promise<CardConfirmationOutcome> {
  const repos = deps.ctx.store;
  // Read once: the rules (自己情報提供不可) and the result (address hidden) both need today's flags, which every
  // member record of the person carries.
  const { validity, records, all } = await qualificationsFor(repos, v.person.id, v.date, v.memberKeys);
  const [anyRecord] = all;
  const flags =
    anyRecord !== undefined
      ? dvFlagsInForce(anyRecord.dvFlags, v.date)
      : await repos.dvFlags.activeOn(v.person.id, v.date);
  const qualifications = records.map((r) => r.qualification);
  const acceptancePerson = await acceptancePersonOf(
    repos,
    v.person,
    validity === '1' ? 'active' : 'lost',
    v.date,
    { card: v.card, certificate: v.certificate, registration: v.registration, certificateExpiry: v.expiry },
    flags,
  );
  const decision = acceptDocument({ date: v.date, presented: 'myNumberCardAtReader', person: acceptancePerson });
  const refusal = ruleRefusal(decision);
  const first = qualifications[0];
  if (refusal !== null || first === undefined) {
    const error = refusal ?? new OqsError('noQualification');
    const recorded = await recordCheck(
      deps,
      checkOf(v.base, {
        personId: v.person.id,
        qualificationId: first?.id ?? null,
        insurerNumber: first?.insurerNumber ?? null,
        qualificationValidity: Number(validity),
        resultCode: error.code,
        detail: { rule: decision.verdict.code, fallback: decision.fallback, ...v.base.detail },
      }),
      false,
    );
    // 自己情報提供不可: nothing else is shown (rules.md §8): the body carries only the coded refusal.
    const body = errorBody(error, refusal === null ? '4' : undefined);
    return published(deps, input, cardOutcomeOf(recorded, body, v, input.readerId));
  }
  const inGrace = decision.verdict.code === 'graceAfterExpiry';
  const sharing = validity === '1' && !inGrace;
  // In the grace after expiry only the 資格 is provided, no information sharing (rules.md §4 [S21b]).
  const consent = sharing
    ? await recordConsent(repos, {
        institution: v.institution,
        personId: v.person.id,
        at: v.now,
        answer: input.consent,
      })
    : null;
  const effects = dvEffectsOf(flags);
  const results: ResultOfQualificationConfirmation[] = [];
  let referenceNumber: string | null = null;
  for (const record of records) {
    const loaded = await loadQualificationResult(repos, v.person, record.qualification, {
      record,
      institutionCode: input.institutionCode,
      date: v.date,
      at: v.now,
      addressHidden: effects.addressHidden,
      offeredItems: sharing ? v.institution.consentItemsEnabled : [],
      consent,
      ...(input.prescriptionIssueSelect !== undefined
        ? { prescriptionIssueSelect: input.prescriptionIssueSelect }
        : {}),
    });
    results.push(loaded.result);
    referenceNumber ??= loaded.referenceNumber;
  }
  const notice = inGrace ? OQS_NOTICES.renewalReminder : null;
  const recorded = await recordCheck(
    deps,
    checkOf(v.base, {
      personId: v.person.id,
      qualificationId: first.id,
      insurerNumber: first.insurerNumber,
      qualificationValidity: Number(validity),
      resultCode: notice?.code ?? 'ok',
      referenceNumber,
      detail: {
        consentItems: consent === null ? '' : consent.items.join(','),
        consentId: consent?.id ?? null,
        rule: decision.verdict.code,
        ...v.base.detail,
      },
    }),
    validity === '1',
  );
  const body: ReaderResultBody = {
    resultList: results,
    processingResultStatus: '1',
    qualificationValidity: validity,
    ...(notice !== null ? { processingResultCode: notice.code, processingResultMessage: notice.ja } : {}),
    ...(input.prescriptionIssueSelect !== undefined ? { prescriptionIssueSelect: input.prescriptionIssueSelect } : {}),
  };
  return published(deps, input, cardOutcomeOf(recorded, body, v, input.readerId));
}
