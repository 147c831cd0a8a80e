import { compareDates, foldWidth, isIsoDate, isPrefectureCode, type ConsentItem } from '@onshi/core';
import type { AuditLog } from '../../audit/auditLog.js';
import type { ServerContext } from '../../context.js';
import { OqsError } from '../../formats/errors.js';
import { resultError } from '../../formats/oqs-xml/index.js';
import { AppError } from '../../http/errors.js';
import type { DisasterDeclaration, Person, Sex, StoreRepositories } from '../../store/types.js';
import { recordConsent } from './consent.js';
import type { ConfirmationOutcome } from './confirmByNumber.js';
import { today, type OqsDeps, type ReaderResultBody } from './deps.js';
import { OQS_ADMIN_ERRORS, OQS_NOTICES } from './errors.js';
import { dvEffectsOf, loadQualificationResult } from './lookup.js';
import { recordCheck } from './record.js';

/** A declaration by the authority: 災害救助法 areas (prefectures) and the period MHLW set (rules.md §5 [S32]). */
export interface DeclareDisasterInput {
  name: string;
  prefectures: string[];
  startsOn: string;
  endsOn: string;
}

/** Declares disaster mode for prefectures and a period (authority only); audited. */
export async function declareDisaster(
  deps: { ctx: ServerContext; audit: AuditLog },
  input: DeclareDisasterInput,
): Promise<DisasterDeclaration> {
  const bad = input.prefectures.find((p) => !isPrefectureCode(p));
  if (bad !== undefined || input.prefectures.length === 0) {
    throw new AppError(OQS_ADMIN_ERRORS.badPrefecture, bad ?? 'no prefecture');
  }
  if (!isIsoDate(input.startsOn) || !isIsoDate(input.endsOn) || compareDates(input.startsOn, input.endsOn) > 0) {
    throw new AppError(OQS_ADMIN_ERRORS.badPeriod);
  }
  return deps.ctx.store.transaction(async (tx) => {
    const declaration = await tx.disasters.declare({
      name: input.name,
      prefectures: [...new Set(input.prefectures)].sort(),
      startsOn: input.startsOn,
      endsOn: input.endsOn,
      declaredAt: deps.ctx.clock.now().toISOString(),
    });
    await deps.audit.appendInTx(tx, {
      actorKind: 'authority',
      actorId: 'authority',
      action: 'oqs.disaster.declare',
      personId: null,
      target: declaration.id,
      outcome: 'allowed',
      detail: { prefectures: declaration.prefectures.join(','), startsOn: input.startsOn, endsOn: input.endsOn },
    });
    return declaration;
  });
}

/**
 * The declaration covering an institution's prefecture today, if any: the medical-information reads use it to
 * allow oral consent and to mark the read in the audit (detail.disasterMode = true).
 */
export async function disasterActiveFor(
  ctx: ServerContext,
  institutionCode: string,
): Promise<DisasterDeclaration | null> {
  const institution = await ctx.store.institutions.get(institutionCode);
  if (institution === null) {
    return null;
  }
  const [active] = await ctx.store.disasters.activeOn(institution.prefecture, today(ctx));
  return active ?? null;
}

/** What the patient states orally in disaster mode (no card). */
export interface DisasterConfirmInput {
  institutionCode: string;
  /** カナ氏名 as stated (widths and spaces are ignored when matching). */
  nameKana: string;
  birthDate: string;
  /** Address as stated: matches when one is the beginning of the other (after folding). */
  address?: string;
  sex?: Sex;
  /** Oral consent to viewing 薬剤 and 特定健診 (rules.md §5 [S32]); other items are not offered. */
  oralConsent?: ConsentItem[];
}

function fold(s: string): string {
  return foldWidth(s).replace(/[\s\u3000]/g, '');
}

const ORAL_ITEMS: readonly ConsentItem[] = ['medication', 'checkup'];

async function findStated(repos: StoreRepositories, input: DisasterConfirmInput): Promise<Person[]> {
  const name = fold(input.nameKana);
  const address = input.address === undefined ? undefined : fold(input.address);
  return (await repos.persons.findByBirthDate(input.birthDate, 500)).filter((p) => {
    if (fold(p.nameKana) !== name) {
      return false;
    }
    if (input.sex !== undefined && p.sex !== input.sex) {
      return false;
    }
    if (address !== undefined && address !== '') {
      const held = fold(p.address);
      return held.startsWith(address) || address.startsWith(held);
    }
    return true;
  });
}

/**
 * 災害時 confirmation (緊急時医療情報・資格確認機能, rules.md §5 [S32]): in a declared area and period, an institution
 * there confirms a patient by name, birth date and address without a card, and may record oral consent to view
 * 薬剤 and 特定健診 for 24 hours. Outside a declaration: OQS-E-DISASTER-INACTIVE. Every such check is audited
 * with detail.disasterMode = true.
 */
export async function confirmInDisaster(deps: OqsDeps, input: DisasterConfirmInput): Promise<ConfirmationOutcome> {
  const { ctx } = deps;
  const repos = ctx.store;
  const now = ctx.clock.now();
  const date = today(ctx);
  const institution = await repos.institutions.get(input.institutionCode);
  if (institution === null || !institution.oqsEnabled) {
    throw new OqsError('forbidden', 'institution not registered for OQS');
  }
  const [declaration] = await repos.disasters.activeOn(institution.prefecture, date);
  if (declaration === undefined) {
    throw new OqsError('disasterInactive');
  }
  const base = {
    institutionCode: input.institutionCode,
    method: 'visual' as const,
    action: 'oqs.confirm.disaster',
    authentication: null,
    referenceNumber: null,
  };
  const detail = { disasterMode: true, disasterId: declaration.id };
  const found = await findStated(repos, input);
  const [person] = found;
  const current = person === undefined ? [] : await repos.qualifications.currentForPerson(person.id, date);
  const [qualification] = current;
  if (found.length !== 1 || person === undefined || qualification === undefined) {
    const validity = found.length > 1 ? '5' : '4';
    const error = new OqsError(validity === '5' ? 'multipleMatches' : 'noQualification');
    const recorded = await recordCheck(
      deps,
      {
        ...base,
        personId: found.length === 1 ? (person?.id ?? null) : null,
        qualificationId: null,
        insurerNumber: null,
        qualificationValidity: Number(validity),
        resultCode: error.code,
        detail,
      },
      false,
    );
    const body: ReaderResultBody = { ...resultError(error), qualificationValidity: validity };
    return { ...recorded, body, personId: null, confirmationDate: date };
  }
  const items = (input.oralConsent ?? []).filter((i) => ORAL_ITEMS.includes(i));
  const consent = await recordConsent(repos, {
    institution: { ...institution, consentItemsEnabled: [...ORAL_ITEMS] },
    personId: person.id,
    at: now,
    answer: { items },
  });
  const effects = dvEffectsOf(await repos.dvFlags.activeOn(person.id, date));
  const { result, referenceNumber } = await loadQualificationResult(repos, person, qualification, {
    institutionCode: input.institutionCode,
    date,
    at: now,
    addressHidden: effects.addressHidden,
    offeredItems: ORAL_ITEMS,
    consent,
  });
  const recorded = await recordCheck(
    deps,
    {
      ...base,
      personId: person.id,
      qualificationId: qualification.id,
      insurerNumber: qualification.insurerNumber,
      qualificationValidity: 1,
      resultCode: OQS_NOTICES.disasterMode.code,
      referenceNumber,
      detail: { ...detail, consentItems: consent === null ? '' : consent.items.join(','), oralConsent: true },
    },
    true,
  );
  const body: ReaderResultBody = {
    resultList: [result],
    processingResultStatus: '1',
    processingResultCode: OQS_NOTICES.disasterMode.code,
    processingResultMessage: OQS_NOTICES.disasterMode.ja,
    qualificationValidity: '1',
  };
  return { ...recorded, body, personId: person.id, confirmationDate: date };
}
