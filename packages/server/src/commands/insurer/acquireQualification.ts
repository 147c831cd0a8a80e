import { compareDates } from '@onshi/core';
import { AppError } from '../../http/errors.js';
import type { CardClassification, Person, Qualification, Relationship, Sex, StoreTx } from '../../store/types.js';
import { type InsurerDeps, type InsurerPrincipal, auditAllowed, insurerOf, today } from './access.js';
import {
  periodsOverlap,
  qualifiedOn,
  requireDate,
  requireIndividualNumber,
  requireMemberNumbers,
  requireOrder,
} from './checks.js';
import { INSURER_ERRORS } from './errors.js';
import { rateSchemeOf, schemeHasDependants } from './schemes.js';
import { allowedRates } from './ageRules.js';
import { type MemberView, memberView } from './views.js';

/** A person the insurer enrols for the first time; the My Number, when known, is linked at once. */
export interface NewPersonInput {
  kind: 'new';
  nameKanji: string;
  nameKana: string;
  birthDate: string;
  sex: Sex;
  address: string;
  postalCode: string;
  prefecture: string;
  individualNumber?: string;
}

/**
 * A person already known to Onshi (e.g. changing jobs), identified as a 資格取得届 identifies them: by My Number,
 * confirmed with the birth date. Their person record, card and certificate links stay as they are.
 */
export interface ExistingPersonInput {
  kind: 'existing';
  individualNumber: string;
  birthDate: string;
}

/** 資格取得: what the insurer reports. */
export interface AcquireQualificationInput {
  person: NewPersonInput | ExistingPersonInput;
  symbol?: string | null;
  /** Required for an insured person; a dependant defaults to the insured person's 記号・番号. */
  number?: string;
  branch?: string | null;
  relationship: Relationship;
  /** For a dependant: the insured person's member id at this insurer. */
  insuredMemberId?: string | null;
  acquiredOn: string;
  cardClassification?: CardClassification;
}

async function resolvePerson(
  tx: StoreTx,
  input: NewPersonInput | ExistingPersonInput,
  acquiredOn: string,
  principal: InsurerPrincipal,
): Promise<Person> {
  if (input.kind === 'existing') {
    const number = requireIndividualNumber(input.individualNumber);
    const link = await tx.individualNumbers.findByNumber(number);
    const person = link === null ? null : await tx.persons.get(link.personId);
    if (person === null || person.birthDate !== input.birthDate) {
      throw new AppError(INSURER_ERRORS.unknownIndividualNumber);
    }
    return person;
  }
  requireDate('person.birthDate', input.birthDate);
  requireOrder('person.birthDate', input.birthDate, 'acquiredOn', acquiredOn);
  const number = input.individualNumber === undefined ? undefined : requireIndividualNumber(input.individualNumber);
  if (number !== undefined && (await tx.individualNumbers.findByNumber(number)) !== null) {
    throw new AppError(INSURER_ERRORS.individualNumberLinkedElsewhere);
  }
  const person = await tx.persons.insert({
    nameKanji: input.nameKanji,
    nameKana: input.nameKana,
    birthDate: input.birthDate,
    sex: input.sex,
    address: input.address,
    postalCode: input.postalCode,
    prefecture: input.prefecture,
  });
  if (number !== undefined) {
    await tx.individualNumbers.link({
      personId: person.id,
      individualNumber: number,
      linkedOn: acquiredOn,
      linkedBy: principal.insurerNumber,
    });
  }
  return person;
}

/** The insured person's qualification a dependant hangs on (its insurer was checked by the route). */
async function insuredFor(tx: StoreTx, input: AcquireQualificationInput): Promise<Qualification> {
  if (input.insuredMemberId === undefined || input.insuredMemberId === null) {
    throw new AppError(INSURER_ERRORS.dependantWithoutInsured, 'insuredMemberId is missing');
  }
  const insured = await tx.qualifications.get(input.insuredMemberId);
  if (insured === null) {
    throw new AppError(INSURER_ERRORS.dependantWithoutInsured, 'insuredMemberId names no member');
  }
  if (insured.relationship !== 'insured') {
    throw new AppError(INSURER_ERRORS.dependantWithoutInsured, 'insuredMemberId is itself a dependant');
  }
  if (!qualifiedOn(insured, input.acquiredOn)) {
    throw new AppError(
      INSURER_ERRORS.dependantWithoutInsured,
      `the insured person is not qualified on ${input.acquiredOn}`,
    );
  }
  return insured;
}

/**
 * 資格取得 (and 被扶養者異動 — adding a dependant): enrols a new or existing person at the principal's insurer.
 * Refuses a dependant without an insured person qualified at the same insurer, a dependant in 国保/後期, a period that
 * overlaps any other qualification of the person (decision 0080), and a 記号・番号・枝番 another person holds in the
 * same period. A job change is this command at the new insurer after the old one recorded the loss: the person
 * record — and so the card and certificate links — is reused, only qualifications change.
 */
export async function acquireQualification(
  deps: InsurerDeps,
  tx: StoreTx,
  principal: InsurerPrincipal,
  input: AcquireQualificationInput,
): Promise<MemberView> {
  const insurer = await insurerOf(tx, principal);
  const acquiredOn = requireDate('acquiredOn', input.acquiredOn);
  let insured: Qualification | null = null;
  if (input.relationship === 'dependant') {
    if (!schemeHasDependants(insurer.scheme)) {
      throw new AppError(INSURER_ERRORS.dependantNotInScheme);
    }
    insured = await insuredFor(tx, input);
  }
  const symbol = input.symbol === undefined ? (insured?.symbol ?? null) : input.symbol;
  const number = input.number ?? insured?.number;
  if (number === undefined) {
    throw new AppError(INSURER_ERRORS.badMemberNumber, 'number is required for an insured person');
  }
  const branch = input.branch ?? null;
  requireMemberNumbers(insurer.scheme, { symbol, number, branch });

  const person = await resolvePerson(tx, input.person, acquiredOn, principal);
  if (compareDates(person.birthDate, acquiredOn) > 0) {
    throw new AppError(INSURER_ERRORS.datesOutOfOrder, 'acquiredOn is before the birth date');
  }
  const eligible = allowedRates(rateSchemeOf(insurer.scheme), person.birthDate, acquiredOn);
  if (eligible.refusal !== null) {
    throw new AppError(INSURER_ERRORS.notEligibleForScheme, eligible.refusal.code);
  }
  const period = { from: acquiredOn, to: null };
  for (const held of await tx.qualifications.findByPerson(person.id)) {
    if (periodsOverlap(period, { from: held.acquiredOn, to: held.lostOn })) {
      const where = held.insurerNumber === insurer.insurerNumber ? 'this insurer' : 'another insurer';
      throw new AppError(
        INSURER_ERRORS.overlappingQualification,
        `held at ${where} from ${held.acquiredOn}${held.lostOn === null ? '' : ` until the day before ${held.lostOn}`}`,
      );
    }
  }
  const sameKey = await tx.qualifications.findByMemberKey({
    insurerNumber: insurer.insurerNumber,
    symbol,
    number,
    branch,
  });
  for (const other of sameKey) {
    const contested = branch !== null || (input.relationship === 'insured' && other.relationship === 'insured');
    if (
      other.personId !== person.id &&
      contested &&
      periodsOverlap(period, { from: other.acquiredOn, to: other.lostOn })
    ) {
      throw new AppError(INSURER_ERRORS.memberNumberTaken);
    }
  }
  const q = await tx.qualifications.insert({
    personId: person.id,
    insurerNumber: insurer.insurerNumber,
    symbol,
    number,
    branch,
    relationship: input.relationship,
    insuredQualificationId: insured?.id ?? null,
    acquiredOn,
    lostOn: null,
    lossReason: null,
    cardClassification: input.cardClassification ?? '01',
  });
  await auditAllowed(deps, tx, principal, 'insurer.member.acquire', person.id, `qualification:${q.id}`, {
    relationship: q.relationship,
    acquiredOn,
    existingPerson: input.person.kind === 'existing',
  });
  return memberView(tx, q, today(deps.ctx));
}
