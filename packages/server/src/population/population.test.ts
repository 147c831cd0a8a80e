import { readFileSync } from 'node:fs';
import { runInNewContext } from 'node:vm';
import { setFlagsFromString } from 'node:v8';
import {
  ageOn,
  cardExpiry,
  certificateExpiry,
  copayRate,
  elderlyRecipientPeriod,
  lateElderlyFrom,
  validateIndividualNumber,
  validateInsurerNumber,
} from '@onshi/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { generateInsurers } from './insurers.js';
import { generatePopulation } from './population.js';
import type { GeneratedAttribute, GeneratedHousehold, GeneratedQualification } from './types.js';

const SAMPLE = 100_000;
const AS_OF = '2025-10-31';
const SEED = 2025;

function attributeOn(
  attrs: readonly GeneratedAttribute[],
  q: GeneratedQualification,
  kind: GeneratedAttribute['kind'],
  date: string,
) {
  return attrs.find(
    (a) =>
      a.kind === kind && a.qualificationId === q.id && a.validFrom <= date && (a.validTo === null || date <= a.validTo),
  );
}

function current(qs: readonly GeneratedQualification[]): GeneratedQualification {
  const q = qs[qs.length - 1];
  if (!q || q.lostOn !== null) {
    throw new Error('no current qualification');
  }
  return q;
}

/** age_pyramid.csv shares per 5-year band (the 100+ band last). */
function pyramidShares(): number[] {
  const rows = readFileSync(new URL('./data/age_pyramid.csv', import.meta.url), 'utf8')
    .trim()
    .split('\n')
    .slice(1);
  const totals = rows.map((r) => Number(r.split(',')[3]));
  const sum = totals.reduce((a, b) => a + b, 0);
  return totals.map((t) => t / sum);
}

/** One streaming pass over a 100,000-person sample, collecting counts and every rule violation found. */
interface Sample {
  persons: number;
  households: number;
  bands: number[];
  schemes: Record<string, number>;
  dependants: Record<string, number>;
  holders: number;
  registeredHolders: number;
  dvFlags: number;
  numbers: Set<string>;
  badNumbers: number;
  violations: string[];
}

function scan(asOf: string): Sample {
  const insurers = new Map(generateInsurers({ seed: SEED }).map((i) => [i.insurerNumber, i]));
  const s: Sample = {
    persons: 0,
    households: 0,
    bands: new Array<number>(21).fill(0),
    schemes: {},
    dependants: {},
    holders: 0,
    registeredHolders: 0,
    dvFlags: 0,
    numbers: new Set(),
    badNumbers: 0,
    violations: [],
  };
  const memberKeys = new Set<string>();
  const flag = (msg: string) => {
    if (s.violations.length < 20) {
      s.violations.push(msg);
    }
  };
  for (const h of generatePopulation({ people: SAMPLE, seed: SEED, asOf })) {
    s.households += 1;
    const byId = new Map(h.members.flatMap((m) => m.qualifications.map((q) => [q.id, { q, m }] as const)));
    for (const m of h.members) {
      s.persons += 1;
      const { person } = m;
      const age = ageOn(person.birthDate, asOf);
      const band = Math.min(20, Math.floor(age / 5));
      s.bands[band] = (s.bands[band] ?? 0) + 1;
      if (!validateIndividualNumber(m.individualNumber).ok) {
        s.badNumbers += 1;
      }
      s.numbers.add(m.individualNumber);
      const q = current(m.qualifications);
      const insurer = insurers.get(q.insurerNumber);
      if (!insurer) {
        flag(`${person.id}: unknown insurer ${q.insurerNumber}`);
        continue;
      }
      s.schemes[insurer.scheme] = (s.schemes[insurer.scheme] ?? 0) + 1;
      if (q.relationship === 'dependant') {
        s.dependants[insurer.scheme] = (s.dependants[insurer.scheme] ?? 0) + 1;
      }
      // rules.md §2: 後期 from the 75th birthday, and only then.
      const late = asOf >= lateElderlyFrom(person.birthDate);
      if (late !== (insurer.scheme === 'lateElderly')) {
        flag(`${person.id}: age ${String(age)} in ${insurer.scheme}`);
      }
      // A dependant hangs on an insured member of the same household, insurer and 記号・番号.
      if (q.relationship === 'dependant') {
        const insured = q.insuredQualificationId === null ? undefined : byId.get(q.insuredQualificationId);
        if (
          !insured ||
          insured.q.relationship !== 'insured' ||
          insured.q.lostOn !== null ||
          insured.q.insurerNumber !== q.insurerNumber ||
          insured.q.symbol !== q.symbol ||
          insured.q.number !== q.number
        ) {
          flag(`${person.id}: dependant without its insured person`);
        }
      } else if (q.insuredQualificationId !== null) {
        flag(`${person.id}: insured person pointing to another`);
      }
      for (const qq of m.qualifications) {
        const key = `${qq.insurerNumber}:${qq.symbol ?? ''}:${qq.number}:${qq.branch ?? ''}`;
        if (memberKeys.has(key)) {
          flag(`${person.id}: member key ${key} used twice`);
        }
        memberKeys.add(key);
        if (
          qq.acquiredOn < person.birthDate ||
          qq.acquiredOn > asOf ||
          (qq.lostOn !== null && qq.lostOn <= qq.acquiredOn)
        ) {
          flag(`${person.id}: qualification dates out of order`);
        }
      }
      // rules.md §1.2: 枝番 two digits; 後期 has a bare 8-digit 被保険者番号.
      if (
        insurer.scheme === 'lateElderly'
          ? q.symbol !== null || q.branch !== null || !/^\d{8}$/.test(q.number)
          : !/^\d{2}$/.test(q.branch ?? '')
      ) {
        flag(`${person.id}: 記号・番号・枝番 ${String(q.symbol)} ${q.number} ${String(q.branch)}`);
      }
      // The copay row in force is core's rate (rules.md §2); 限度額 A-codes under 70, B-codes from 70 (§3).
      const rate = attributeOn(m.attributes, q, 'copayRate', asOf);
      if (insurer.scheme !== 'lateElderly') {
        const scheme = insurer.scheme === 'kokuho' || insurer.scheme === 'kokuhoKumiai' ? 'national' : 'employee';
        const elderly = attributeOn(m.attributes, q, 'elderlyRecipient', asOf);
        const expected = copayRate({
          birthDate: person.birthDate,
          serviceDate: asOf,
          scheme,
          activeIncome: elderly?.kind === 'elderlyRecipient' && elderly.rate === 0.3,
        }).rate;
        if (rate?.kind !== 'copayRate' || rate.rate !== expected) {
          flag(`${person.id}: copay ${JSON.stringify(rate)} expected ${String(expected)}`);
        }
      } else if (rate === undefined) {
        flag(`${person.id}: no 後期 copay row`);
      }
      const limit = attributeOn(m.attributes, q, 'limitCategory', asOf);
      const seventy = late || asOf >= elderlyRecipientPeriod(person.birthDate).from;
      if (limit?.kind !== 'limitCategory' || limit.category.startsWith('B') !== seventy) {
        flag(`${person.id}: limit ${JSON.stringify(limit)} at ${String(age)}`);
      }
      // Cards (rules.md §4).
      const card = m.cards.find((c) => c.kind !== 'smartphone');
      if (card && card.expiresOn >= asOf) {
        s.holders += 1;
        if (m.registration && m.registration.unregisteredOn === null) {
          s.registeredHolders += 1;
        }
      }
      if (card) {
        if (card.expiresOn !== cardExpiry({ birthDate: person.birthDate, issueDate: card.issuedOn })) {
          flag(`${person.id}: card expiry`);
        }
        for (const c of m.certificates.filter((x) => x.cardId === card.id)) {
          if (
            c.notAfter !==
            certificateExpiry({ birthDate: person.birthDate, issueDate: c.notBefore, cardExpiry: card.expiresOn })
          ) {
            flag(`${person.id}: certificate expiry`);
          }
        }
        if (card.kind === 'faceOnly') {
          if (card.issuedOn < '2023-12-15' || m.certificates.some((c) => c.kind === 'signing')) {
            flag(`${person.id}: face-only card before 2023-12-15 or with a signing certificate`);
          }
          if (m.registration && (m.registration.channel === 'portal' || m.registration.channel === 'atm')) {
            flag(`${person.id}: face-only card registered through ${m.registration.channel}`);
          }
        }
      }
      for (const phone of m.cards.filter((c) => c.kind === 'smartphone')) {
        if (phone.issuedOn < (phone.platform === 'iphone' ? '2025-06-24' : '2023-05-11')) {
          flag(`${person.id}: ${String(phone.platform)} certificate before its start`);
        }
      }
      if (m.registration && (!card || m.registration.registeredOn < '2021-03-01')) {
        flag(`${person.id}: registration without a card or before 2021-03`);
      }
      s.dvFlags += m.dvFlags.length;
      // rules.md §5: from 2024-12-02 each member holds a paper card still valid, a valid 資格確認書 or an お知らせ;
      // every 後期 member has a 資格確認書 until 2026-07-31.
      const docs = m.documents.filter((d) => d.qualificationId === q.id && d.issuedOn <= asOf);
      const validCert = docs.some(
        (d) => d.kind === 'eligibilityCertificate' && d.validTo !== null && d.validTo >= asOf,
      );
      const covered =
        validCert ||
        docs.some((d) => d.kind === 'qualificationNotice') ||
        docs.some((d) => d.kind === 'legacyInsuranceCard' && d.validTo !== null && d.validTo >= asOf);
      if (!covered) {
        flag(`${person.id}: no document as of ${asOf}`);
      }
      if (insurer.scheme === 'lateElderly' && asOf >= '2025-08-01' && asOf <= '2026-07-31' && !validCert) {
        flag(`${person.id}: 後期 member without a 資格確認書`);
      }
      for (const d of m.documents) {
        if (d.kind === 'legacyInsuranceCard' && (d.issuedOn >= '2024-12-02' || (d.validTo ?? '') > '2025-12-01')) {
          flag(`${person.id}: paper card issued or valid past the timeline`);
        }
        if (d.kind !== 'legacyInsuranceCard' && d.issuedOn < '2024-12-02') {
          flag(`${person.id}: ${d.kind} before 2024-12-02`);
        }
        if (d.kind === 'qualificationNotice' && d.printed.individualNumberLast4 !== m.individualNumber.slice(8)) {
          flag(`${person.id}: お知らせ without the last four digits`);
        }
      }
      if (!validateInsurerNumber(q.insurerNumber).ok) {
        flag(`${person.id}: invalid insurer number`);
      }
    }
  }
  return s;
}

describe('generatePopulation: a 100,000-person sample as of 2025-10-31', () => {
  let s: Sample;
  beforeAll(() => {
    s = scan(AS_OF);
  }, 300_000);

  it('has exactly the number of persons asked for', () => {
    expect(s.persons).toBe(SAMPLE);
    expect(s.households).toBeGreaterThan(SAMPLE / 3);
  });

  it('breaks no rule checked per member (75+ → 後期, dependants, numbers, copay, 限度額, cards, documents)', () => {
    expect(s.violations).toEqual([]);
  });

  it('follows the age pyramid: every 5-year band within 0.5 points of age_pyramid.csv', () => {
    const target = pyramidShares();
    s.bands.forEach((n, i) => {
      expect(Math.abs(n / s.persons - (target[i] ?? 0)), `band ${String(i * 5)}`).toBeLessThan(0.005);
    });
  });

  it('splits members by scheme as insurance_shares.md §1 does, within 2 points', () => {
    const share = (k: string) => (s.schemes[k] ?? 0) / s.persons;
    expect(Math.abs(share('kyokai') - 0.32)).toBeLessThan(0.02);
    expect(Math.abs(share('kumiai') - 0.229)).toBeLessThan(0.02);
    expect(Math.abs(share('kyosai') - 0.08)).toBeLessThan(0.02);
    expect(Math.abs(share('kokuho') + share('kokuhoKumiai') - 0.214)).toBeLessThan(0.02);
    expect(Math.abs(share('lateElderly') - 0.156)).toBeLessThan(0.02);
  });

  it('has dependant shares near 協会 37 % and 組合 41 %, and no dependants in 国保 or 後期 (insurance_shares.md §1, §4)', () => {
    const dep = (k: string) => (s.dependants[k] ?? 0) / (s.schemes[k] ?? 1);
    expect(Math.abs(dep('kyokai') - 0.371)).toBeLessThan(0.04);
    expect(Math.abs(dep('kumiai') - 0.413)).toBeLessThan(0.04);
    expect(s.dependants.kokuho ?? 0).toBe(0);
    expect(s.dependants.lateElderly ?? 0).toBe(0);
  });

  it('has about 80 % card holders and about 88 % of them registered (rules.md §9: 79.6 %, 87.8 %)', () => {
    expect(Math.abs(s.holders / s.persons - 0.8)).toBeLessThan(0.02);
    expect(Math.abs(s.registeredHolders / s.holders - 0.878)).toBeLessThan(0.02);
  });

  it('gives every person a valid My Number, all different', () => {
    expect(s.badNumbers).toBe(0);
    expect(s.numbers.size).toBe(SAMPLE);
  });

  it('has rare DV flags (about 1 in 10,000 each)', () => {
    expect(s.dvFlags).toBeGreaterThan(0);
    expect(s.dvFlags).toBeLessThan(80);
  });
});

describe('generatePopulation: determinism and streaming', () => {
  const first = (seed: number, people: number, n: number): GeneratedHousehold[] => {
    const out: GeneratedHousehold[] = [];
    for (const h of generatePopulation({ people, seed, asOf: '2026-01-15' })) {
      out.push(h);
      if (out.length === n) {
        break;
      }
    }
    return out;
  };

  it('gives byte-identical first 1,000 households for the same seed', () => {
    expect(JSON.stringify(first(7, 5_000, 1_000))).toBe(JSON.stringify(first(7, 5_000, 1_000)));
  });

  it('gives different households for a different seed', () => {
    expect(JSON.stringify(first(8, 5_000, 1_000))).not.toBe(JSON.stringify(first(7, 5_000, 1_000)));
  });

  it('does not let the population size change the households before the end', () => {
    expect(JSON.stringify(first(7, 50_000, 1_000))).toBe(JSON.stringify(first(7, 5_000, 1_000)));
  });

  it('holds the same rules after the paper cards are gone (as of 2026-01-15)', () => {
    const s = scanSmall('2026-01-15');
    expect(s).toEqual([]);
  });

  it('streams 200,000 people without keeping them (heap after GC grows by less than 64 MB)', () => {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    gc();
    const before = process.memoryUsage().heapUsed;
    let persons = 0;
    for (const h of generatePopulation({ people: 200_000, seed: 3, asOf: '2026-01-15' })) {
      persons += h.members.length;
    }
    gc();
    const grown = process.memoryUsage().heapUsed - before;
    expect(persons).toBe(200_000);
    expect(grown).toBeLessThan(64 * 1024 * 1024);
  }, 300_000);

  it('refuses a bad population size or date', () => {
    expect(() => generatePopulation({ people: -1, seed: 1, asOf: '2026-01-15' }).next()).toThrow(RangeError);
    expect(() => generatePopulation({ people: 10, seed: 1, asOf: '2026-02-30' }).next()).toThrow(RangeError);
  });
});

/** The per-member document rule on 20,000 people as of `asOf`: members without any usable document. */
function scanSmall(asOf: string): string[] {
  const out: string[] = [];
  for (const h of generatePopulation({ people: 20_000, seed: 99, asOf })) {
    for (const m of h.members) {
      const q = current(m.qualifications);
      const ok = m.documents.some(
        (d) =>
          d.qualificationId === q.id &&
          d.issuedOn <= asOf &&
          (d.kind === 'qualificationNotice' || (d.kind === 'eligibilityCertificate' && (d.validTo ?? '') >= asOf)),
      );
      if (!ok && out.length < 10) {
        out.push(m.person.id);
      }
    }
  }
  return out;
}
