/**
 * `generatePopulation`: a deterministic, streaming synthetic Japan. Households come one at a time from a
 * generator, so a million people pass through in bounded memory. Each household depends only on the seed and its
 * index (one reseeded sfc32 stream per household), plus a few per-insurer counters that keep 記号・番号 unique.
 *
 * Facts and shares: age_pyramid.csv, prefectures.csv, names.csv (./data), insurance_shares.md (scheme shares,
 * dependant shares, 75+ → 後期), rules.md §1 (numbers), §2 (co-pay), §3 (限度額区分), §4 (cards, certificates,
 * grace), §5 (timeline), §8 (DV flags), §9 (card and registration figures). See docs/decisions/0061–0063.
 */
import { ageOn, birthday, cardExpiry, certificateExpiry, copayRate, lateElderlyBandRate } from '@onshi/core';
import { elderlyRecipientPeriodOf, insuranceUseGraceEndOf, lateElderlyFromOf, preschoolUntilOf } from './memo.js';
import { dayNumber, iso } from './days.js';
import { documentsFor } from './documents.js';
import { facts, MAX_AGE, NAME_YEAR_MAX, NAME_YEAR_MIN, type Facts } from './facts.js';
import { solveHouseholdModel, coupleShare, type HouseholdModel } from './households.js';
import {
  ADULT_HEAD_MIN,
  COUPLE_HEAD_MALE_SHARE,
  FAMILY_SPOUSE_SHARE,
  GRANDPARENT_FEMALE_SHARE,
  GRANDPARENT_OFFSET_MIN,
  LONE_PARENT_MALE_SHARE,
  PARENT_AGE_MIN,
  SPOUSE_OFFSET_MIN,
  THREE_GENERATION_SHARE,
} from './households.js';
import { individualNumberFor, individualNumberKeys, INDIVIDUAL_NUMBER_SPACE } from './individualNumbers.js';
import { generateInsurers } from './insurers.js';
import { Random, cumulative, seedToUint32, type Seed } from './prng.js';
import type {
  GeneratedAttribute,
  GeneratedCard,
  GeneratedCertificate,
  GeneratedDvFlag,
  GeneratedHousehold,
  GeneratedInsurer,
  GeneratedLimitCategory,
  GeneratedMember,
  GeneratedQualification,
  GeneratedRegistration,
  GeneratedScheme,
  GeneratedSex,
  HouseholdRole,
} from './types.js';

/** Options of `generatePopulation`. */
export interface PopulationOptions {
  /** Exactly this many persons are generated (the last household may be cut short). */
  people: number;
  seed: Seed;
  /** The date the population is described on: ages, cards, registrations and documents as of this day. */
  asOf: string;
  /** Must match the `kumiaiCount` given to `generateInsurers` for the same seed (default 1,380). */
  kumiaiCount?: number;
}

// ---------------------------------------------------------------------------------------------------------------
// Shares (sources in the comments; [EST] = our estimate, calibrated so the totals match the sources)

/** 被用者保険 insured persons: 協会 2,480万 : 組合 1,655万 : 共済 574万 (insurance_shares.md §1). */
const EMPLOYER_SCHEMES: readonly GeneratedScheme[] = ['kyokai', 'kumiai', 'kyosai'];
const EMPLOYER_SCHEME_TABLE = cumulative([2480, 1655, 574]);

/** Householders who are employees, by age [EST] (calibrated to 被用者保険 ≈ 63 % and 国保 ≈ 21 % of members). */
function headEmployedShare(age: number): number {
  if (age < 23) {
    return 0.72;
  }
  if (age < 60) {
    return 0.84;
  }
  if (age < 65) {
    return 0.6;
  }
  if (age < 70) {
    return 0.32;
  }
  return 0.17;
}

/** Spouses with their own employee insurance (dual earners) [EST]. */
function spouseEmployedShare(age: number): number {
  if (age < 60) {
    return 0.42;
  }
  if (age < 65) {
    return 0.3;
  }
  if (age < 70) {
    return 0.15;
  }
  return 0.07;
}

/** Grown children at home who work and hold their own insurance [EST]. */
function childEmployedShare(age: number): number {
  if (age < 18) {
    return 0;
  }
  if (age < 19) {
    return 0.2;
  }
  if (age < 23) {
    return 0.35;
  }
  return 0.75;
}

/** Non-employed households that belong to a 国保組合 (医師・歯科医師・建設) instead of the municipal 国保: 225万 of 2,638万. */
const KOKUHO_KUMIAI_SHARE = 0.085;

/** 限度額適用区分 under 70 (ア…オ) [EST from income distribution]. */
const UNDER70_LIMITS: readonly GeneratedLimitCategory[] = ['A01', 'A02', 'A03', 'A04', 'A05'];
const UNDER70_LIMIT_TABLE = cumulative([0.03, 0.06, 0.45, 0.33, 0.13]);
/** 70–74 with 現役並み income: 現役並みⅢ/Ⅱ/Ⅰ. */
const ACTIVE_LIMITS: readonly GeneratedLimitCategory[] = ['B01', 'B02', 'B03'];
const ACTIVE_LIMIT_TABLE = cumulative([0.12, 0.18, 0.7]);
/** 70+ 一般 / 低所得Ⅱ / 低所得Ⅰ (B04 becomes B10 in 後期 1割). */
const GENERAL_LIMIT_TABLE = cumulative([0.68, 0.19, 0.13]);
/** 70–74 with 現役並み income [EST]: about 1 in 10. */
const ACTIVE_INCOME_SHARE = 0.1;
/** 後期 負担区分 1割 / 2割 / 3割 ≈ 72 / 21 / 7 % (rules.md §2 [S13] [S15]; MHLW 2022 estimate). */
const LATE_BANDS: readonly (1 | 2 | 3)[] = [1, 2, 3];
const LATE_BAND_TABLE = cumulative([0.72, 0.21, 0.07]);
/** 後期 was created on 2008-04-01 (高確法). */
const LATE_ELDERLY_START = '2008-04-01';
/** 後期 2割 started on 2022-10-01 (rules.md §2 [S15]). */
const LATE_TWO_TENTHS_START = '2022-10-01';
const LATE_ONE_TENTH_LAST_DAY = '2022-09-30';

/** First issue year of the eventual card holders, 2016–2026 [EST from rules.md §9: 9,449万 2024-10, 9,948万 2025-10]. */
const CARD_YEAR_FIRST = 2016;
const CARD_YEAR_TABLE = cumulative([0.09, 0.03, 0.03, 0.03, 0.11, 0.13, 0.25, 0.2, 0.07, 0.045, 0.015]);
/** Chance of ever holding a card, by age [EST]; about 80 % overall (rules.md §9: 79.6 % in 2025-09). */
function cardShare(age: number): number {
  if (age < 15) {
    return 0.76;
  }
  if (age < 20) {
    return 0.8;
  }
  if (age < 65) {
    return 0.835;
  }
  if (age < 80) {
    return 0.85;
  }
  if (age < 90) {
    return 0.78;
  }
  return 0.62;
}
/** Cards and certificates renewed when they run out [EST]. */
const CARD_RENEWAL_SHARE = 0.93;
const CERTIFICATE_RENEWAL_SHARE = 0.9;
/** 顔認証マイナンバーカード from 2023-12-15 (rules.md §4 [S24]); share of new cards by age [EST]. */
const FACE_ONLY_FROM = '2023-12-15';
function faceOnlyShare(age: number): number {
  return age >= 80 ? 0.05 : age >= 65 ? 0.012 : 0.003;
}
/** スマホ用電子証明書: Android from 2023-05-11, iPhone from 2025-06-24 (rules.md §4 [S26]). */
const ANDROID_FROM = '2023-05-11';
const IPHONE_FROM = '2025-06-24';
/** Holders aged 15–79 with a smartphone certificate: 2.85M of ~99M cards in 2025-09 → ~4 % of that age group. */
const PHONE_SHARE = 0.04;

/** 健康保険証利用登録: pre-operation from 2021-03-01, full operation 2021-10-20 (reader registration). */
const REGISTRATION_FROM = '2021-03-01';
const READER_REGISTRATION_FROM = '2021-10-20';
/**
 * Holders who register at some point, so that ≈ 88 % of holders hold a live registration in 2025-10 (rules.md §9:
 * 87.8 %) after the few cancelled by a lapsed certificate or 利用登録解除.
 */
const REGISTRATION_SHARE = 0.93;
const REGISTRATION_YEAR_FIRST = 2021;
const REGISTRATION_YEAR_TABLE = cumulative([0.13, 0.26, 0.34, 0.16, 0.09, 0.02]);
const CHANNELS = ['portal', 'reader', 'atm', 'wardOffice'] as const;
const CHANNEL_TABLE = cumulative([0.42, 0.33, 0.1, 0.15]);
/** 利用登録解除 accepted from 2024-10-28; 13,147 by 2024-11-30 of ~78M registered (rules.md §5, §9). */
const UNREGISTRATION_FROM = '2024-10-28';
const UNREGISTRATION_SHARE = 0.0004;
/** DV flags (rules.md §8): rare, about 1 in 10,000 each [EST]. */
const DV_FLAG_SHARE = 0.0001;
const DV_FLAGS_FROM = '2021-10-20';

const TOWNS = [
  '本町',
  '栄町',
  '中央',
  '緑町',
  '旭町',
  '幸町',
  '若葉',
  '桜木町',
  '東町',
  '西町',
  '南町',
  '北町',
  '新町',
  '大手町',
  '元町',
  '錦町',
  '泉町',
  '宮前',
  '松原',
  '青葉台',
  '日の出町',
  '寿町',
  '春日',
  '住吉町',
  '八幡町',
  '昭和町',
  '平和町',
  '白山',
  '富士見町',
  '駅前',
  '城南',
  '城東',
  '港町',
  '朝日町',
  '末広町',
  '千代田',
  '花園',
  '三条',
  '柳町',
  '高砂',
];
const BUILDINGS = ['ハイツ', 'コーポ', 'レジデンス', 'メゾン', 'グランドパレス', 'パークハウス', 'ハイム', 'ヴィラ'];

// ---------------------------------------------------------------------------------------------------------------
// Insurer directory: which insurer a member of a given place and scheme joins, and per-insurer numbering.

interface Directory {
  insurers: GeneratedInsurer[];
  byNumber: Map<string, GeneratedInsurer>;
  kyokaiByPrefecture: number[];
  lateByPrefecture: number[];
  kokuhoByMunicipality: number[];
  kokuhoKumiaiByPrefecture: number[][];
  kumiaiByPrefecture: number[][];
  kumiaiNational: number[];
  kumiaiNationalTable: Float64Array;
  /** Per prefecture: 32 地方職員, 32 市町村職員, 33 警察, 34 公立学校 (in that order). */
  kyosaiByPrefecture: number[][];
  kyosaiNational: number[];
}

/** Local government staff by employer kind [EST]: 国家 25 %, 地方職員 12 %, 市町村 33 %, 警察 8 %, 公立学校 20 %, 私学 2 %. */
const KYOSAI_TABLE = cumulative([0.25, 0.12, 0.33, 0.08, 0.2, 0.02]);

function buildDirectory(insurers: GeneratedInsurer[], f: Facts): Directory {
  const prefIndex = new Map(f.prefectures.map((p, i) => [p.code, i]));
  const muniIndex = new Map(f.municipalities.map((m, i) => [`${m.prefectureCode}${m.name}`, i]));
  const d: Directory = {
    insurers,
    byNumber: new Map(insurers.map((i) => [i.insurerNumber, i])),
    kyokaiByPrefecture: new Array<number>(47).fill(-1),
    lateByPrefecture: new Array<number>(47).fill(-1),
    kokuhoByMunicipality: new Array<number>(f.municipalities.length).fill(-1),
    kokuhoKumiaiByPrefecture: f.prefectures.map(() => []),
    kumiaiByPrefecture: f.prefectures.map(() => []),
    kumiaiNational: [],
    kumiaiNationalTable: new Float64Array(0),
    kyosaiByPrefecture: f.prefectures.map(() => []),
    kyosaiNational: [],
  };
  insurers.forEach((ins, i) => {
    const p = prefIndex.get(ins.prefecture) ?? 0;
    switch (ins.scheme) {
      case 'kyokai':
        d.kyokaiByPrefecture[p] = i;
        break;
      case 'lateElderly':
        d.lateByPrefecture[p] = i;
        break;
      case 'kokuho':
        d.kokuhoByMunicipality[muniIndex.get(`${ins.prefecture}${ins.municipality ?? ''}`) ?? 0] = i;
        break;
      case 'kokuhoKumiai':
        d.kokuhoKumiaiByPrefecture[p]?.push(i);
        break;
      case 'kumiai':
        d.kumiaiByPrefecture[p]?.push(i);
        d.kumiaiNational.push(i);
        break;
      case 'kyosai':
        if (ins.insurerNumber.startsWith('31') || ins.insurerNumber.startsWith('3413002')) {
          d.kyosaiNational.push(i);
        } else {
          d.kyosaiByPrefecture[p]?.push(i);
        }
        break;
    }
  });
  // Union sizes follow a Zipf-like law: a few big company unions, many small ones.
  d.kumiaiNationalTable = cumulative(d.kumiaiNational.map((_, r) => 1 / (1 + r) ** 0.8));
  return d;
}

/** 記号・番号 widths per scheme (rules.md §1.2): employees per 記号 (事業所), and how numbers are written. */
const EMPLOYER_BLOCK: Record<'kyokai' | 'kumiai' | 'kyosai', number> = { kyokai: 15, kumiai: 400, kyosai: 800 };

interface MemberNumber {
  symbol: string | null;
  number: string;
}

/** Per-insurer counters: the only state shared between households (bounded by the number of insurers). */
class Numbering {
  private readonly counters: Int32Array;
  constructor(count: number) {
    this.counters = new Int32Array(count);
  }

  /** The next 記号・番号 of an insured person (or a 国保 世帯) at an insurer. */
  next(insurerIndex: number, scheme: GeneratedScheme): MemberNumber {
    const c = this.counters[insurerIndex] ?? 0;
    this.counters[insurerIndex] = c + 1;
    const salt = (insurerIndex * 104_729) % 90_000_000;
    switch (scheme) {
      case 'kyokai': {
        const employer = Math.floor(c / EMPLOYER_BLOCK.kyokai);
        return {
          symbol: String(10_000_000 + ((employer * 7919 + salt) % 90_000_000)),
          number: String((c % EMPLOYER_BLOCK.kyokai) + 1),
        };
      }
      case 'kumiai': {
        const employer = Math.floor(c / EMPLOYER_BLOCK.kumiai);
        return { symbol: String(employer + 1), number: String((c % EMPLOYER_BLOCK.kumiai) + 1) };
      }
      case 'kyosai': {
        const employer = Math.floor(c / EMPLOYER_BLOCK.kyosai);
        return { symbol: String(1001 + employer), number: String(100_000 + (c % EMPLOYER_BLOCK.kyosai) * 7) };
      }
      case 'kokuho':
      case 'kokuhoKumiai':
        // 記号 = district (地区), 番号 = 世帯 number: unique because the 世帯 number is.
        return { symbol: String((c % 40) + 1).padStart(2, '0'), number: String(c + 1).padStart(7, '0') };
      case 'lateElderly':
        // 8-digit 被保険者番号 without 記号 (rules.md §1.1 [S12b]); a bijection of the counter below 9×10^7.
        return { symbol: null, number: String(10_000_000 + ((c * 7919 + salt) % 90_000_000)) };
    }
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Household members before insurance

interface Draft {
  role: HouseholdRole;
  age: number;
  sex: GeneratedSex;
  birthDay: number;
  birthDate: string;
  /** Has a job with employee insurance (被用者保険) of their own. */
  employed: boolean;
}

const DAYS_PER_YEAR = 365.2425;

interface Context {
  f: Facts;
  model: HouseholdModel;
  dir: Directory;
  numbering: Numbering;
  rng: Random;
  seed: number;
  numberKeys: Uint32Array;
  asOf: string;
  asOfDay: number;
  /** Per age, the first and last birth day giving that age on asOf. */
  birthFrom: Int32Array;
  birthTo: Int32Array;
  nextPerson: number;
}

function pickSex(rng: Random, maleShare: number): GeneratedSex {
  return rng.chance(maleShare) ? 'male' : 'female';
}

function draftPeople(ctx: Context, limit: number): Draft[] {
  const { rng, model, f } = ctx;
  const component = rng.pick(model.componentTable);
  const kind = model.componentKind[component] ?? 'adults';
  const h = model.componentHeadAge[component] ?? ADULT_HEAD_MIN;
  const out: { role: HouseholdRole; age: number; sex: GeneratedSex }[] = [];
  const withSpouse = rng.chance(kind === 'family' ? FAMILY_SPOUSE_SHARE : coupleShare(h));
  let headSex: GeneratedSex;
  if (withSpouse) {
    headSex = pickSex(rng, COUPLE_HEAD_MALE_SHARE);
  } else if (kind === 'family') {
    headSex = pickSex(rng, LONE_PARENT_MALE_SHARE);
  } else {
    headSex = pickSex(rng, model.singleMaleShare[h] ?? 0.5);
  }
  out.push({ role: 'householder', age: h, sex: headSex });
  if (withSpouse) {
    const d = SPOUSE_OFFSET_MIN + rng.pick(model.spouseOffsetTable);
    const age = Math.min(MAX_AGE, Math.max(ADULT_HEAD_MIN, headSex === 'male' ? h + d : h - d));
    out.push({ role: 'spouse', age, sex: headSex === 'male' ? 'female' : 'male' });
  }
  const childTable = model.childParentAgeTables[h];
  if (kind === 'family' && childTable) {
    const k = 1 + rng.pick(model.childCountTable);
    for (let i = 0; i < k; i++) {
      const c = h - (PARENT_AGE_MIN + rng.pick(childTable));
      out.push({ role: 'child', age: c, sex: pickSex(rng, f.pyramid.maleShare[c] ?? 0.5) });
    }
  }
  if (kind === 'family' && rng.chance(THREE_GENERATION_SHARE)) {
    const age = Math.min(MAX_AGE, h + GRANDPARENT_OFFSET_MIN + rng.pick(model.grandparentOffsetTable));
    out.push({ role: 'parent', age, sex: rng.chance(GRANDPARENT_FEMALE_SHARE) ? 'female' : 'male' });
  }
  return out.slice(0, limit).map((p) => {
    const from = ctx.birthFrom[p.age] ?? ctx.asOfDay;
    const to = ctx.birthTo[p.age] ?? ctx.asOfDay;
    const birthDay = from + rng.int(to - from + 1);
    const birthDate = iso(birthDay);
    // A 29 February birth ages on 28 February in common years (core ageOn): re-derive the age for those.
    const age = birthDate.endsWith('-02-29') ? ageOn(birthDate, ctx.asOf) : p.age;
    const employed =
      age < 75 &&
      rng.chance(
        p.role === 'householder'
          ? headEmployedShare(p.age)
          : p.role === 'spouse'
            ? spouseEmployedShare(p.age)
            : p.role === 'child'
              ? childEmployedShare(p.age)
              : p.age < 70
                ? 0.15
                : 0.05,
      );
    const draft: Draft = { role: p.role, age, sex: p.sex, birthDay, birthDate, employed };
    return draft;
  });
}

// ---------------------------------------------------------------------------------------------------------------
// Qualifications

interface Plan {
  insurerIndex: number;
  scheme: GeneratedScheme;
  relationship: 'insured' | 'dependant';
  /** Draft index of the insured person (for dependants) or of the 国保 group's first member. */
  anchor: number;
}

function employerInsurer(ctx: Context, prefIdx: number): { index: number; scheme: GeneratedScheme } {
  const { rng, dir } = ctx;
  const scheme = EMPLOYER_SCHEMES[rng.pick(EMPLOYER_SCHEME_TABLE)] ?? 'kyokai';
  if (scheme === 'kyokai') {
    return { index: dir.kyokaiByPrefecture[prefIdx] ?? 0, scheme };
  }
  if (scheme === 'kumiai') {
    const local = dir.kumiaiByPrefecture[prefIdx] ?? [];
    if (local.length > 0 && rng.chance(0.5)) {
      return { index: local[rng.int(local.length)] ?? 0, scheme };
    }
    return { index: dir.kumiaiNational[rng.pick(dir.kumiaiNationalTable)] ?? 0, scheme };
  }
  const kind = rng.pick(KYOSAI_TABLE);
  if (kind === 0) {
    // 国家公務員: the ministries' unions (all but the last national entry, 私学).
    const national = dir.kyosaiNational.slice(0, -1);
    return { index: national[rng.int(national.length)] ?? 0, scheme };
  }
  if (kind === 5) {
    return { index: dir.kyosaiNational[dir.kyosaiNational.length - 1] ?? 0, scheme };
  }
  return { index: dir.kyosaiByPrefecture[prefIdx]?.[kind - 1] ?? 0, scheme };
}

function planInsurance(ctx: Context, drafts: Draft[], prefIdx: number, muniIdx: number): Plan[] {
  const { rng, dir } = ctx;
  const plans: Plan[] = new Array<Plan>(drafts.length);
  // Insured employees first: each gets an employer insurer.
  let anchor = -1;
  drafts.forEach((d, i) => {
    if (d.age >= 75) {
      plans[i] = {
        insurerIndex: dir.lateByPrefecture[prefIdx] ?? 0,
        scheme: 'lateElderly',
        relationship: 'insured',
        anchor: i,
      };
      return;
    }
    if (d.employed) {
      const e = employerInsurer(ctx, prefIdx);
      plans[i] = { insurerIndex: e.index, scheme: e.scheme, relationship: 'insured', anchor: i };
      if (anchor < 0 && (d.role === 'householder' || d.role === 'spouse')) {
        anchor = i;
      }
    }
  });
  // Non-employed under-75s: dependants of the employed householder or spouse, else one 国保 世帯.
  let kokuhoIndex = -1;
  let kokuhoScheme: GeneratedScheme = 'kokuho';
  let kokuhoAnchor = -1;
  drafts.forEach((d, i) => {
    if (plans[i]) {
      return;
    }
    const anchorPlan = anchor >= 0 ? plans[anchor] : undefined;
    // A co-resident parent is a dependant only with a low income (under 180万円 at 60+) [EST 70 %].
    const canDepend = anchorPlan !== undefined && d.role !== 'householder' && (d.role !== 'parent' || rng.chance(0.7));
    if (anchorPlan && canDepend) {
      plans[i] = {
        insurerIndex: anchorPlan.insurerIndex,
        scheme: anchorPlan.scheme,
        relationship: 'dependant',
        anchor,
      };
      return;
    }
    if (kokuhoIndex < 0) {
      const trades = dir.kokuhoKumiaiByPrefecture[prefIdx] ?? [];
      if (d.age >= 25 && trades.length > 0 && rng.chance(KOKUHO_KUMIAI_SHARE)) {
        kokuhoIndex = trades[rng.int(trades.length)] ?? 0;
        kokuhoScheme = 'kokuhoKumiai';
      } else {
        kokuhoIndex = dir.kokuhoByMunicipality[muniIdx] ?? 0;
        kokuhoScheme = 'kokuho';
      }
      kokuhoAnchor = i;
    }
    plans[i] = { insurerIndex: kokuhoIndex, scheme: kokuhoScheme, relationship: 'insured', anchor: kokuhoAnchor };
  });
  return plans;
}

/** The rate scheme of core `copayRate` for an insurer scheme below 後期. */
function rateScheme(s: GeneratedScheme): 'employee' | 'national' {
  return s === 'kokuho' || s === 'kokuhoKumiai' ? 'national' : 'employee';
}

interface Income {
  under70: GeneratedLimitCategory;
  activeIncome: boolean;
  seventy: GeneratedLimitCategory;
  lateBand: 1 | 2 | 3;
  late: GeneratedLimitCategory;
}

function drawIncome(rng: Random): Income {
  const under70 = UNDER70_LIMITS[rng.pick(UNDER70_LIMIT_TABLE)] ?? 'A03';
  const activeIncome = rng.chance(ACTIVE_INCOME_SHARE);
  const general = rng.pick(GENERAL_LIMIT_TABLE);
  const seventy = activeIncome
    ? (ACTIVE_LIMITS[rng.pick(ACTIVE_LIMIT_TABLE)] ?? 'B03')
    : general === 0
      ? 'B04'
      : general === 1
        ? 'B05'
        : 'B06';
  const lateBand = LATE_BANDS[rng.pick(LATE_BAND_TABLE)] ?? 1;
  const late: GeneratedLimitCategory =
    lateBand === 3
      ? (ACTIVE_LIMITS[rng.pick(ACTIVE_LIMIT_TABLE)] ?? 'B03')
      : lateBand === 2
        ? 'B09'
        : general === 0
          ? 'B10'
          : general === 1
            ? 'B05'
            : 'B06';
  return { under70, activeIncome, seventy, lateBand, late };
}

/** The periods of rules.md §2 in which the rate cannot change (for one scheme and 現役並み status). */
type RatePhase = 'preschool' | 'working' | 'elderly';

const phaseRates = new Map<string, 0.1 | 0.2 | 0.3>();

/**
 * Core `copayRate` for a date in a phase. Within a phase the rate depends only on the scheme and 現役並み (rules.md
 * §2), so core is asked once per combination and the answer reused: the rate is core's, the cache saves the
 * ~8 µs each call costs over millions of members.
 */
function phaseRate(
  phase: RatePhase,
  scheme: 'employee' | 'national',
  activeIncome: boolean,
  birthDate: string,
  serviceDate: string,
): 0.1 | 0.2 | 0.3 {
  const key = `${phase}|${scheme}|${String(activeIncome)}`;
  let rate = phaseRates.get(key);
  if (rate === undefined) {
    rate = copayRate({ birthDate, serviceDate, scheme, activeIncome }).rate;
    phaseRates.set(key, rate);
  }
  return rate;
}

/** Builds attribute rows with one fixed object shape per kind (spreads would make V8 fall back to slow objects). */
class AttributeRows {
  private n = 0;
  constructor(
    private readonly out: GeneratedAttribute[],
    private readonly q: GeneratedQualification,
  ) {}

  private id(): string {
    this.n += 1;
    return `${this.q.id}a${String(this.n)}`;
  }

  copay(validFrom: string, validTo: string | null, rate: 0.1 | 0.2 | 0.3): void {
    const { q } = this;
    this.out.push({
      id: this.id(),
      qualificationId: q.id,
      personId: q.personId,
      validFrom,
      validTo,
      recordedAt: `${q.acquiredOn}T00:00:00.000Z`,
      supersededAt: null,
      kind: 'copayRate',
      rate,
    });
  }

  limit(validFrom: string, validTo: string | null, category: GeneratedLimitCategory): void {
    const { q } = this;
    this.out.push({
      id: this.id(),
      qualificationId: q.id,
      personId: q.personId,
      validFrom,
      validTo,
      recordedAt: `${q.acquiredOn}T00:00:00.000Z`,
      supersededAt: null,
      kind: 'limitCategory',
      category,
      certificateClassification: null,
      issuedOn: null,
      longTermOn: null,
    });
  }

  elderly(validFrom: string, validTo: string | null, rate: 0.2 | 0.3, issuedOn: string | null): void {
    const { q } = this;
    this.out.push({
      id: this.id(),
      qualificationId: q.id,
      personId: q.personId,
      validFrom,
      validTo,
      recordedAt: `${q.acquiredOn}T00:00:00.000Z`,
      supersededAt: null,
      kind: 'elderlyRecipient',
      rate,
      issuedOn,
    });
  }
}

/**
 * Appends the copay, 限度額 and 高齢受給者 rows of one qualification (rules.md §2, §3): the rate changes at the end of
 * 未就学 and at 高齢受給者 (70), both dates from core. 未就学 always ends before the 7th birthday, so it matters only
 * for a qualification acquired before then; 高齢受給者 rows are written from age 64 (changes an insurer records
 * within about six years).
 */
function addAttributes(
  out: GeneratedAttribute[],
  q: GeneratedQualification,
  scheme: GeneratedScheme,
  d: Draft,
  income: Income,
  asOf: string,
): void {
  const rows = new AttributeRows(out, q);
  const end = q.lostOn === null ? null : iso(dayNumber(q.lostOn) - 1);
  const birthDate = d.birthDate;
  if (scheme === 'lateElderly') {
    const rate = lateElderlyBandRate(income.lateBand);
    if (income.lateBand === 2 && q.acquiredOn < LATE_TWO_TENTHS_START) {
      // Before 2割 existed these members paid 1割 (rules.md §2 [S15]).
      rows.copay(q.acquiredOn, LATE_ONE_TENTH_LAST_DAY, lateElderlyBandRate(1));
      rows.copay(LATE_TWO_TENTHS_START, end, rate);
    } else {
      rows.copay(q.acquiredOn, end, rate);
    }
    rows.limit(q.acquiredOn, end, income.late);
    return;
  }
  const rs = rateScheme(scheme);
  let from = q.acquiredOn;
  let phase: RatePhase = 'working';
  if (dayNumber(q.acquiredOn) < d.birthDay + 7 * DAYS_PER_YEAR) {
    const until = preschoolUntilOf(birthDate);
    if (q.acquiredOn <= until) {
      const after = iso(dayNumber(until) + 1);
      if (q.lostOn === null || after < q.lostOn) {
        rows.copay(from, until, phaseRate('preschool', rs, income.activeIncome, birthDate, from));
        from = after;
      } else {
        phase = 'preschool';
      }
    }
  }
  let elderlyFrom: string | null = null;
  let elderlyTo: string | null = null;
  if (d.age >= 64) {
    const period = elderlyRecipientPeriodOf(birthDate);
    elderlyTo = period.to;
    if (q.lostOn === null || period.from < q.lostOn) {
      if (period.from > from) {
        rows.copay(from, iso(dayNumber(period.from) - 1), phaseRate(phase, rs, income.activeIncome, birthDate, from));
        from = period.from;
      }
      elderlyFrom = from;
      phase = 'elderly';
    }
  }
  rows.copay(from, end, phaseRate(phase, rs, income.activeIncome, birthDate, from));
  if (elderlyFrom === null) {
    rows.limit(q.acquiredOn, end, income.under70);
    return;
  }
  if (elderlyFrom > q.acquiredOn) {
    rows.limit(q.acquiredOn, iso(dayNumber(elderlyFrom) - 1), income.under70);
  }
  rows.limit(elderlyFrom, end, income.seventy);
  const to = end !== null && elderlyTo !== null && end < elderlyTo ? end : elderlyTo;
  rows.elderly(elderlyFrom, to, income.activeIncome ? 0.3 : 0.2, elderlyFrom <= asOf ? elderlyFrom : null);
}

// ---------------------------------------------------------------------------------------------------------------
// Cards, certificates, registration

interface CardState {
  /** Day number of the first card ever issued, or null. */
  firstIssueDay: number | null;
  cards: GeneratedCard[];
  certificates: GeneratedCertificate[];
  registration: GeneratedRegistration | null;
}

const YEAR_START_DAYS = new Map<number, number>();
function yearStart(year: number): number {
  let d = YEAR_START_DAYS.get(year);
  if (d === undefined) {
    d = dayNumber(`${String(year)}-01-01`);
    YEAR_START_DAYS.set(year, d);
  }
  return d;
}

function dayInYear(rng: Random, year: number): number {
  const from = yearStart(year);
  return from + rng.int(yearStart(year + 1) - from);
}

const FACE_ONLY_FROM_DAY = dayNumber(FACE_ONLY_FROM);
const ANDROID_FROM_DAY = dayNumber(ANDROID_FROM);
const IPHONE_FROM_DAY = dayNumber(IPHONE_FROM);
const REGISTRATION_FROM_DAY = dayNumber(REGISTRATION_FROM);
const READER_REGISTRATION_FROM_DAY = dayNumber(READER_REGISTRATION_FROM);
const UNREGISTRATION_FROM_DAY = dayNumber(UNREGISTRATION_FROM);
const DV_FLAGS_FROM_DAY = dayNumber(DV_FLAGS_FROM);

/**
 * The person's card as of asOf: first issue in 2016–2026, renewed (usually) when the card or its certificates ran
 * out, with expiries from core `cardExpiry` / `certificateExpiry` (rules.md §4); then the smartphone certificate and
 * the 健康保険証利用登録, cancelled after the grace period when a certificate lapsed (rules.md §4 [S21]).
 */
function drawCard(ctx: Context, personId: string, d: Draft): CardState {
  const { rng, asOfDay, asOf } = ctx;
  const none: CardState = { firstIssueDay: null, cards: [], certificates: [], registration: null };
  const wouldHold = rng.chance(cardShare(d.age));
  const year = CARD_YEAR_FIRST + rng.pick(CARD_YEAR_TABLE);
  let issueDay = dayInYear(rng, year);
  const registers = rng.chance(REGISTRATION_SHARE);
  const regYear = REGISTRATION_YEAR_FIRST + rng.pick(REGISTRATION_YEAR_TABLE);
  let regDay = dayInYear(rng, regYear);
  const channelDraw = rng.pick(CHANNEL_TABLE);
  const faceOnlyDraw = rng.next();
  const phoneDraw = rng.next();
  const unregisterDraw = rng.next();
  if (!wouldHold) {
    return none;
  }
  if (issueDay < d.birthDay + 30) {
    // Born after the drawn date: the card comes within the first year of life.
    issueDay = d.birthDay + 30 + rng.int(365);
  }
  if (issueDay > asOfDay) {
    return none;
  }
  const birthDate = d.birthDate;
  const firstIssueDay = issueDay;
  // Renew the card while it runs out before asOf.
  let issueDate = iso(issueDay);
  let expiry = cardExpiry({ birthDate, issueDate });
  while (expiry < asOf && rng.chance(CARD_RENEWAL_SHARE)) {
    issueDay = dayNumber(expiry) - rng.int(90);
    issueDate = iso(issueDay);
    expiry = cardExpiry({ birthDate, issueDate });
  }
  const ageAtIssue = Math.floor((issueDay - d.birthDay) / DAYS_PER_YEAR);
  const kind = issueDay >= FACE_ONLY_FROM_DAY && faceOnlyDraw < faceOnlyShare(ageAtIssue) ? 'faceOnly' : 'standard';
  // Certificates: issued with the card, renewed in their window (from 3 months before) while the card lasts.
  let certIssue = issueDate;
  let certExpiry = certificateExpiry({ birthDate, issueDate: certIssue, cardExpiry: expiry });
  while (certExpiry < asOf && certExpiry < expiry && rng.chance(CERTIFICATE_RENEWAL_SHARE)) {
    certIssue = iso(dayNumber(certExpiry) - rng.int(90));
    certExpiry = certificateExpiry({ birthDate, issueDate: certIssue, cardExpiry: expiry });
  }
  const cardId = `${personId}c1`;
  const cards: GeneratedCard[] = [
    {
      id: cardId,
      personId,
      kind,
      platform: null,
      issuedOn: issueDate,
      expiresOn: expiry,
      status: 'active',
      statusChangedOn: null,
    },
  ];
  const certificates: GeneratedCertificate[] = [{ cardId, kind: 'auth', notBefore: certIssue, notAfter: certExpiry }];
  // 署名用電子証明書: not on a face-only card, and not issued to children under 15 (rules.md §4 [S24]; J-LIS).
  const certIssueDay = dayNumber(certIssue);
  if (kind === 'standard' && certIssueDay - d.birthDay >= 15 * DAYS_PER_YEAR) {
    certificates.push({ cardId, kind: 'signing', notBefore: certIssue, notAfter: certExpiry });
  }
  // スマホ用電子証明書 (Android from 2023-05-11, iPhone from 2025-06-24), valid as long as the card's certificate.
  if (kind === 'standard' && d.age >= 15 && d.age < 80 && phoneDraw < PHONE_SHARE && certExpiry >= asOf) {
    const iphone = phoneDraw < PHONE_SHARE * 0.45 && asOfDay >= IPHONE_FROM_DAY;
    const from = Math.max(iphone ? IPHONE_FROM_DAY : ANDROID_FROM_DAY, certIssueDay);
    if (from <= asOfDay) {
      const phoneId = `${personId}c2`;
      const phoneIssued = iso(from + rng.int(asOfDay - from + 1));
      cards.push({
        id: phoneId,
        personId,
        kind: 'smartphone',
        platform: iphone ? 'iphone' : 'android',
        issuedOn: phoneIssued,
        expiresOn: certExpiry,
        status: 'active',
        statusChangedOn: null,
      });
      certificates.push({ cardId: phoneId, kind: 'auth', notBefore: phoneIssued, notAfter: certExpiry });
      certificates.push({ cardId: phoneId, kind: 'signing', notBefore: phoneIssued, notAfter: certExpiry });
    }
  }
  let registration: GeneratedRegistration | null = null;
  if (registers) {
    const earliest = Math.max(REGISTRATION_FROM_DAY, firstIssueDay, kind === 'faceOnly' ? issueDay : 0);
    if (regDay < earliest) {
      regDay = earliest + rng.int(60);
    }
    const lapse = expiry < certExpiry ? expiry : certExpiry;
    if (regDay <= asOfDay && iso(regDay) <= lapse) {
      // A face-only card registers only at a reader or the ward office (rules.md §4 [S24], test case 31).
      let channel = CHANNELS[channelDraw] ?? 'portal';
      if (kind === 'faceOnly' && (channel === 'portal' || channel === 'atm')) {
        channel = channelDraw === 0 ? 'reader' : 'wardOffice';
      }
      if (channel === 'reader' && regDay < READER_REGISTRATION_FROM_DAY) {
        channel = 'portal';
      }
      let unregisteredOn: string | null = null;
      const graceEnd = lapse < asOf ? insuranceUseGraceEndOf(lapse) : null;
      if (graceEnd !== null && graceEnd < asOf) {
        unregisteredOn = iso(dayNumber(graceEnd) + 1);
      } else if (unregisterDraw < UNREGISTRATION_SHARE && asOfDay >= UNREGISTRATION_FROM_DAY) {
        const from = Math.max(UNREGISTRATION_FROM_DAY, regDay + 1);
        if (from <= asOfDay) {
          unregisteredOn = iso(from + rng.int(asOfDay - from + 1));
        }
      }
      registration = { id: `${personId}r1`, personId, cardId, registeredOn: iso(regDay), channel, unregisteredOn };
    }
  }
  return { firstIssueDay, cards, certificates, registration };
}

// ---------------------------------------------------------------------------------------------------------------
// Names and places

function givenName(ctx: Context, sex: GeneratedSex, birthYear: number): { kanji: string; kana: string } {
  const { f, rng } = ctx;
  const y = Math.min(NAME_YEAR_MAX, Math.max(NAME_YEAR_MIN, birthYear)) - NAME_YEAR_MIN;
  const list = sex === 'male' ? f.maleNames : f.femaleNames;
  const table = (sex === 'male' ? f.maleNamesByYear : f.femaleNamesByYear)[y];
  const n = table ? list[rng.pick(table)] : list[0];
  return { kanji: n?.kanji ?? '', kana: n?.kana ?? '' };
}

function address(ctx: Context, prefIdx: number, muniIdx: number): { address: string; postalCode: string } {
  const { f, rng } = ctx;
  const p = f.prefectures[prefIdx];
  const m = f.municipalities[muniIdx];
  const town = TOWNS[rng.int(TOWNS.length)] ?? '本町';
  let line = `${p?.name ?? ''}${m?.name ?? ''}${town}${String(rng.range(1, 5))}丁目${String(rng.range(1, 30))}-${String(rng.range(1, 20))}`;
  if (rng.chance(0.35)) {
    const building = BUILDINGS[rng.int(BUILDINGS.length)] ?? 'ハイツ';
    line += ` ${town}${building}${String(rng.range(1, 9))}${String(rng.range(1, 12)).padStart(2, '0')}号室`;
  }
  const prefix = rng.range(p?.postalPrefixMin ?? 100, p?.postalPrefixMax ?? 100);
  const postalCode = `${String(prefix).padStart(3, '0')}-${String(rng.int(10_000)).padStart(4, '0')}`;
  return { address: line, postalCode };
}

// ---------------------------------------------------------------------------------------------------------------
// Households

function acquiredFor(ctx: Context, d: Draft, plan: Plan, isAnchor: boolean, anchorAcquiredDay: number): number {
  const { rng, asOfDay } = ctx;
  if (plan.scheme === 'lateElderly') {
    return Math.max(dayNumber(lateElderlyFromOf(d.birthDate)), LATE_ELDERLY_START_DAY);
  }
  if (!isAnchor) {
    return Math.max(anchorAcquiredDay, d.birthDay);
  }
  if (plan.scheme === 'kokuho' || plan.scheme === 'kokuhoKumiai') {
    return Math.max(d.birthDay, asOfDay - Math.floor(rng.exponential(10) * DAYS_PER_YEAR));
  }
  // An employee: career from 18–22, tenure at this employer exponential (mean 8 years, 5 after 60).
  const careerStart = d.birthDay + Math.floor((18 + rng.int(5)) * DAYS_PER_YEAR);
  const tenure = Math.floor(rng.exponential(d.age >= 60 ? 5 : 8) * DAYS_PER_YEAR);
  return Math.min(asOfDay, Math.max(careerStart, asOfDay - tenure, d.birthDay));
}

const LATE_ELDERLY_START_DAY = dayNumber(LATE_ELDERLY_START);

function qualificationOf(
  id: string,
  personId: string,
  insurerNumber: string,
  num: MemberNumber,
  branch: string | null,
  relationship: 'insured' | 'dependant',
  insuredQualificationId: string | null,
  acquiredOn: string,
  lostOn: string | null,
  lossReason: GeneratedQualification['lossReason'],
): GeneratedQualification {
  return {
    id,
    personId,
    insurerNumber,
    symbol: num.symbol,
    number: num.number,
    branch,
    relationship,
    insuredQualificationId,
    acquiredOn,
    lostOn,
    lossReason,
    cardClassification: '01',
  };
}

function buildHousehold(ctx: Context, index: number, limit: number): GeneratedHousehold {
  const { rng, f, dir, asOf, asOfDay } = ctx;
  rng.reseed(ctx.seed, index);
  const prefIdx = rng.pick(f.prefectureTable);
  const munis = f.municipalitiesByPrefecture[prefIdx];
  const muniIdx = munis ? (munis.indices[rng.pick(munis.table)] ?? 0) : 0;
  const place = address(ctx, prefIdx, muniIdx);
  const prefecture = f.prefectures[prefIdx]?.code ?? '13';
  const surnameIdx = rng.pick(f.surnameTable);
  const surname = f.surnames[surnameIdx];
  const drafts = draftPeople(ctx, limit);
  const plans = planInsurance(ctx, drafts, prefIdx, muniIdx);

  const members: GeneratedMember[] = [];
  const currentQual: (GeneratedQualification | undefined)[] = [];
  const acquiredDays: number[] = [];
  const incomes: (Income | undefined)[] = [];
  const memberNumbers: (MemberNumber | undefined)[] = [];
  const nextBranch: number[] = [];
  const usedGiven = new Set<string>();

  drafts.forEach((d, i) => {
    const personIndex = ctx.nextPerson++;
    const personId = `p${String(personIndex).padStart(9, '0')}`;
    let given = givenName(ctx, d.sex, Number(d.birthDate.slice(0, 4)));
    for (let tries = 0; tries < 3 && usedGiven.has(given.kanji); tries++) {
      given = givenName(ctx, d.sex, Number(d.birthDate.slice(0, 4)));
    }
    usedGiven.add(given.kanji);
    const person = {
      id: personId,
      nameKanji: `${surname?.kanji ?? ''}\u3000${given.kanji}`,
      nameKana: `${surname?.kana ?? ''}\u3000${given.kana}`,
      birthDate: d.birthDate,
      sex: d.sex,
      address: place.address,
      postalCode: place.postalCode,
      prefecture,
    };
    const plan = plans[i];
    if (!plan) {
      throw new Error('every member has an insurance plan');
    }
    const insurer = dir.insurers[plan.insurerIndex];
    if (!insurer) {
      throw new Error('insurer index out of range');
    }
    // 記号・番号: insured employees and 後期 members get their own; dependants and the 国保 世帯 share the anchor's.
    const anchorNumber = memberNumbers[plan.anchor];
    let num: MemberNumber;
    let branch: string | null;
    if (plan.scheme === 'lateElderly') {
      num = ctx.numbering.next(plan.insurerIndex, plan.scheme);
      branch = null;
    } else if (plan.anchor !== i && anchorNumber) {
      num = anchorNumber;
      const b = nextBranch[plan.anchor] ?? 1;
      nextBranch[plan.anchor] = b + 1;
      branch = String(b).padStart(2, '0');
    } else {
      num = ctx.numbering.next(plan.insurerIndex, plan.scheme);
      const kokuho = plan.scheme === 'kokuho' || plan.scheme === 'kokuhoKumiai';
      // 被用者保険: 本人 00, family 01…; 国保: every member of the 世帯 numbered from 01.
      branch = kokuho ? '01' : '00';
      nextBranch[i] = kokuho ? 2 : 1;
    }
    memberNumbers[i] = num;
    const acquiredDay = acquiredFor(ctx, d, plan, plan.anchor === i, acquiredDays[plan.anchor] ?? d.birthDay);
    acquiredDays[i] = acquiredDay;
    const income =
      plan.relationship === 'dependant' || plan.anchor !== i
        ? (incomes[plan.anchor] ?? drawIncome(rng))
        : drawIncome(rng);
    incomes[i] = income;

    const qualifications: GeneratedQualification[] = [];
    const attributes: GeneratedAttribute[] = [];
    const acquiredOn = iso(acquiredDay);
    // History: the 国保 membership a new 後期 member left on the 75th birthday, and an employee's previous job.
    if (plan.scheme === 'lateElderly' && acquiredDay > LATE_ELDERLY_START_DAY && acquiredDay > asOfDay - 5 * 365) {
      const prevIdx = dir.kokuhoByMunicipality[muniIdx] ?? 0;
      const prev = dir.insurers[prevIdx];
      const prevAcquired = Math.max(d.birthDay, acquiredDay - Math.floor((1 + rng.exponential(9)) * DAYS_PER_YEAR));
      const pq = qualificationOf(
        `${personId}q1`,
        personId,
        prev?.insurerNumber ?? '',
        ctx.numbering.next(prevIdx, 'kokuho'),
        '01',
        'insured',
        null,
        iso(prevAcquired),
        acquiredOn,
        '03',
      );
      qualifications.push(pq);
      addAttributes(attributes, pq, 'kokuho', d, income, asOf);
    } else if (
      plan.relationship === 'insured' &&
      plan.anchor === i &&
      EMPLOYER_SCHEMES.includes(plan.scheme) &&
      d.age >= 25 &&
      acquiredDay > asOfDay - 3 * 365 &&
      rng.chance(0.4)
    ) {
      const e = employerInsurer(ctx, prefIdx);
      const prev = dir.insurers[e.index];
      const prevAcquired = Math.max(
        d.birthDay + Math.floor(18 * DAYS_PER_YEAR),
        acquiredDay - Math.floor((0.5 + rng.exponential(5)) * DAYS_PER_YEAR),
      );
      if (prevAcquired < acquiredDay) {
        const pq = qualificationOf(
          `${personId}q1`,
          personId,
          prev?.insurerNumber ?? '',
          ctx.numbering.next(e.index, e.scheme),
          '00',
          'insured',
          null,
          iso(prevAcquired),
          acquiredOn,
          '99',
        );
        qualifications.push(pq);
        addAttributes(attributes, pq, e.scheme, d, income, asOf);
      }
    }
    const insuredQualificationId = plan.relationship === 'dependant' ? (currentQual[plan.anchor]?.id ?? null) : null;
    const q = qualificationOf(
      `${personId}q${String(qualifications.length + 1)}`,
      personId,
      insurer.insurerNumber,
      num,
      branch,
      plan.relationship,
      insuredQualificationId,
      acquiredOn,
      null,
      null,
    );
    qualifications.push(q);
    currentQual[i] = q;
    addAttributes(attributes, q, plan.scheme, d, income, asOf);

    const cardState = drawCard(ctx, personId, d);
    const dvFlags: GeneratedDvFlag[] = [];
    const dvFrom = Math.max(DV_FLAGS_FROM_DAY, acquiredDay);
    if (rng.chance(DV_FLAG_SHARE) && dvFrom <= asOfDay) {
      dvFlags.push({
        id: `${personId}f1`,
        personId,
        flag: 'selfInfoBlocked',
        setOn: iso(dvFrom + rng.int(asOfDay - dvFrom + 1)),
        clearedOn: null,
        setBy: insurer.insurerNumber,
      });
    }
    if (rng.chance(DV_FLAG_SHARE) && dvFrom <= asOfDay) {
      dvFlags.push({
        id: `${personId}f${String(dvFlags.length + 1)}`,
        personId,
        flag: 'nonDisclosure',
        setOn: iso(dvFrom + rng.int(asOfDay - dvFrom + 1)),
        clearedOn: null,
        setBy: insurer.insurerNumber,
      });
    }
    if (personIndex >= INDIVIDUAL_NUMBER_SPACE) {
      throw new RangeError('more people than individual numbers');
    }
    const individualNumber = individualNumberFor(personIndex, ctx.numberKeys);
    const physical = cardState.cards.find((c) => c.kind !== 'smartphone') ?? null;
    const auth = cardState.certificates.find((c) => c.kind === 'auth' && c.cardId === physical?.id) ?? null;
    const requestedCertificate = d.age >= 70 && physical !== null && rng.chance(0.01);
    let docSeq = 0;
    const documents = qualifications.flatMap((qq) =>
      documentsFor(
        {
          person,
          individualNumber,
          qualification: qq,
          scheme: dir.byNumber.get(qq.insurerNumber)?.scheme ?? plan.scheme,
          insurerName: dir.byNumber.get(qq.insurerNumber)?.name ?? '',
          attributes,
          card: physical,
          certificate: auth,
          firstCardDay: cardState.firstIssueDay,
          registration: cardState.registration,
          dvFlags,
          requestedCertificate,
          asOf,
          nextId: () => `${personId}d${String(++docSeq)}`,
        },
        rng,
      ),
    );
    members.push({
      person,
      role: d.role,
      individualNumber,
      qualifications,
      attributes,
      cards: cardState.cards,
      certificates: cardState.certificates,
      registration: cardState.registration,
      dvFlags,
      documents,
    });
  });
  return { index, prefecture, municipality: f.municipalities[muniIdx]?.name ?? '', members };
}

let cachedModel: HouseholdModel | undefined;

/**
 * A synthetic Japan of exactly `people` persons, one household at a time (rules and shares in the module comment).
 * The same options give byte-identical output. Memory stays bounded: nothing is kept between households except
 * per-insurer counters.
 */
export function* generatePopulation(options: PopulationOptions): Generator<GeneratedHousehold, void, undefined> {
  const { people, asOf } = options;
  if (!Number.isInteger(people) || people < 0 || people > INDIVIDUAL_NUMBER_SPACE) {
    throw new RangeError(
      `people must be a whole number from 0 to ${String(INDIVIDUAL_NUMBER_SPACE)}: ${String(people)}`,
    );
  }
  const asOfDay = dayNumber(asOf);
  const f = facts();
  cachedModel ??= solveHouseholdModel(f.pyramid);
  const seed = seedToUint32(options.seed);
  const insurers = generateInsurers({
    seed: options.seed,
    ...(options.kumiaiCount === undefined ? {} : { kumiaiCount: options.kumiaiCount }),
  });
  const birthFrom = new Int32Array(MAX_AGE + 1);
  const birthTo = new Int32Array(MAX_AGE + 1);
  for (let a = 0; a <= MAX_AGE; a++) {
    // Age a on asOf: born after the (a+1)-th anniversary before asOf, on or before the a-th.
    birthFrom[a] = dayNumber(birthday(asOf, -(a + 1))) + 1;
    birthTo[a] = dayNumber(birthday(asOf, -a));
  }
  const ctx: Context = {
    f,
    model: cachedModel,
    dir: buildDirectory(insurers, f),
    numbering: new Numbering(insurers.length),
    rng: new Random(seed, 0),
    seed,
    numberKeys: individualNumberKeys(seed),
    asOf,
    asOfDay,
    birthFrom,
    birthTo,
    nextPerson: 0,
  };
  for (let index = 0; ctx.nextPerson < people; index++) {
    yield buildHousehold(ctx, index, people - ctx.nextPerson);
  }
}
