import { randomBytes } from 'node:crypto';
import { endOfMonth } from '@onshi/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { statsByBranch, statsByKind, statsByMonth } from '../commands/stats/readStatistics.js';
import { createStore } from '../store/index.js';
import type { Claim, Confirmation, Store } from '../store/types.js';
import { seedSmallPopulation } from '../testing/statsFactories.js';
import { SimulationError, simulate } from './simulate.js';

async function freshStore(): Promise<Store> {
  return createStore({ kind: 'sqlite', path: ':memory:' }, { individualNumberKey: randomBytes(32) });
}

/** Every raw row, read back one institution and one person at a time (what the aggregates must equal). */
async function rawRows(store: Store): Promise<{ confirmations: Confirmation[]; claims: Claim[] }> {
  const confirmations: Confirmation[] = [];
  const claims: Claim[] = [];
  for (const i of await store.institutions.list()) {
    confirmations.push(
      ...(await store.confirmations.listByInstitution(
        i.institutionCode,
        '2000-01-01T00:00:00Z',
        '2100-01-01T00:00:00Z',
      )),
    );
  }
  for (const p of await store.persons.list({ limit: 1_000_000 })) {
    claims.push(...(await store.claims.listByPerson(p.id, '2000-01', '2100-12')));
  }
  return { confirmations, claims };
}

describe('onshi simulate: a deterministic year over a seeded store (issue 9)', () => {
  let store: Store;
  beforeEach(async () => {
    store = await freshStore();
  });
  afterEach(async () => {
    await store.close();
  });

  it('moves the national マイナ保険証 share as the public figures did: ≈5 % early 2024, ≈25 % at the end of 2024, ≈37 % in 2025-10 (rules.md §9)', async () => {
    await seedSmallPopulation(store, { people: 2500, seed: 9, asOf: '2025-12-31', institutions: 300 });
    for (const month of ['2024-03', '2024-12', '2025-10']) {
      await simulate(store, { from: month, to: month, seed: 1 });
    }
    const series = await statsByMonth(store, {
      definition: 'usageRateOverall',
      from: '2024-01',
      to: '2025-12',
      scope: {},
    });
    const share = new Map(series.rows.map((r) => [r.month, r.rate ?? NaN]));
    expect(share.get('2024-03')).toBeGreaterThan(0.0547 - 0.025);
    expect(share.get('2024-03')).toBeLessThan(0.0547 + 0.025);
    expect(share.get('2024-12')).toBeGreaterThan(0.2542 - 0.04);
    expect(share.get('2024-12')).toBeLessThan(0.2542 + 0.04);
    expect(share.get('2025-10')).toBeGreaterThan(0.3714 - 0.04);
    expect(share.get('2025-10')).toBeLessThan(0.3714 + 0.04);
    // By kind in 2025-10: 病院 above 診療所 above 薬局 (57.0 / 36.2 / 31.2 %).
    const kinds = await statsByKind(store, {
      definition: 'usageRateOverall',
      from: '2025-10',
      to: '2025-10',
      scope: {},
    });
    const rate = (k: string) => kinds.rows.find((r) => r.institutionKind === k)?.rate ?? NaN;
    expect(rate('hospital')).toBeGreaterThan(rate('clinic'));
    expect(rate('clinic')).toBeGreaterThan(rate('pharmacy'));
  });

  it('writes the same rows for the same seed, and other rows for another seed', async () => {
    const runs: string[] = [];
    for (const seed of [7, 7, 8]) {
      const s = await freshStore();
      await seedSmallPopulation(s, { people: 150, seed: 3, asOf: '2025-06-30', institutions: 200 });
      const counts = await simulate(s, { from: '2025-04', to: '2025-05', seed, batchPeople: 40 });
      const raw = await rawRows(s);
      runs.push(JSON.stringify({ counts, raw }));
      await s.close();
    }
    expect(runs[0]).toBe(runs[1]);
    expect(runs[2]).not.toBe(runs[0]);
  });

  it('writes the same rows and statistics whatever the batch and transaction sizes, month by month as person by person (decisions 0141–0142)', async () => {
    const runs: string[] = [];
    for (const sizes of [{}, { batchPeople: 7, groupPeople: 20 }, { batchPeople: 50, groupPeople: 50 }]) {
      const s = await freshStore();
      await seedSmallPopulation(s, { people: 120, seed: 3, asOf: '2025-06-30', institutions: 200 });
      const counts = await simulate(s, { from: '2025-03', to: '2025-05', seed: 11, ...sizes });
      const usage = await statsByMonth(s, {
        definition: 'usageRateOverall',
        from: '2025-03',
        to: '2025-05',
        scope: {},
      });
      runs.push(JSON.stringify({ counts, raw: await rawRows(s), usage }));
      await s.close();
    }
    expect(JSON.parse(runs[0] ?? '{}')).toMatchObject({ counts: { persons: 120 } });
    expect(runs[1]).toBe(runs[0]);
    expect(runs[2]).toBe(runs[0]);
  });

  it('simulates each person’s months as one run over the whole period would (person.ts: a stream per month)', async () => {
    await seedSmallPopulation(store, { people: 30, seed: 6, asOf: '2025-06-30', institutions: 200 });
    await simulate(store, { from: '2025-01', to: '2025-03', seed: 2, batchPeople: 8, groupPeople: 8 });
    const written = await rawRows(store);
    const other = await freshStore();
    await seedSmallPopulation(other, { people: 30, seed: 6, asOf: '2025-06-30', institutions: 200 });
    for (const month of ['2025-01', '2025-02', '2025-03']) {
      await simulate(other, { from: month, to: month, seed: 2, batchPeople: 1000 });
    }
    const apart = await rawRows(other);
    await other.close();
    expect(written.confirmations.length).toBeGreaterThan(0);
    expect(apart).toEqual(written);
  });

  it('refuses months that already hold activity, and an empty database, with coded errors', async () => {
    await expect(simulate(store, { from: '2025-01', to: '2025-01', seed: 1 })).rejects.toMatchObject({
      code: 'SIMULATE_EMPTY_STORE',
    });
    await expect(simulate(store, { from: '2025-13', to: '2025-01', seed: 1 })).rejects.toBeInstanceOf(SimulationError);
    await seedSmallPopulation(store, { people: 40, seed: 2, asOf: '2025-06-30', institutions: 200 });
    await simulate(store, { from: '2025-01', to: '2025-01', seed: 1 });
    await expect(simulate(store, { from: '2024-12', to: '2025-02', seed: 1 })).rejects.toMatchObject({
      code: 'SIMULATE_MONTHS_TAKEN',
    });
  });
});

describe('statistics equal hand-computed values on a small fixed simulation (seed 004 definitions)', () => {
  let store: Store;
  beforeEach(async () => {
    store = await freshStore();
    await seedSmallPopulation(store, { people: 400, seed: 4, asOf: '2025-10-31', institutions: 200 });
    await simulate(store, { from: '2025-09', to: '2025-10', seed: 5, batchPeople: 100 });
  });
  afterEach(async () => {
    await store.close();
  });

  it('by branch: 利用状況（全体）= card checks ÷ online checks and 利用状況（外来のみ）= card users ÷ outpatient claims, per insurer prefecture', async () => {
    const insurers = new Map((await store.insurers.list()).map((i) => [i.insurerNumber, i.prefecture]));
    const { confirmations, claims } = await rawRows(store);
    const card = new Map<string, number>();
    const online = new Map<string, number>();
    const users = new Map<string, Set<string>>();
    const outpatient = new Map<string, number>();
    const add = (m: Map<string, number>, k: string) => m.set(k, (m.get(k) ?? 0) + 1);
    for (const c of confirmations.filter((x) => x.confirmedOn.startsWith('2025-10'))) {
      const branch = insurers.get(c.insurerNumber ?? '') ?? '';
      if (c.method !== 'visual') {
        add(online, branch);
      }
      if (c.method === 'card') {
        add(card, branch);
        const set = users.get(branch) ?? new Set<string>();
        set.add(`${c.institutionCode}|${c.personId ?? ''}`);
        users.set(branch, set);
      }
    }
    for (const c of claims.filter((x) => x.month === '2025-10' && x.kind === 'outpatient')) {
      add(outpatient, insurers.get(c.insurerNumber) ?? '');
    }
    const overall = await statsByBranch(store, { definition: 'usageRateOverall', month: '2025-10', scope: {} });
    expect(overall.rows.length).toBeGreaterThan(10);
    for (const r of overall.rows) {
      expect([r.branch, r.numerator, r.denominator]).toEqual([
        r.branch,
        card.get(r.branch) ?? 0,
        online.get(r.branch) ?? 0,
      ]);
    }
    expect(overall.total.denominator).toBe(
      confirmations.filter((x) => x.confirmedOn.startsWith('2025-10') && x.method !== 'visual').length,
    );
    // Sorted by rate, five highest and five lowest marked.
    const rates = overall.rows.map((r) => r.rate ?? -1);
    expect([...rates].sort((a, b) => b - a)).toEqual(rates);
    expect(overall.rows.filter((r) => r.mark === 'top').map((r) => r.rank)).toEqual([1, 2, 3, 4, 5]);
    expect(overall.rows.filter((r) => r.mark === 'bottom')).toHaveLength(5);
    const outp = await statsByBranch(store, { definition: 'usageRateOutpatient', month: '2025-10', scope: {} });
    for (const r of outp.rows) {
      expect([r.branch, r.numerator, r.denominator]).toEqual([
        r.branch,
        users.get(r.branch)?.size ?? 0,
        outpatient.get(r.branch) ?? 0,
      ]);
    }
    expect(outp.definition.denominator.ja).toBe('レセプト枚数（外来レセのみ）');
    // Month-on-month change against 2025-09.
    const sept = await statsByBranch(store, { definition: 'usageRateOverall', month: '2025-09', scope: {} });
    const first = overall.rows[0];
    const before = sept.rows.find((r) => r.branch === first?.branch)?.rate ?? null;
    expect(first?.previousRate).toBe(before);
    expect(first?.changePoints).toBeCloseTo(((first?.rate ?? 0) - (before ?? 0)) * 100, 9);
  });

  it('by month and by kind: the same counts summed over months and institution kinds', async () => {
    const { confirmations } = await rawRows(store);
    const months = await statsByMonth(store, {
      definition: 'usageRateInclVisual',
      from: '2025-01',
      to: '2025-12',
      scope: {},
    });
    expect(months.rows.map((r) => r.month)).toEqual(['2025-09', '2025-10']);
    for (const r of months.rows) {
      const inMonth = confirmations.filter((c) => c.confirmedOn.startsWith(r.month));
      expect(r.numerator).toBe(inMonth.filter((c) => c.method === 'card').length);
      expect(r.denominator).toBe(inMonth.length);
    }
    const institutions = new Map((await store.institutions.list()).map((i) => [i.institutionCode, i.kind]));
    const kinds = await statsByKind(store, {
      definition: 'usageRateOverall',
      from: '2025-09',
      to: '2025-10',
      scope: {},
    });
    for (const r of kinds.rows) {
      const ofKind = confirmations.filter((c) => institutions.get(c.institutionCode) === r.institutionKind);
      expect(r.numerator).toBe(ofKind.filter((c) => c.method === 'card').length);
      expect(r.denominator).toBe(ofKind.filter((c) => c.method !== 'visual').length);
    }
  });

  it('利用登録率 by branch = members with a registration in force at month end ÷ members in force', async () => {
    const insurers = new Map((await store.insurers.list()).map((i) => [i.insurerNumber, i.prefecture]));
    const members = new Map<string, number>();
    const registered = new Map<string, number>();
    const asOf = endOfMonth('2025-10-01');
    for (const p of await store.persons.list({ limit: 1_000_000 })) {
      const registration = await store.cards.registrationOn(p.id, asOf);
      for (const q of await store.qualifications.currentForPerson(p.id, asOf)) {
        const branch = insurers.get(q.insurerNumber) ?? '';
        members.set(branch, (members.get(branch) ?? 0) + 1);
        if (registration !== null) {
          registered.set(branch, (registered.get(branch) ?? 0) + 1);
        }
      }
    }
    const answer = await statsByBranch(store, { definition: 'registrationRate', month: '2025-10', scope: {} });
    expect(answer.rows.length).toBe(members.size);
    for (const r of answer.rows) {
      expect([r.branch, r.numerator, r.denominator]).toEqual([
        r.branch,
        registered.get(r.branch) ?? 0,
        members.get(r.branch),
      ]);
    }
  });
});
