/**
 * Household composition calibrated to Japan's age pyramid. A household is a householder (世帯主) of some age plus
 * a spouse, children and sometimes a co-resident parent. Persons are not drawn one by one from the pyramid (that
 * could not form families); instead the mix of household kinds by householder age is solved once, at load, so
 * that the expected ages of all members reproduce the pyramid (age_pyramid.csv). The solver is the
 * Richardson–Lucy (EM) iteration for non-negative mixtures. See docs/decisions/0061-population-households.md.
 */
import { MAX_AGE, type AgePyramid } from './facts.js';
import { cumulative } from './prng.js';

/** Household kinds: with children at home, or adults only (single or couple). */
export type HouseholdKind = 'family' | 'adults';

const AGES = MAX_AGE + 1;

/** Youngest and oldest householder of a family with children at home; children are at most 24. */
export const FAMILY_HEAD_MIN = 22;
export const FAMILY_HEAD_MAX = 64;
export const ADULT_HEAD_MIN = 18;
export const CHILD_MAX_AGE = 24;

/** Spouse present in a family household (else a lone parent). */
export const FAMILY_SPOUSE_SHARE = 0.88;
/** Share of family households with one of the householder's parents living in (三世代世帯). */
export const THREE_GENERATION_SHARE = 0.07;
/** Number of children at home: 1, 2, 3, 4 (approx., general knowledge). */
export const CHILD_COUNT_WEIGHTS = [0.42, 0.43, 0.13, 0.02];
/** Husbands are on average about two years older than their wives. */
export const SPOUSE_OFFSET_MIN = -8;
export const SPOUSE_OFFSET_MAX = 6;
/** Parent's age at a child's birth, 22…45, centred on 31. */
export const PARENT_AGE_MIN = 22;
export const PARENT_AGE_MAX = 45;
/** A co-resident parent is 24…38 years older than the householder. */
export const GRANDPARENT_OFFSET_MIN = 24;
export const GRANDPARENT_OFFSET_MAX = 38;
/** Householders of couple and single households who are men (when there is a spouse). */
export const COUPLE_HEAD_MALE_SHARE = 0.9;
/** Lone-parent householders who are men. */
export const LONE_PARENT_MALE_SHARE = 0.15;
/** Co-resident parents who are women (they outlive their husbands). */
export const GRANDPARENT_FEMALE_SHARE = 0.7;

function gauss(x: number, mean: number, sd: number): number {
  return Math.exp(-((x - mean) ** 2) / (2 * sd * sd));
}

/** Probability that an adults-only household of householder age h is a couple rather than a single person. */
export function coupleShare(h: number): number {
  if (h < 25) {
    return 0.1;
  }
  if (h < 35) {
    return 0.4;
  }
  if (h < 60) {
    return 0.45;
  }
  if (h < 75) {
    return 0.68;
  }
  if (h < 85) {
    return 0.55;
  }
  return 0.3;
}

/** The solved household model: draw a component, then its members as the kernel describes. */
export interface HouseholdModel {
  /** Cumulative table over components. */
  componentTable: Float64Array;
  componentKind: HouseholdKind[];
  componentHeadAge: Int16Array;
  /** Spouse age offset (wife relative to husband), index 0 = SPOUSE_OFFSET_MIN. */
  spouseOffsetTable: Float64Array;
  /** Per householder age, the parent-at-birth age table for children (index 0 = PARENT_AGE_MIN); empty if none. */
  childParentAgeTables: (Float64Array | null)[];
  childCountTable: Float64Array;
  grandparentOffsetTable: Float64Array;
  /** Per age, the male share of single householders that keeps each age's sex ratio right. */
  singleMaleShare: Float64Array;
  /** Expected persons per household. */
  meanSize: number;
  /** Expected share of one-person households. */
  singleShare: number;
}

function spouseOffsetWeights(): number[] {
  const w: number[] = [];
  for (let d = SPOUSE_OFFSET_MIN; d <= SPOUSE_OFFSET_MAX; d++) {
    w.push(gauss(d, -2, 3));
  }
  return w;
}

function clampAge(a: number): number {
  return a < 0 ? 0 : a > MAX_AGE ? MAX_AGE : a;
}

/** Expected ages of a spouse of a householder aged h, mixing male and female householders. */
function addSpouse(kernel: Float64Array, h: number, weight: number, headMale: number, offsets: number[]): void {
  const sum = offsets.reduce((x, y) => x + y, 0);
  offsets.forEach((w, i) => {
    const d = SPOUSE_OFFSET_MIN + i;
    const p = (weight * w) / sum;
    const wifeAge = clampAge(Math.max(ADULT_HEAD_MIN, h + d));
    const husbandAge = clampAge(Math.max(ADULT_HEAD_MIN, h - d));
    kernel[wifeAge] = (kernel[wifeAge] ?? 0) + p * headMale;
    kernel[husbandAge] = (kernel[husbandAge] ?? 0) + p * (1 - headMale);
  });
}

/** Relative chance that a child of age c still lives with the parents (many leave at 18–22 for study or work). */
function atHome(c: number): number {
  if (c < 18) {
    return 1;
  }
  if (c < 19) {
    return 0.8;
  }
  if (c < 23) {
    return 0.55;
  }
  return 0.4;
}

function childParentAgeWeights(h: number): number[] | null {
  const w: number[] = [];
  let any = false;
  for (let m = PARENT_AGE_MIN; m <= PARENT_AGE_MAX; m++) {
    const c = h - m;
    const ok = c >= 0 && c <= CHILD_MAX_AGE;
    w.push(ok ? gauss(m, 31, 5) * atHome(c) : 0);
    any ||= ok;
  }
  return any ? w : null;
}

function grandparentWeights(): number[] {
  const w: number[] = [];
  for (let u = GRANDPARENT_OFFSET_MIN; u <= GRANDPARENT_OFFSET_MAX; u++) {
    w.push(gauss(u, 30, 4));
  }
  return w;
}

/**
 * Solves the household mix for a pyramid. Deterministic (no randomness); runs in a few milliseconds.
 */
export function solveHouseholdModel(pyramid: AgePyramid, iterations = 400): HouseholdModel {
  const offsets = spouseOffsetWeights();
  const childTables: (Float64Array | null)[] = [];
  const childWeights: (number[] | null)[] = [];
  for (let h = 0; h <= MAX_AGE; h++) {
    const w = h >= FAMILY_HEAD_MIN && h <= FAMILY_HEAD_MAX ? childParentAgeWeights(h) : null;
    childWeights.push(w);
    childTables.push(w ? cumulative(w) : null);
  }
  const meanChildren = CHILD_COUNT_WEIGHTS.reduce((s, w, i) => s + w * (i + 1), 0);
  const gpWeights = grandparentWeights();
  const gpSum = gpWeights.reduce((x, y) => x + y, 0);

  const kinds: HouseholdKind[] = [];
  const heads: number[] = [];
  const kernels: Float64Array[] = [];
  for (let h = FAMILY_HEAD_MIN; h <= FAMILY_HEAD_MAX; h++) {
    const cw = childWeights[h];
    if (!cw) {
      continue;
    }
    const k = new Float64Array(AGES);
    k[h] = 1;
    addSpouse(k, h, FAMILY_SPOUSE_SHARE, 1, offsets);
    const cs = cw.reduce((x, y) => x + y, 0);
    cw.forEach((w, i) => {
      const c = h - (PARENT_AGE_MIN + i);
      if (w > 0) {
        k[c] = (k[c] ?? 0) + (meanChildren * w) / cs;
      }
    });
    gpWeights.forEach((w, i) => {
      const a = clampAge(h + GRANDPARENT_OFFSET_MIN + i);
      k[a] = (k[a] ?? 0) + (THREE_GENERATION_SHARE * w) / gpSum;
    });
    kinds.push('family');
    heads.push(h);
    kernels.push(k);
  }
  for (let h = ADULT_HEAD_MIN; h <= MAX_AGE; h++) {
    const k = new Float64Array(AGES);
    k[h] = 1;
    addSpouse(k, h, coupleShare(h), COUPLE_HEAD_MALE_SHARE, offsets);
    kinds.push('adults');
    heads.push(h);
    kernels.push(k);
  }

  const target = new Float64Array(AGES);
  const total = pyramid.total.reduce((x, y) => x + y, 0);
  for (let a = 0; a < AGES; a++) {
    target[a] = (pyramid.total[a] ?? 0) / total;
  }
  const n = kernels.length;
  const w = new Float64Array(n);
  const kernelMass = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    const h = heads[j] ?? 0;
    kernelMass[j] = (kernels[j] ?? new Float64Array(AGES)).reduce((x, y) => x + y, 0);
    w[j] = (target[h] ?? 0) * (kinds[j] === 'family' ? 0.4 : 0.3);
  }
  const model = new Float64Array(AGES);
  for (let it = 0; it < iterations; it++) {
    model.fill(0);
    for (let j = 0; j < n; j++) {
      const k = kernels[j] ?? model;
      const wj = w[j] ?? 0;
      for (let a = 0; a < AGES; a++) {
        model[a] = (model[a] ?? 0) + wj * (k[a] ?? 0);
      }
    }
    for (let j = 0; j < n; j++) {
      const k = kernels[j] ?? model;
      let s = 0;
      for (let a = 0; a < AGES; a++) {
        const ka = k[a] ?? 0;
        const ma = model[a] ?? 0;
        if (ka > 0 && ma > 0) {
          s += (ka * (target[a] ?? 0)) / ma;
        }
      }
      w[j] = ((w[j] ?? 0) * s) / (kernelMass[j] ?? 1);
    }
  }

  // Sex: every role but the single householder has a fixed sex rule; singles take up what each age still lacks.
  const maleNeeded = new Float64Array(AGES);
  for (let a = 0; a < AGES; a++) {
    maleNeeded[a] = (target[a] ?? 0) * (pyramid.maleShare[a] ?? 0.5);
  }
  const singles = new Float64Array(AGES);
  let households = 0;
  let persons = 0;
  let singleHouseholds = 0;
  for (let j = 0; j < n; j++) {
    const h = heads[j] ?? 0;
    const wj = w[j] ?? 0;
    households += wj;
    persons += wj * (kernelMass[j] ?? 0);
    const male = new Float64Array(AGES);
    if (kinds[j] === 'family') {
      const headMale =
        FAMILY_SPOUSE_SHARE * COUPLE_HEAD_MALE_SHARE + (1 - FAMILY_SPOUSE_SHARE) * LONE_PARENT_MALE_SHARE;
      male[h] = headMale;
      addSpouseMale(male, h, FAMILY_SPOUSE_SHARE, COUPLE_HEAD_MALE_SHARE, offsets);
      const cw = childWeights[h] ?? [];
      const cs = cw.reduce((x, y) => x + y, 0);
      cw.forEach((cwi, i) => {
        const c = h - (PARENT_AGE_MIN + i);
        if (cwi > 0) {
          male[c] = (male[c] ?? 0) + ((meanChildren * cwi) / cs) * (pyramid.maleShare[c] ?? 0.5);
        }
      });
      gpWeights.forEach((gw, i) => {
        const a = clampAge(h + GRANDPARENT_OFFSET_MIN + i);
        male[a] = (male[a] ?? 0) + ((THREE_GENERATION_SHARE * gw) / gpSum) * (1 - GRANDPARENT_FEMALE_SHARE);
      });
    } else {
      const cp = coupleShare(h);
      male[h] = cp * COUPLE_HEAD_MALE_SHARE;
      addSpouseMale(male, h, cp, COUPLE_HEAD_MALE_SHARE, offsets);
      singles[h] = (singles[h] ?? 0) + wj * (1 - cp);
      singleHouseholds += wj * (1 - cp);
    }
    for (let a = 0; a < AGES; a++) {
      maleNeeded[a] = (maleNeeded[a] ?? 0) - wj * (male[a] ?? 0);
    }
  }
  const singleMaleShare = new Float64Array(AGES);
  for (let a = 0; a < AGES; a++) {
    const s = singles[a] ?? 0;
    const share = s > 0 ? (maleNeeded[a] ?? 0) / s : 0.5;
    singleMaleShare[a] = Math.min(0.95, Math.max(0.05, share));
  }

  const componentHeadAge = new Int16Array(n);
  heads.forEach((h, j) => {
    componentHeadAge[j] = h;
  });
  return {
    componentTable: cumulative(Array.from(w)),
    componentKind: kinds,
    componentHeadAge,
    spouseOffsetTable: cumulative(offsets),
    childParentAgeTables: childTables,
    childCountTable: cumulative(CHILD_COUNT_WEIGHTS),
    grandparentOffsetTable: cumulative(gpWeights),
    singleMaleShare,
    meanSize: persons / households,
    singleShare: singleHouseholds / households,
  };
}

/** Expected male spouses: a male householder's spouse is a woman and the other way round. */
function addSpouseMale(male: Float64Array, h: number, weight: number, headMale: number, offsets: number[]): void {
  const sum = offsets.reduce((x, y) => x + y, 0);
  offsets.forEach((w, i) => {
    const d = SPOUSE_OFFSET_MIN + i;
    const husbandAge = clampAge(Math.max(ADULT_HEAD_MIN, h - d));
    // Female householder (1 − headMale): the spouse is her husband, aged h − d.
    male[husbandAge] = (male[husbandAge] ?? 0) + ((weight * w) / sum) * (1 - headMale);
  });
}
