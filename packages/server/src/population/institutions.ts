/**
 * Synthetic 医療機関・薬局 with valid 医療機関コード (都道府県 2 + 点数表 1 + 郡市区 2 + 番号 4 + 検証番号, check digit
 * from @onshi/core `institutionCodeCheckDigit`), spread over every prefecture by population at Japan's national
 * mix: 医科診療所 ~105,000, 病院 ~8,000, 歯科診療所 ~68,000, 薬局 ~62,000 (厚生労働省 医療施設調査 / 衛生行政報告例,
 * rounded). Names and addresses are made up. See docs/decisions/0064-population-institutions.md.
 */
import { institutionCodeCheckDigit } from '@onshi/core';
import { facts } from './facts.js';
import { Random, cumulative, seedToUint32, type Seed } from './prng.js';
import type { GeneratedInstitution } from './types.js';

/** Options of `generateInstitutions`. */
export interface InstitutionOptions {
  seed: Seed;
  /** How many institutions in all (the whole country has about 243,000). */
  count: number;
  /** When given, スマホ保険証 readers exist only from 2025-09-19 (rules.md §4 [S26]). */
  asOf?: string;
}

type Kind = GeneratedInstitution['kind'];

/** National counts by kind (approx.), the shares every prefecture follows. */
export const INSTITUTION_MIX: Readonly<Record<Kind, number>> = {
  clinic: 105_000,
  hospital: 8_000,
  dental: 68_000,
  pharmacy: 62_000,
};
const KINDS: readonly Kind[] = ['clinic', 'hospital', 'dental', 'pharmacy'];

/** 点数表番号: 1 医科 (clinics and hospitals), 3 歯科, 4 調剤 (oqs-interface.md §2). */
const TABLE: Readonly<Record<Kind, string>> = { clinic: '1', hospital: '1', dental: '3', pharmacy: '4' };

const CLINIC_SUFFIXES = [
  '内科クリニック',
  '内科医院',
  'クリニック',
  '医院',
  '整形外科',
  '小児科クリニック',
  '皮膚科クリニック',
  '眼科',
  '耳鼻咽喉科',
  '内科・消化器内科',
  'レディースクリニック',
  'こどもクリニック',
  '循環器内科',
  '心療内科',
];
const HOSPITAL_SUFFIXES = [
  '中央病院',
  '総合病院',
  '記念病院',
  '第一病院',
  '南病院',
  '東病院',
  'リハビリテーション病院',
  '脳神経外科病院',
];
const DENTAL_SUFFIXES = ['歯科医院', '歯科クリニック', 'デンタルクリニック', '矯正歯科', 'こども歯科'];
const PHARMACY_SUFFIXES = ['薬局', '調剤薬局', 'ファーマシー'];
const PHARMACY_BRANDS = [
  'あおぞら薬局',
  'ひまわり調剤薬局',
  'みどり薬局',
  'すずらん薬局',
  'こすもす薬局',
  'つばめ薬局',
];
const TOWNS = [
  '本町',
  '栄町',
  '中央',
  '緑町',
  '旭町',
  '幸町',
  '駅前',
  '東町',
  '西町',
  '南町',
  '北町',
  '新町',
  '元町',
  '錦町',
  '泉町',
];

/** Splits `total` over weights by largest remainder, giving each entry at least `floor` when the total allows. */
function apportion(total: number, weights: readonly number[], floor: number): number[] {
  const n = weights.length;
  const base = total >= n * floor ? floor : 0;
  const rest = total - base * n;
  const sum = weights.reduce((a, b) => a + b, 0);
  const exact = weights.map((w) => (rest * w) / sum);
  const out = exact.map((x) => base + Math.floor(x));
  let left = total - out.reduce((a, b) => a + b, 0);
  const order = exact.map((x, i) => ({ i, r: x - Math.floor(x) })).sort((a, b) => b.r - a.r || a.i - b.i);
  for (let k = 0; left > 0; k = (k + 1) % n, left--) {
    const i = order[k]?.i ?? 0;
    out[i] = (out[i] ?? 0) + 1;
  }
  return out;
}

function pick<T>(rng: Random, list: readonly T[]): T {
  const v = list[rng.int(list.length)];
  if (v === undefined) {
    throw new Error('empty list');
  }
  return v;
}

/**
 * `count` institutions: every prefecture gets each kind once the count allows (at least 188 = 47 × 4), the rest
 * follows population and the national mix. Deterministic for a seed; yields one at a time.
 */
export function* generateInstitutions(options: InstitutionOptions): Generator<GeneratedInstitution, void, undefined> {
  const { count } = options;
  if (!Number.isInteger(count) || count < 0) {
    throw new RangeError(`count must be a whole number: ${String(count)}`);
  }
  const f = facts();
  const rng = new Random(seedToUint32(options.seed) ^ 0x6a09e667, 0x2_0000);
  const smartphoneReaders = options.asOf === undefined || options.asOf >= '2025-09-19';
  const mixTotal = KINDS.reduce((s, k) => s + INSTITUTION_MIX[k], 0);
  // One cell per (prefecture, kind), weighted by population × national share.
  const weights: number[] = [];
  for (const p of f.prefectures) {
    for (const k of KINDS) {
      weights.push((p.population * INSTITUTION_MIX[k]) / mixTotal);
    }
  }
  const cells = weights.length;
  let quotas: number[];
  if (count >= cells) {
    quotas = apportion(count, weights, 1);
  } else {
    // Too few for every cell: still one institution per prefecture when possible, of a kind drawn by the mix.
    const perPrefecture = apportion(
      count,
      f.prefectures.map((p) => p.population),
      1,
    );
    quotas = new Array<number>(cells).fill(0);
    const kindTable = cumulative(KINDS.map((k) => INSTITUTION_MIX[k]));
    perPrefecture.forEach((n, pi) => {
      for (let j = 0; j < n; j++) {
        const cell = pi * KINDS.length + rng.pick(kindTable);
        quotas[cell] = (quotas[cell] ?? 0) + 1;
      }
    });
  }
  const counters = new Map<string, number>();
  for (let pi = 0; pi < f.prefectures.length; pi++) {
    const p = f.prefectures[pi];
    const munis = f.municipalitiesByPrefecture[pi];
    if (!p || !munis) {
      continue;
    }
    for (let ki = 0; ki < KINDS.length; ki++) {
      const kind = KINDS[ki] ?? 'clinic';
      const quota = quotas[pi * KINDS.length + ki] ?? 0;
      for (let j = 0; j < quota; j++) {
        const local = rng.pick(munis.table);
        const muni = f.municipalities[munis.indices[local] ?? 0];
        const key = `${p.code}${TABLE[kind]}${String(local)}`;
        const c = counters.get(key) ?? 0;
        counters.set(key, c + 1);
        // 郡市区 = the municipality's place in the sample (01–05), moved up by 10 each time its 4-digit numbers fill up.
        const district = local + 1 + 10 * Math.floor(c / 9999);
        if (district > 99) {
          throw new RangeError('too many institutions for the 医療機関コード number space of one municipality');
        }
        const first9 = `${p.code}${TABLE[kind]}${String(district).padStart(2, '0')}${String((c % 9999) + 1).padStart(4, '0')}`;
        const institutionCode = `${first9}${String(institutionCodeCheckDigit(first9))}`;
        const surname = f.surnames[rng.pick(f.surnameTable)]?.kanji ?? '佐藤';
        const town = pick(rng, TOWNS);
        const name =
          kind === 'clinic'
            ? `${rng.chance(0.7) ? surname : town}${pick(rng, CLINIC_SUFFIXES)}`
            : kind === 'hospital'
              ? `${rng.chance(0.5) ? (muni?.name.replace(/[市区]$/, '') ?? town) : surname}${pick(rng, HOSPITAL_SUFFIXES)}`
              : kind === 'dental'
                ? `${rng.chance(0.6) ? surname : town}${pick(rng, DENTAL_SUFFIXES)}`
                : rng.chance(0.3)
                  ? `${pick(rng, PHARMACY_BRANDS)}${town}店`
                  : `${rng.chance(0.5) ? surname : town}${pick(rng, PHARMACY_SUFFIXES)}`;
        const address = `${p.name}${muni?.name ?? ''}${town}${String(rng.range(1, 5))}丁目${String(rng.range(1, 30))}-${String(rng.range(1, 20))}`;
        const postalCode = `${String(rng.range(p.postalPrefixMin, p.postalPrefixMax)).padStart(3, '0')}-${String(rng.int(10_000)).padStart(4, '0')}`;
        // OQS is mandatory since 2023-04 (rules.md §5); a few paper-claim facilities are exempt [EST 3 %].
        const oqsEnabled = rng.chance(0.97);
        // Consent items (rules.md §6): 薬剤 and 健診 on by default; 手術 mostly at hospitals; pharmacists see no 健診.
        const consentItemsEnabled: GeneratedInstitution['consentItemsEnabled'] =
          kind === 'pharmacy' ? ['medication'] : ['medication', 'checkup'];
        if (kind !== 'pharmacy' && rng.chance(kind === 'hospital' ? 0.4 : kind === 'clinic' ? 0.1 : 0.05)) {
          consentItemsEnabled.push('surgery');
        }
        yield {
          institutionCode,
          name,
          kind,
          prefecture: p.code,
          address,
          postalCode,
          oqsEnabled,
          readerStatus: oqsEnabled && rng.chance(0.97) ? 'working' : 'outOfOrder',
          consentItemsEnabled,
          // ~77,000 facilities had the NFC reader for スマホ保険証 by 2026-01 (rules.md §4 [S26b]) → about a third.
          smartphoneReader: smartphoneReaders && oqsEnabled && rng.chance(0.33),
        };
      }
    }
  }
}
