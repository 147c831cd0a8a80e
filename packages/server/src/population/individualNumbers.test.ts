import { validateIndividualNumber } from '@onshi/core';
import { describe, expect, it } from 'vitest';
import {
  individualNumberFor,
  individualNumberKeys,
  permuteIndex,
  INDIVIDUAL_NUMBER_SPACE,
} from './individualNumbers.js';

describe('synthetic マイナンバー', () => {
  it('are 12 digits with a valid 施行令第8条 check digit and never repeat over 100,000 persons', () => {
    const keys = individualNumberKeys(11);
    const seen = new Set<string>();
    for (let i = 0; i < 100_000; i++) {
      const n = individualNumberFor(i, keys);
      expect(validateIndividualNumber(n).ok).toBe(true);
      seen.add(n);
    }
    expect(seen.size).toBe(100_000);
  });

  it('map distinct person indices to distinct values below 10^11 (FE1 permutation)', () => {
    const keys = individualNumberKeys(3);
    const samples = [0, 1, 2, 999_999, 1_000_000, INDIVIDUAL_NUMBER_SPACE - 1];
    const out = samples.map((i) => permuteIndex(i, keys));
    expect(new Set(out).size).toBe(samples.length);
    for (const x of out) {
      expect(x >= 0 && x < INDIVIDUAL_NUMBER_SPACE).toBe(true);
    }
    expect(() => permuteIndex(INDIVIDUAL_NUMBER_SPACE, keys)).toThrow(RangeError);
  });

  it('differ between seeds and do not look sequential', () => {
    const a = individualNumberKeys(1);
    const b = individualNumberKeys(2);
    expect(individualNumberFor(0, a)).not.toBe(individualNumberFor(0, b));
    const diffs = [1, 2, 3].map((i) => permuteIndex(i, a) - permuteIndex(i - 1, a));
    expect(new Set(diffs).size).toBe(3);
  });
});
