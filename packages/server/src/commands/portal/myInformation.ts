import { formatWareki, limitCategoryLabel, type Bilingual } from '@onshi/core';
import { renderMyInformation, type MyInformationData } from '../../documents/myInformation.js';
import { AppError } from '../../http/errors.js';
import { PORTAL_ERRORS } from './errors.js';
import { myQualifications, qualificationView, requirePersonRecord, type QualificationView } from './qualifications.js';
import { registrationStatus, type RegistrationStatus } from './registration.js';
import { signToken, today, verifyToken, type PortalDeps } from './session.js';

/** How long the QR code of a わたしの情報 PDF verifies (Onshi's choice, decision 0111). */
export const MY_INFORMATION_QR_DAYS = 31;

/** Path of the verification endpoint the QR code points at. */
export const MY_INFORMATION_VERIFY_PATH = '/portal/v1/my-information/verifications';

/** わたしの情報 as the screen shows it. */
export interface MyInformation {
  asOf: string;
  nameKanji: string;
  nameKana: string;
  birthDate: string;
  birthDateWareki: string;
  registration: RegistrationStatus;
  qualifications: QualificationView[];
  /** The ASCII URL the PDF's QR code holds (signed token; ids and expiry only). */
  verifyUrl: string;
  verifyUntil: string;
  notice: Bilingual;
}

/**
 * わたしの情報: the person, their 健康保険証利用登録 and the qualifications in force today, with a verification URL
 * (a signed token naming the person and the instant it ends — no personal data in clear) for the PDF's QR code.
 */
export async function myInformation(deps: PortalDeps, personId: string, baseUrl: string): Promise<MyInformation> {
  const { ctx } = deps;
  const date = today(ctx);
  const person = await requirePersonRecord(ctx.store, personId);
  const [registration, qualifications] = await Promise.all([
    registrationStatus(deps, personId),
    myQualifications(ctx.store, personId, date),
  ]);
  const exp = ctx.clock.now().getTime() + MY_INFORMATION_QR_DAYS * 86_400_000;
  const token = signToken(ctx, 'myInformation', { pid: person.id, iat: ctx.clock.now().getTime(), exp });
  return {
    asOf: date,
    nameKanji: person.nameKanji,
    nameKana: person.nameKana,
    birthDate: person.birthDate,
    birthDateWareki: formatWareki(person.birthDate),
    registration,
    qualifications: qualifications.current,
    verifyUrl: `${baseUrl}${MY_INFORMATION_VERIFY_PATH}?t=${encodeURIComponent(token)}`,
    verifyUntil: new Date(exp).toISOString(),
    notice: {
      ja: 'カードリーダーが使えないときは、マイナンバーカードと一緒にこの画面（又はPDF）を受付でご提示ください。',
      en: 'When the card reader cannot be used, show this screen (or the PDF) at reception together with your card.',
    },
  };
}

/** The わたしの情報 PDF (one A4 page with the QR code). */
export async function myInformationPdf(deps: PortalDeps, personId: string, baseUrl: string): Promise<Buffer> {
  const info = await myInformation(deps, personId, baseUrl);
  const data: MyInformationData = {
    nameKanji: info.nameKanji,
    nameKana: info.nameKana,
    birthDate: info.birthDate,
    registration: { registered: info.registration.registered, text: info.registration.message.ja },
    qualifications: info.qualifications.map((q) => ({
      insurerName: q.insurerName,
      insurerNumber: q.insurerNumber,
      symbol: q.symbol,
      number: q.number,
      branch: q.branch,
      relationship: q.relationship,
      acquiredOn: q.acquiredOn,
      copayRate: q.copayRate,
      limitCategory: q.limitCategory === null ? null : `${q.limitCategory.label}（${q.limitCategory.code}）`,
    })),
    verifyUrl: info.verifyUrl,
    issuedAt: deps.ctx.clock.now(),
    validUntil: new Date(info.verifyUntil),
  };
  return renderMyInformation(data);
}

/** What reception learns from a scanned わたしの情報 QR code: the qualification in force now, to compare with the card. */
export interface MyInformationVerification {
  valid: true;
  asOf: string;
  issuedAt: string;
  nameKana: string;
  birthDate: string;
  qualifications: {
    insurerNumber: string;
    insurerName: string;
    symbol: string | null;
    number: string;
    branch: string | null;
    copayRate: number | null;
    limitCategory: string | null;
  }[];
}

/**
 * Verifies a わたしの情報 token for an institution: the MAC and expiry hold, and the qualifications in force today
 * are returned (never from the PDF: the answer is today's). The read is audited as the institution's, so it shows in
 * the person's access history. A person without a qualification today gets `noQualification`.
 */
export async function verifyMyInformation(
  deps: PortalDeps,
  input: { token: string; institutionCode: string },
): Promise<MyInformationVerification> {
  const { ctx } = deps;
  const payload = verifyToken(ctx, 'myInformation', input.token);
  const pid = payload?.pid;
  const iat = payload?.iat;
  if (typeof pid !== 'string' || typeof iat !== 'number') {
    throw new AppError(PORTAL_ERRORS.myInformationTokenInvalid);
  }
  const date = today(ctx);
  const person = await requirePersonRecord(ctx.store, pid);
  const current = await ctx.store.qualifications.currentForPerson(pid, date);
  await deps.audit.append({
    actorKind: 'institution',
    actorId: input.institutionCode,
    action: 'portal.myInformation.verify',
    personId: pid,
    target: null,
    outcome: current.length > 0 ? 'allowed' : 'refused',
    detail: { qualifications: current.length },
  });
  if (current.length === 0) {
    throw new AppError(PORTAL_ERRORS.noQualification);
  }
  const views = await Promise.all(current.map((q) => qualificationView(ctx.store, q, date)));
  return {
    valid: true,
    asOf: date,
    issuedAt: new Date(iat).toISOString(),
    nameKana: person.nameKana,
    birthDate: person.birthDate,
    qualifications: views.map((q) => ({
      insurerNumber: q.insurerNumber,
      insurerName: q.insurerName,
      symbol: q.symbol,
      number: q.number,
      branch: q.branch,
      copayRate: q.copayRate,
      limitCategory: q.limitCategory === null ? null : (limitCategoryLabel(q.limitCategory.code) ?? null),
    })),
  };
}
