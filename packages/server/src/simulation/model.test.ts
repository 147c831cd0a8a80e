import { describe, expect, it } from 'vitest';
import { KIND_FACTOR, kindShare, nationalShare, useProbability, visitRate, visualShare } from './model.js';

describe('the national share the simulation follows (rules.md §9, oqs-interface.md §11)', () => {
  it('is the published figure in a published month: 5.47 % in 2024-03, 25.42 % in 2024-12, 37.14 % in 2025-10', () => {
    expect(nationalShare('2024-03')).toBeCloseTo(0.0547, 6);
    expect(nationalShare('2024-12')).toBeCloseTo(0.2542, 6);
    expect(nationalShare('2025-10')).toBeCloseTo(0.3714, 6);
  });

  it('is interpolated between published months and held outside them', () => {
    // 2024-07 11.13 % and 2024-10 15.67 %: 2024-08 lies a third of the way.
    expect(nationalShare('2024-08')).toBeCloseTo(0.1113 + (0.1567 - 0.1113) / 3, 6);
    expect(nationalShare('2020-01')).toBeCloseTo(nationalShare('2023-04'), 6);
    expect(nationalShare('2030-01')).toBeCloseTo(nationalShare('2026-03'), 6);
  });

  it('keeps the 2025-10 spread by kind: 病院 57.0 %, 診療所 36.2 %, 薬局 31.2 %, weighted to the national figure', () => {
    expect(KIND_FACTOR.hospital / KIND_FACTOR.pharmacy).toBeCloseTo(57.0 / 31.2, 6);
    expect(KIND_FACTOR.clinic).toBe(KIND_FACTOR.dental);
    const volume = { hospital: 1207, clinic: 8612, dental: 1419, pharmacy: 9260 };
    const weighted =
      (volume.hospital * KIND_FACTOR.hospital +
        volume.clinic * KIND_FACTOR.clinic +
        volume.dental * KIND_FACTOR.dental +
        volume.pharmacy * KIND_FACTOR.pharmacy) /
      (volume.hospital + volume.clinic + volume.dental + volume.pharmacy);
    expect(weighted).toBeCloseTo(1, 9);
    expect(kindShare('2025-10', 'hospital')).toBeGreaterThan(kindShare('2025-10', 'pharmacy'));
  });
});

describe('the card-use probability (decision 0117)', () => {
  it('gives back the target share among online checks once visual checks are taken out', () => {
    for (const [share, usable, visual] of [
      [0.25, 0.6, 0.2],
      [0.05, 0.5, 0.3],
      [0.37, 0.7, 0.1],
    ] as const) {
      const x = usable * useProbability(share, usable, visual);
      const online = x + (1 - x) * (1 - visual);
      expect(x / online).toBeCloseTo(share, 9);
    }
  });

  it('is capped at 1 and is 0 when nobody holds a usable card', () => {
    expect(useProbability(0.9, 0.1, 0)).toBe(1);
    expect(useProbability(0.3, 0, 0.1)).toBe(0);
  });
});

describe('visits and visual checks by age and date [EST]', () => {
  it('visits more often in old age than at 15–29', () => {
    expect(visitRate(80)).toBeGreaterThan(visitRate(20) * 3);
  });

  it('checks by eye less as time passes, and rarely after the paper card ends on 2025-12-01 (rules.md §5)', () => {
    expect(visualShare('2024-01-15')).toBeGreaterThan(visualShare('2025-06-15'));
    expect(visualShare('2025-12-02')).toBe(0.05);
  });
});
