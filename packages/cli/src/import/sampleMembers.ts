/**
 * Writes a member CSV (docs/import-format.md) from the synthetic population, for the benchmark, the tests and
 * anyone trying the import: every row passes the import's checks. Households become one insured person with
 * dependants (被用者保険), or insured persons sharing the 世帯's 記号・番号 with their own 枝番 (国保); 後期 takes
 * only people from 75 (rules.md §2). Everyone acquires on one date, as when a new 健保組合 takes over a roster.
 */
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { ageOn, copayRate, type Scheme } from '@onshi/core';
import { generatePopulation } from '@onshi/server/population/population';
import { encodeText, type CsvEncoding } from './encoding.js';
import { MEMBER_COLUMNS, rateSchemeOf, schemeHasDependants } from './memberRow.js';

/** Options of `writeSampleMembersCsv`. */
export interface SampleMembersOptions {
  /** Exactly this many data rows. */
  rows: number;
  seed: number | string;
  insurerNumber: string;
  scheme: Scheme;
  /** 資格取得日 of every row (and the population's as-of date). */
  acquiredOn: string;
  encoding: CsvEncoding;
  /** Write the 個人番号 column (default true). */
  individualNumbers?: boolean;
}

function field(s: string): string {
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** Writes the file; resolves with the number of rows written (always `rows`). */
export async function writeSampleMembersCsv(path: string, options: SampleMembersOptions): Promise<number> {
  const { rows, acquiredOn, scheme } = options;
  const withNumbers = options.individualNumbers ?? true;
  const rs = rateSchemeOf(scheme);
  const late = rs === 'lateElderly';
  const out = createWriteStream(path);
  const header = MEMBER_COLUMNS.filter((c) => withNumbers || c.key !== 'individualNumber').map((c) => c.header);
  let buffer = header.join(',') + '\r\n';
  let written = 0;
  let household = 0;
  const flush = async (): Promise<void> => {
    if (!out.write(encodeText(buffer, options.encoding))) {
      await once(out, 'drain');
    }
    buffer = '';
  };
  // Draw more people than rows: 後期 keeps only the 75+, the others only the under-75s.
  const population = generatePopulation({
    people: late ? rows * 8 + 1000 : rows * 2 + 1000,
    seed: options.seed,
    asOf: acquiredOn,
  });
  for (const h of population) {
    if (written >= rows) {
      break;
    }
    const members = h.members.filter((m) => ageOn(m.person.birthDate, acquiredOn) >= 75 === late);
    if (members.length === 0) {
      continue;
    }
    household += 1;
    const symbol = late ? '' : String(1 + Math.floor(household / 500));
    const number = String(household);
    let k = 0;
    for (const m of members) {
      if (written >= rows) {
        break;
      }
      const p = m.person;
      const dependant = k > 0 && schemeHasDependants(scheme);
      const age = ageOn(p.birthDate, acquiredOn);
      const rate = copayRate({
        birthDate: p.birthDate,
        serviceDate: acquiredOn,
        scheme: rs,
        ...(late ? { lateElderlyBand: 1 as const } : {}),
      }).rate;
      const values: Record<string, string> = {
        記号: symbol,
        番号: late ? String(10_000_000 + written) : number,
        枝番: late ? '' : String(k).padStart(2, '0'),
        本人家族: dependant ? '2' : '1',
        本人番号: dependant ? number : '',
        本人枝番: dependant ? '00' : '',
        氏名: p.nameKanji,
        カナ氏名: p.nameKana,
        生年月日: p.birthDate,
        性別: p.sex === 'male' ? '1' : '2',
        郵便番号: p.postalCode,
        都道府県: p.prefecture,
        住所: p.address,
        資格取得日: acquiredOn,
        負担割合: String(Math.round(rate * 10)),
        負担割合適用開始日: '',
        限度額適用区分: late ? 'B10' : age >= 70 ? 'B04' : 'A03',
        限度額適用開始日: '',
        個人番号: m.individualNumber,
        被保険者証区分: '01',
      };
      buffer += header.map((name) => field(values[name] ?? '')).join(',') + '\r\n';
      written += 1;
      k += 1;
      if (buffer.length > 256 * 1024) {
        await flush();
      }
    }
  }
  await flush();
  out.end();
  await once(out, 'finish');
  if (written < rows) {
    throw new RangeError(`the population gave only ${String(written)} eligible rows of ${String(rows)}`);
  }
  return written;
}
