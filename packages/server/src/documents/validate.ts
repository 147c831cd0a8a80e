import {
  addDays,
  compareDates,
  elderlyRecipientPeriod,
  isIsoDate,
  validateBranch,
  validateEligibilityCertificateValidity,
  validateInsurerNumber,
  validateNumber,
  validateSymbol,
  type Bilingual,
  type Verdict,
} from '@onshi/core';
import type {
  DocumentInsurer,
  DocumentRequest,
  DocumentScheme,
  EligibilityCertificateData,
  MemberNumbers,
  PrintedCopay,
  QualificationNoticeData,
} from './types.js';

/** One reason the data cannot be printed; `field` is a dotted path into the data object. */
export interface DocumentDataIssue {
  field: string;
  code: string;
  message: Bilingual;
}

/**
 * Thrown before any byte is drawn when the data cannot make a correct document: a half-right 資格確認書 in a
 * patient's hand is worse than none. Carries every issue found, not just the first.
 */
export class DocumentDataError extends Error {
  readonly code = 'DOCUMENT_DATA_INVALID';
  readonly issues: readonly DocumentDataIssue[];
  readonly messages: Bilingual;

  constructor(issues: readonly DocumentDataIssue[]) {
    const first = issues[0];
    const ja = first ? `${first.field}: ${first.message.ja}` : '不明なエラー';
    const en = first ? `${first.field}: ${first.message.en}` : 'unknown error';
    const more = issues.length > 1 ? ` (+${issues.length - 1})` : '';
    super(`${en}${more}`);
    this.name = 'DocumentDataError';
    this.issues = issues;
    this.messages = { ja: `${ja}${more}`, en: `${en}${more}` };
  }
}

const CONTROL = /\p{Cc}/u;
const TWELVE_DIGITS = /[0-9０-９]{12,}/u;
const KATAKANA = /^[\u30a1-\u30fa\u30fc\u30fb\u3000 ]+$/u;
const FORBIDDEN_KEYS = new Set(['individualNumber', 'myNumber', 'mynumber', 'individual_number']);

/** Collects issues while walking one data object. */
class Checker {
  readonly issues: DocumentDataIssue[] = [];

  add(field: string, code: string, ja: string, en: string): void {
    this.issues.push({ field, code, message: { ja, en } });
  }

  /** Records a refusing core verdict under `field`, keeping its code and messages. */
  verdict(field: string, result: Verdict): boolean {
    if (!result.ok) {
      this.issues.push({ field, code: result.code, message: result.message });
    }
    return result.ok;
  }

  text(field: string, value: string | undefined, max: number, required = true): void {
    if (value === undefined || value.trim() === '') {
      if (required) {
        this.add(field, 'DOC_REQUIRED', '必須項目です', 'is required');
      }
      return;
    }
    if (CONTROL.test(value)) {
      this.add(field, 'DOC_BAD_TEXT', '制御文字は使えません', 'must not contain control characters');
    }
    if (Array.from(value).length > max) {
      this.add(field, 'DOC_TEXT_TOO_LONG', `${max}文字以内で指定してください`, `must be at most ${max} characters`);
    }
  }

  /** True when the date is well formed, or absent and optional. */
  date(field: string, value: string | undefined, required = true): boolean {
    if (value === undefined) {
      if (required) {
        this.add(field, 'DOC_REQUIRED', '必須項目です', 'is required');
      }
      // An absent optional date is fine; say so, so callers go on to check the order of the others.
      return !required;
    }
    if (!isIsoDate(value)) {
      this.add(field, 'DOC_BAD_DATE', '日付はYYYY-MM-DD形式で指定してください', 'must be a date YYYY-MM-DD');
      return false;
    }
    return true;
  }

  order(earlierField: string, earlier: string, laterField: string, later: string): void {
    if (isIsoDate(earlier) && isIsoDate(later) && compareDates(earlier, later) > 0) {
      this.add(
        laterField,
        'DOC_DATES_OUT_OF_ORDER',
        `${earlierField}より前の日付です`,
        `must not be before ${earlierField}`,
      );
    }
  }
}

/** Walks every string in the data: a 12-digit run could be a My Number, which a document must never print. */
function guardPrivacy(c: Checker, value: unknown, path: string): void {
  if (typeof value === 'string') {
    if (TWELVE_DIGITS.test(value)) {
      c.add(
        path,
        'DOC_INDIVIDUAL_NUMBER',
        '12桁の数字（個人番号の可能性）は印字できません',
        'must not contain a 12-digit number (possibly a My Number)',
      );
    }
    return;
  }
  if (typeof value !== 'object' || value === null || value instanceof Date) {
    return;
  }
  for (const [key, inner] of Object.entries(value)) {
    const at = path === '' ? key : `${path}.${key}`;
    if (FORBIDDEN_KEYS.has(key)) {
      c.add(
        at,
        'DOC_INDIVIDUAL_NUMBER',
        '個人番号を帳票データに含めてはいけません（下4桁のみ）',
        'a document must not carry the My Number (last four digits only)',
      );
      continue;
    }
    guardPrivacy(c, inner, at);
  }
}

/**
 * 保険者番号 with its 検証番号, as printed (6 digits for 国保), and of the scheme the document claims
 * (core `validateInsurerNumber`, rules.md §1.1).
 */
function checkInsurer(c: Checker, scheme: DocumentScheme, insurer: DocumentInsurer): void {
  const result = validateInsurerNumber(insurer.number);
  if (c.verdict('insurer.number', result)) {
    if (result.normalized !== insurer.number) {
      c.add(
        'insurer.number',
        'DOC_INSURER_NUMBER_NOT_AS_PRINTED',
        `保険者番号は印字する形（${result.normalized ?? ''}）で指定してください`,
        `give the insurer number as printed (${result.normalized ?? ''})`,
      );
    } else if (result.scheme !== scheme) {
      c.add(
        'scheme',
        'DOC_SCHEME_MISMATCH',
        '制度が保険者番号の法別番号と一致しません',
        "the scheme does not match the insurer number's law code",
      );
    }
  }
  c.text('insurer.name', insurer.name, 40);
  c.text('insurer.address', insurer.address, 80, false);
  if (insurer.phone !== undefined && !/^[0-9-]{6,15}$/u.test(insurer.phone)) {
    c.add('insurer.phone', 'DOC_BAD_PHONE', '電話番号は数字とハイフンで指定してください', 'must be digits and hyphens');
  }
}

function checkMember(c: Checker, scheme: DocumentScheme, member: MemberNumbers): void {
  if (scheme === 'lateElderly') {
    if (!/^\d{8}$/u.test(member.number)) {
      c.add(
        'member.number',
        'DOC_BAD_MEMBER_ID',
        '後期高齢者医療の被保険者番号は8桁の数字です',
        'a 後期 被保険者番号 is 8 digits',
      );
    }
    if (member.symbol !== undefined || member.branch !== undefined) {
      c.add(
        'member.symbol',
        'DOC_BAD_MEMBER_ID',
        '後期高齢者医療には記号・枝番はありません',
        '後期 has no 記号 or 枝番',
      );
    }
    return;
  }
  // Width rules of rules.md §1.2 (core validateSymbol/validateNumber/validateBranch).
  c.verdict('member.symbol', validateSymbol(member.symbol));
  c.verdict('member.number', validateNumber(member.number));
  c.text('member.symbol', member.symbol, 20, false);
  c.text('member.number', member.number, 20);
  c.verdict('member.branch', validateBranch(member.branch));
}

/** From 高齢受給者 age (core `elderlyRecipientPeriod`, rules.md §2) the rate is printed. */
function isElderlyOn(birthDate: string, date: string): boolean {
  return compareDates(elderlyRecipientPeriod(birthDate).from, date) <= 0;
}

function checkCopay(c: Checker, copay: PrintedCopay): void {
  const effectiveOk = c.date('copay.validFrom', copay.validFrom);
  if (copay.previous === undefined) {
    return;
  }
  // 「2割（令和7年7月31日までは3割）」: the old rate runs up to the day before the new one takes effect.
  if (c.date('copay.previous.validTo', copay.previous.validTo) && effectiveOk) {
    if (copay.previous.validTo !== addDays(copay.validFrom, -1)) {
      c.add(
        'copay.previous.validTo',
        'DOC_DATES_OUT_OF_ORDER',
        '前の割合の終了日は発効期日の前日です',
        'the previous rate must end the day before the new rate takes effect',
      );
    }
  }
}

/** Checks a 資格情報のお知らせ; throws `DocumentDataError` listing every issue. */
export function validateQualificationNotice(data: QualificationNoticeData): void {
  const c = new Checker();
  guardPrivacy(c, data, '');
  checkInsurer(c, data.scheme, data.insurer);
  checkMember(c, data.scheme, data.member);
  c.text('nameKanji', data.nameKanji, 40);
  c.text('nameKana', data.nameKana, 60);
  if (data.nameKana.trim() !== '' && !KATAKANA.test(data.nameKana)) {
    c.add('nameKana', 'DOC_BAD_KANA', 'フリガナは全角カタカナで指定してください', 'must be full-width katakana');
  }
  const datesOk = [
    c.date('birthDate', data.birthDate),
    c.date('acquiredOn', data.acquiredOn),
    c.date('asOf', data.asOf),
    c.date('issuedOn', data.issuedOn),
    c.date('validTo', data.validTo, false),
  ].every(Boolean);
  if (datesOk) {
    c.order('birthDate', data.birthDate, 'acquiredOn', data.acquiredOn);
    c.order('acquiredOn', data.acquiredOn, 'asOf', data.asOf);
    c.order('asOf', data.asOf, 'issuedOn', data.issuedOn);
    checkNoticeValidity(c, data);
  }
  if (!/^\d{4}$/u.test(data.individualNumberLast4)) {
    c.add(
      'individualNumberLast4',
      'DOC_BAD_LAST4',
      'マイナンバー下4桁は半角数字4桁です',
      'must be exactly 4 digits (the last four of the My Number)',
    );
  }
  if (!/^\d[0-9-]{0,39}$/u.test(data.inquiryNumber)) {
    c.add(
      'inquiryNumber',
      'DOC_BAD_INQUIRY_NUMBER',
      'お問い合わせ番号は数字とハイフンで指定してください',
      'must be digits and hyphens',
    );
  }
  checkPortalUrl(c, data.portalUrl);
  if (data.mailing !== undefined) {
    if (!/^\d{3}-\d{4}$/u.test(data.mailing.postalCode)) {
      c.add('mailing.postalCode', 'DOC_BAD_POSTAL_CODE', '郵便番号は123-4567の形式です', 'must look like 123-4567');
    }
    c.text('mailing.address', data.mailing.address, 80);
    c.text('mailing.addresseeName', data.mailing.addresseeName, 40);
  }
  throwIfAny(c);
}

/**
 * 有効期限 on the お知らせ exists only for 70–74 (ends by the day before the 75th birthday) and for 後期
 * (documents-and-screens.md §2).
 */
function checkNoticeValidity(c: Checker, data: QualificationNoticeData): void {
  const needsValidity = data.scheme === 'lateElderly' || isElderlyOn(data.birthDate, data.asOf);
  if (needsValidity && data.validTo === undefined) {
    c.add(
      'validTo',
      'DOC_VALID_UNTIL_REQUIRED',
      '70歳以上・後期高齢者医療のお知らせには有効期限が必要です',
      'a notice for ages 70–74 or 後期 needs an expiry date',
    );
    return;
  }
  if (!needsValidity && data.validTo !== undefined) {
    c.add(
      'validTo',
      'DOC_VALID_UNTIL_NOT_ALLOWED',
      '70歳未満のお知らせに有効期限はありません',
      'a notice for a person under 70 has no expiry date',
    );
    return;
  }
  if (data.validTo === undefined) {
    return;
  }
  c.order('asOf', data.asOf, 'validTo', data.validTo);
  if (data.scheme !== 'lateElderly' && compareDates(data.validTo, elderlyRecipientPeriod(data.birthDate).to) > 0) {
    c.add(
      'validTo',
      'DOC_VALIDITY_PAST_75',
      '有効期限は75歳に達する日（誕生日の前日）までです',
      'expiry must not pass the day before the 75th birthday',
    );
  }
}

function checkPortalUrl(c: Checker, url: string): void {
  // QR decoders guess Shift_JIS for byte mode, so the payload stays ASCII (stack-notes.md, QR codes).
  const ascii = /^[\u0021-\u007e]{1,256}$/u.test(url);
  let parsed: URL | undefined;
  try {
    parsed = ascii ? new URL(url) : undefined;
  } catch {
    parsed = undefined;
  }
  if (parsed?.protocol !== 'https:') {
    c.add(
      'portalUrl',
      'DOC_BAD_URL',
      '二次元コードのURLはhttps://で始まるASCIIのURLです',
      'the QR URL must be an ASCII https:// URL',
    );
  }
}

/** Checks a 資格確認書; throws `DocumentDataError` listing every issue. */
export function validateEligibilityCertificate(data: EligibilityCertificateData): void {
  const c = new Checker();
  guardPrivacy(c, data, '');
  checkInsurer(c, data.scheme, data.insurer);
  checkMember(c, data.scheme, data.member);
  c.text('nameKanji', data.nameKanji, 40);
  c.text('nameKana', data.nameKana, 60, false);
  if (data.nameKana !== undefined && data.nameKana.trim() !== '' && !KATAKANA.test(data.nameKana)) {
    c.add('nameKana', 'DOC_BAD_KANA', 'フリガナは全角カタカナで指定してください', 'must be full-width katakana');
  }
  // Data arrives from JSON and CSV, so the union is checked at run time too.
  const sex: string = data.sex;
  if (sex !== 'male' && sex !== 'female') {
    c.add('sex', 'DOC_BAD_SEX', '性別は male または female です', "must be 'male' or 'female'");
  }
  const datesOk = [
    c.date('birthDate', data.birthDate),
    c.date('issuedOn', data.issuedOn),
    c.date('validTo', data.validTo),
    c.date('acquiredOn', data.acquiredOn),
    c.date('longTermOn', data.longTermOn, false),
  ].every(Boolean);
  if (datesOk) {
    c.order('birthDate', data.birthDate, 'acquiredOn', data.acquiredOn);
    c.order('acquiredOn', data.acquiredOn, 'validTo', data.validTo);
    // 有効期限は最長5年 (rules.md §5 [S29]; core, decision 0025).
    c.verdict(
      'validTo',
      validateEligibilityCertificateValidity({ issueDate: data.issuedOn, validUntil: data.validTo }),
    );
    checkCertificateCopay(c, data);
  }
  if (data.limitCategory !== undefined) {
    c.text('limitCategory.label', data.limitCategory.label, 12);
    c.date('limitCategory.validFrom', data.limitCategory.validFrom);
  }
  if (data.specificDisease !== undefined) {
    c.text('specificDisease.label', data.specificDisease.label, 30);
    const limit = data.specificDisease.selfPayLimit;
    if (!Number.isSafeInteger(limit) || limit <= 0 || limit > 1_000_000) {
      c.add(
        'specificDisease.selfPayLimit',
        'DOC_BAD_AMOUNT',
        '自己負担限度額は正の整数（円）で指定してください',
        'the self-pay limit must be a positive whole number of yen',
      );
    }
  }
  c.text('address', data.address, 80, false);
  if (data.color !== undefined && !/^#[0-9a-fA-F]{6}$/u.test(data.color)) {
    c.add('color', 'DOC_BAD_COLOR', '色は#rrggbb形式で指定してください', "must look like '#rrggbb'");
  }
  throwIfAny(c);
}

/**
 * 一部負担金の割合: required on a 後期 card and from 高齢受給者 age (it replaces the 高齢受給者証); absent under 70
 * (documents-and-screens.md §1.2).
 */
function checkCertificateCopay(c: Checker, data: EligibilityCertificateData): void {
  const needsRate = data.scheme === 'lateElderly' || isElderlyOn(data.birthDate, data.issuedOn);
  if (needsRate && data.copay === undefined) {
    c.add(
      'copay',
      'DOC_COPAY_REQUIRED',
      '70歳以上・後期高齢者医療の資格確認書には一部負担金の割合と発効期日が必要です',
      'a certificate for ages 70+ or 後期 needs the co-pay rate and its effective date',
    );
  }
  if (!needsRate && data.copay !== undefined) {
    c.add(
      'copay',
      'DOC_COPAY_NOT_ALLOWED',
      '70歳未満の資格確認書には一部負担金の割合を印字しません（国保は「法定負担割合のとおり」）',
      'a certificate for a person under 70 prints no rate (国保 prints 「法定負担割合のとおり」)',
    );
  }
  if (data.copay !== undefined) {
    checkCopay(c, data.copay);
  }
}

function throwIfAny(c: Checker): void {
  if (c.issues.length > 0) {
    throw new DocumentDataError(c.issues);
  }
}

/** Validates one batch entry by its kind. */
export function validateRequest(request: DocumentRequest): void {
  switch (request.kind) {
    case 'qualificationNotice':
      validateQualificationNotice(request.data);
      return;
    case 'eligibilityCertificate':
      validateEligibilityCertificate(request.data);
      return;
  }
}
