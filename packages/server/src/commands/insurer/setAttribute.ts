import { compareDates, elderlyRecipientPeriod, limitCategoryAgeGroup, type RateScheme } from '@onshi/core';
import { AppError } from '../../http/errors.js';
import type {
  CopayRate,
  LimitCategory,
  LimitCertificateClassification,
  NewQualificationAttribute,
  Qualification,
  SpecificDiseaseCategory,
  StoreTx,
} from '../../store/types.js';
import { type InsurerDeps, type InsurerPrincipal, auditAllowed, insurerOf, memberInTx } from './access.js';
import { allowedRates, isSeventyOrOver } from './ageRules.js';
import { requireDate, requireOrder, requireWithinQualification } from './checks.js';
import { INSURER_ERRORS } from './errors.js';
import { rateSchemeOf } from './schemes.js';
import { type AttributeView, attributeView } from './views.js';

interface Period {
  validFrom: string;
  validTo?: string | null;
}

/** The effective-dated data an insurer records on a member (rules.md §2–§3; OQSCD011–013). */
export type AttributeInput =
  | (Period & { kind: 'copayRate'; rate: CopayRate })
  | (Period & {
      kind: 'limitCategory';
      category: LimitCategory;
      certificateClassification?: LimitCertificateClassification | null;
      issuedOn?: string | null;
      longTermOn?: string | null;
    })
  | (Period & { kind: 'elderlyRecipient'; rate: CopayRate; issuedOn?: string | null })
  | (Period & {
      kind: 'specificDisease';
      diseaseCategory: SpecificDiseaseCategory;
      selfPayLimit: 10_000 | 20_000;
      issuedOn?: string | null;
    });

function requirePeriod(q: Qualification, input: Period): void {
  requireDate('validFrom', input.validFrom);
  requireWithinQualification('validFrom', q, input.validFrom);
  if (input.validTo !== undefined && input.validTo !== null) {
    requireDate('validTo', input.validTo);
    requireOrder('validFrom', input.validFrom, 'validTo', input.validTo);
    if (q.lostOn !== null && compareDates(input.validTo, q.lostOn) >= 0) {
      throw new AppError(INSURER_ERRORS.outsideQualification, `validTo must be before lostOn (${q.lostOn})`);
    }
  }
}

function notForAge(detail: string): AppError {
  return new AppError(INSURER_ERRORS.attributeNotForAge, detail);
}

/**
 * Checks the value against the rules for the member's age and scheme on `validFrom`: the co-pay rate against core
 * `copayRate` (rules.md §2), 高齢受給者 data only inside the 70–74 period, 限度額 A codes under 70 and B codes from 70
 * (OQSCD012), 特定疾病 20,000円 only for 人工透析 under 70 (健保法施行令42条9項).
 */
function checkRules(input: AttributeInput, birthDate: string, schemeOf: RateScheme): void {
  switch (input.kind) {
    case 'copayRate': {
      const { rates, refusal } = allowedRates(schemeOf, birthDate, input.validFrom);
      if (!rates.includes(input.rate)) {
        throw new AppError(
          INSURER_ERRORS.rateNotAllowed,
          refusal?.code ?? `allowed on ${input.validFrom}: ${rates.map((r) => `${r * 10}割`).join(', ')}`,
        );
      }
      return;
    }
    case 'elderlyRecipient': {
      const period = elderlyRecipientPeriod(birthDate);
      const end = input.validTo ?? null;
      if (
        schemeOf === 'lateElderly' ||
        compareDates(input.validFrom, period.from) < 0 ||
        compareDates(input.validFrom, period.to) > 0 ||
        (end !== null && compareDates(end, period.to) > 0)
      ) {
        throw notForAge(`高齢受給者 period is ${period.from} to ${period.to}`);
      }
      return;
    }
    case 'limitCategory': {
      const over70 = isSeventyOrOver(schemeOf, birthDate, input.validFrom);
      if ((limitCategoryAgeGroup(input.category) === 'over70') !== over70) {
        throw notForAge(`${input.category} is for ${over70 ? 'under 70' : '70 and over'}`);
      }
      return;
    }
    case 'specificDisease': {
      if (
        input.selfPayLimit === 20_000 &&
        (input.diseaseCategory !== '1' || isSeventyOrOver(schemeOf, birthDate, input.validFrom))
      ) {
        throw notForAge('20,000円 applies only to 人工透析 under 70');
      }
      return;
    }
  }
}

function toNew(q: Qualification, input: AttributeInput, recordedAt: string): NewQualificationAttribute {
  const base = { qualificationId: q.id, validFrom: input.validFrom, validTo: input.validTo ?? null, recordedAt };
  switch (input.kind) {
    case 'copayRate':
      return { ...base, kind: 'copayRate', rate: input.rate };
    case 'elderlyRecipient':
      return { ...base, kind: 'elderlyRecipient', rate: input.rate, issuedOn: input.issuedOn ?? null };
    case 'limitCategory':
      return {
        ...base,
        kind: 'limitCategory',
        category: input.category,
        certificateClassification: input.certificateClassification ?? null,
        issuedOn: input.issuedOn ?? null,
        longTermOn: input.longTermOn ?? null,
      };
    case 'specificDisease':
      return {
        ...base,
        kind: 'specificDisease',
        diseaseCategory: input.diseaseCategory,
        selfPayLimit: input.selfPayLimit,
        issuedOn: input.issuedOn ?? null,
      };
  }
}

/**
 * Records a co-pay rate, 限度額適用区分, 高齢受給者 or 特定疾病 value from `validFrom`. Earlier values stay in the
 * history: the store closes the open one the day before and supersedes any that started later.
 */
export async function setAttribute(
  deps: InsurerDeps,
  tx: StoreTx,
  principal: InsurerPrincipal,
  memberId: string,
  input: AttributeInput,
): Promise<AttributeView> {
  const q = await memberInTx(tx, memberId);
  requirePeriod(q, input);
  const insurer = await insurerOf(tx, principal);
  const person = await tx.persons.get(q.personId);
  if (person === null) {
    throw new AppError(INSURER_ERRORS.unknownMember);
  }
  checkRules(input, person.birthDate, rateSchemeOf(insurer.scheme));
  const created = await tx.qualifications.setAttribute(toNew(q, input, deps.ctx.clock.now().toISOString()));
  await auditAllowed(deps, tx, principal, 'insurer.member.attribute', q.personId, `qualification:${q.id}`, {
    kind: input.kind,
    validFrom: input.validFrom,
  });
  return attributeView(created);
}

/** Ends an open attribute on `validTo` (e.g. 特定疾病 no longer certified). */
export async function endAttribute(
  deps: InsurerDeps,
  tx: StoreTx,
  principal: InsurerPrincipal,
  memberId: string,
  attributeId: string,
  validTo: string,
): Promise<AttributeView> {
  const q = await memberInTx(tx, memberId);
  requireDate('validTo', validTo);
  const current = (await tx.qualifications.attributeHistory(q.id)).find(
    (a) => a.id === attributeId && a.supersededAt === null,
  );
  if (current === undefined) {
    throw new AppError(INSURER_ERRORS.unknownAttribute);
  }
  requireOrder('validFrom', current.validFrom, 'validTo', validTo);
  if (current.validTo !== null && compareDates(validTo, current.validTo) > 0) {
    throw new AppError(INSURER_ERRORS.datesOutOfOrder, `the attribute already ends on ${current.validTo}`);
  }
  await tx.qualifications.endAttribute(attributeId, validTo);
  await auditAllowed(deps, tx, principal, 'insurer.member.attribute.end', q.personId, `qualification:${q.id}`, {
    kind: current.kind,
    validTo,
  });
  return attributeView({ ...current, validTo });
}
