import { addMonths, compareDates, type Bilingual } from '@onshi/core';
import { AppError } from '../../http/errors.js';
import type { Claim, StoreRepositories } from '../../store/types.js';
import { PORTAL_ERRORS } from './errors.js';
import { requireOwnInformationVisible } from './records.js';

/** 医療費通知情報 covers 診療 from 2021-09 on (documents-and-screens.md §3.1 [N2]). */
export const MEDICAL_EXPENSE_FIRST_MONTH = '2021-09';

/** A 診療月 appears from the 10th of the second month after it (documents-and-screens.md §3.1 [P19]). */
export function medicalExpenseAvailableOn(month: string): string {
  return `${addMonths(`${month}-01`, 2).slice(0, 7)}-10`;
}

/** 診療区分 as the portal's CSV names it (医科外来, 医科入院, 歯科外来, 歯科入院, 調剤). */
export function careCategory(claim: Pick<Claim, 'institutionKind' | 'kind'>): string {
  if (claim.institutionKind === 'pharmacy') {
    return '調剤';
  }
  const side = claim.institutionKind === 'dental' ? '歯科' : '医科';
  return `${side}${claim.kind === 'inpatient' ? '入院' : '外来'}`;
}

/** One line of 医療費通知情報 (one レセプト). */
export interface MedicalExpenseLine {
  /** 'YYYY-MM'. */
  month: string;
  /** 「2025年2月」. */
  monthLabel: string;
  category: string;
  days: number;
  institutionName: string;
  totalCost: number;
  insurerPaid: number;
  publicPaid: number;
  /** 窓口相当負担額: what the person paid at the counter (the amount for 医療費控除). */
  copayAmount: number;
  insurerName: string;
}

/** 医療費通知情報 for a calendar year. */
export interface MedicalExpenseNotice {
  year: number;
  asOf: string;
  /** Months of the year not yet available (they appear from the 10th of the second month after). */
  pendingMonths: string[];
  lines: MedicalExpenseLine[];
  totals: { totalCost: number; insurerPaid: number; publicPaid: number; copayAmount: number };
  message: Bilingual;
}

function monthLabel(month: string): string {
  return `${String(Number(month.slice(0, 4)))}年${String(Number(month.slice(5, 7)))}月`;
}

/**
 * 医療費通知情報 of one calendar year from the person's レセプト: the months available on `date` (from the 10th of the
 * second month after the 診療月; none before 2021-09), with the six items an insurer's 医療費通知 carries
 * (documents-and-screens.md §3.1 [N1]). Hidden under the 自己情報提供不可フラグ like every own record (rules.md §8).
 */
export async function medicalExpenseNotice(
  repos: StoreRepositories,
  input: { personId: string; year: number; date: string },
): Promise<MedicalExpenseNotice> {
  const first = Number(MEDICAL_EXPENSE_FIRST_MONTH.slice(0, 4));
  if (!Number.isInteger(input.year) || input.year < first || input.year > Number(input.date.slice(0, 4))) {
    throw new AppError(PORTAL_ERRORS.dateInvalid, `year must be ${String(first)}–${input.date.slice(0, 4)}`);
  }
  await requireOwnInformationVisible(repos, input.personId, input.date);
  const y = String(input.year);
  const claims = await repos.claims.listByPerson(input.personId, `${y}-01`, `${y}-12`);
  const pendingMonths: string[] = [];
  for (let m = 1; m <= 12; m += 1) {
    const month = `${y}-${String(m).padStart(2, '0')}`;
    if (month >= MEDICAL_EXPENSE_FIRST_MONTH && compareDates(medicalExpenseAvailableOn(month), input.date) > 0) {
      pendingMonths.push(month);
    }
  }
  const shown = claims.filter(
    (c) => c.month >= MEDICAL_EXPENSE_FIRST_MONTH && compareDates(medicalExpenseAvailableOn(c.month), input.date) <= 0,
  );
  const institutionNames = new Map<string, string>();
  const insurerNames = new Map<string, string>();
  const lines: MedicalExpenseLine[] = [];
  for (const c of shown) {
    if (!institutionNames.has(c.institutionCode)) {
      institutionNames.set(
        c.institutionCode,
        (await repos.institutions.get(c.institutionCode))?.name ?? c.institutionCode,
      );
    }
    if (!insurerNames.has(c.insurerNumber)) {
      insurerNames.set(c.insurerNumber, (await repos.insurers.get(c.insurerNumber))?.name ?? c.insurerNumber);
    }
    lines.push({
      month: c.month,
      monthLabel: monthLabel(c.month),
      category: careCategory(c),
      days: c.days,
      institutionName: institutionNames.get(c.institutionCode) ?? c.institutionCode,
      totalCost: c.totalCost,
      insurerPaid: c.insurerPaid,
      publicPaid: c.publicPaid,
      copayAmount: c.copayAmount,
      insurerName: insurerNames.get(c.insurerNumber) ?? c.insurerNumber,
    });
  }
  const totals = lines.reduce(
    (t, l) => ({
      totalCost: t.totalCost + l.totalCost,
      insurerPaid: t.insurerPaid + l.insurerPaid,
      publicPaid: t.publicPaid + l.publicPaid,
      copayAmount: t.copayAmount + l.copayAmount,
    }),
    { totalCost: 0, insurerPaid: 0, publicPaid: 0, copayAmount: 0 },
  );
  return {
    year: input.year,
    asOf: input.date,
    pendingMonths,
    lines,
    totals,
    message:
      pendingMonths.length > 0
        ? {
            ja: `${pendingMonths.map(monthLabel).join('・')}診療分は、診療月の翌々月10日以降に表示されます。`,
            en: `Care in ${pendingMonths.join(', ')} appears from the 10th of the second month after.`,
          }
        : { ja: `${y}年分の医療費通知情報です。`, en: `Medical expense notice for ${y}.` },
  };
}

/** The CSV file name the portal uses: `医療費情報_YYYYMMDDHHMMSSmmm.csv` in Japan time (documents-and-screens.md §3.1). */
export function medicalExpenseCsvName(at: Date): string {
  const t = new Date(at.getTime() + 9 * 3_600_000).toISOString();
  const stamp = `${t.slice(0, 4)}${t.slice(5, 7)}${t.slice(8, 10)}${t.slice(11, 13)}${t.slice(14, 16)}${t.slice(17, 19)}${t.slice(20, 23)}`;
  return `医療費情報_${stamp}.csv`;
}

function cell(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

function yen(n: number): string {
  return n.toLocaleString('ja-JP');
}

/**
 * The 医療費控除 CSV in the portal's two-column key/value layout (documents-and-screens.md §3.1 [C1][C2][C3]):
 * `わたしの情報`, `医療費通知情報`, a blank row, `項目名,内容`; the group row `資格情報` with the person's items; then
 * the group row `医療費情報明細` and, per レセプト, 診療年月 … 窓口相当負担額（円）. Amounts carry thousands separators
 * (`"78,040"`). CRLF line ends, UTF-8 with a BOM so spreadsheet software reads the Japanese (decision 0114).
 */
export function medicalExpenseCsv(
  notice: MedicalExpenseNotice,
  person: { nameKanji: string; birthDate: string },
): string {
  const rows: string[][] = [
    ['わたしの情報', ''],
    ['医療費通知情報', ''],
    ['', ''],
    ['項目名', '内容'],
    ['資格情報'],
    ['氏名', person.nameKanji],
    ['生年月日', person.birthDate.replace(/-/g, '/')],
    ['対象期間', `${String(notice.year)}年1月～${String(notice.year)}年12月`],
    ['取得日', notice.asOf.replace(/-/g, '/')],
    ['件数', String(notice.lines.length)],
    ['医療費の総額の合計（円）', yen(notice.totals.totalCost)],
    ['窓口相当負担額の合計（円）', yen(notice.totals.copayAmount)],
    ['医療費情報明細'],
  ];
  for (const l of notice.lines) {
    rows.push(
      ['診療年月', l.monthLabel],
      ['診療区分', l.category],
      ['日数', String(l.days)],
      ['医療機関等名称', l.institutionName],
      ['医療費の総額（円）', yen(l.totalCost)],
      ['保険者の負担額（円）', yen(l.insurerPaid)],
      ['その他の公費の負担額（円）', yen(l.publicPaid)],
      ['窓口相当負担額（円）', yen(l.copayAmount)],
    );
  }
  return `\uFEFF${rows.map((r) => r.map(cell).join(',')).join('\r\n')}\r\n`;
}
