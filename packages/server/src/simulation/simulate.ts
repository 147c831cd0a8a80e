/**
 * `onshi simulate`: a year (or any run of months) of activity over a seeded Store, streamed person by person and
 * written in batches, one transaction per batch — the confirmation and claim writes keep the usage statistics in the
 * same transaction (decision 0115) — then the monthly 利用登録率 snapshot for every simulated month. Before streaming,
 * the probability of using a usable マイナ保険証 is calibrated per month and kind on the first persons, so the national
 * share follows rules.md §9 whatever the seeded registration state (decision 0117).
 */
import { ageOn, endOfMonth } from '@onshi/core';
import type {
  Claim,
  ClinicalRecord,
  Confirmation,
  Consent,
  Institution,
  InstitutionKind,
  Person,
  Scheme,
  Store,
} from '../store/types.js';
import { seedToUint32 } from '../population/prng.js';
import { kindShare, useProbability, visualShare } from './model.js';
import {
  InstitutionDirectory,
  expectedVisits,
  simulatePerson,
  usableCardOn,
  type PersonFacts,
  type World,
} from './person.js';

/** Options of `simulate`. */
export interface SimulateOptions {
  /** First and last month, 'YYYY-MM'. */
  from: string;
  to: string;
  seed: number | string;
  /** Persons per written batch (default 1,000). */
  batchPeople?: number;
  /** Persons read to calibrate the card-use probability (default 5,000). */
  calibrationPeople?: number;
  /** Called after each batch with persons done and in all. */
  onProgress?: (done: number, total: number) => void;
}

/** What a simulation wrote. */
export interface SimulationCounts {
  months: string[];
  persons: number;
  confirmations: number;
  cardConfirmations: number;
  consents: number;
  claims: number;
  records: number;
}

/** A simulation refused before writing anything: coded, with a Japanese and an English message. */
export class SimulationError extends Error {
  constructor(
    readonly code: 'SIMULATE_BAD_MONTHS' | 'SIMULATE_MONTHS_TAKEN' | 'SIMULATE_EMPTY_STORE',
    readonly messageJa: string,
    messageEn: string,
  ) {
    super(messageEn);
    this.name = 'SimulationError';
  }
}

const MONTH = /^(\d{4})-(0[1-9]|1[0-2])$/;
const KINDS: readonly InstitutionKind[] = ['hospital', 'clinic', 'dental', 'pharmacy'];

/** The months from `from` to `to` inclusive; throws SimulationError when either is not 'YYYY-MM' or they are reversed. */
export function monthsBetween(from: string, to: string): string[] {
  if (!MONTH.test(from) || !MONTH.test(to) || from > to) {
    throw new SimulationError(
      'SIMULATE_BAD_MONTHS',
      `期間の指定が正しくありません（YYYY-MM、開始 ≤ 終了）: ${from} – ${to}`,
      `months must be YYYY-MM with from ≤ to: ${from} – ${to}`,
    );
  }
  const out: string[] = [];
  let y = Number(from.slice(0, 4));
  let m = Number(from.slice(5, 7));
  for (;;) {
    const month = `${String(y)}-${String(m).padStart(2, '0')}`;
    out.push(month);
    if (month === to || out.length > 1200) {
      return out;
    }
    m += 1;
    if (m > 12) {
      m = 1;
      y += 1;
    }
  }
}

/** Reads what the simulation needs about one person (four indexed lookups by person, decision 0040). */
export async function readFacts(store: Store, person: Person): Promise<PersonFacts> {
  const [qualifications, cards, registrations, dvFlags] = await Promise.all([
    store.qualifications.findByPerson(person.id),
    store.cards.listByPerson(person.id),
    store.cards.registrations(person.id),
    store.dvFlags.listByPerson(person.id),
  ]);
  return { person, qualifications, cards, registrations, dvFlags };
}

/**
 * The calibrated card-use probability by month and kind: the visit-weighted share of visits made by holders of a
 * usable マイナ保険証 (mid-month), turned into a probability with `useProbability` so that kind's share is met.
 */
export function calibrate(
  sample: readonly PersonFacts[],
  months: readonly string[],
  institutions: readonly Institution[] = [],
): Map<string, number> {
  const table = new Map<string, number>();
  // A card is usable only where the reader works: scale by the working share of OQS institutions of each kind.
  const working = (kind: InstitutionKind): number => {
    const online = institutions.filter((i) => i.kind === kind && i.oqsEnabled);
    return online.length === 0 ? 1 : online.filter((i) => i.readerStatus === 'working').length / online.length;
  };
  for (const month of months) {
    const mid = `${month}-15`;
    const usable: Record<InstitutionKind, number> = { hospital: 0, clinic: 0, dental: 0, pharmacy: 0 };
    const all: Record<InstitutionKind, number> = { hospital: 0, clinic: 0, dental: 0, pharmacy: 0 };
    for (const facts of sample) {
      if (
        facts.person.birthDate > mid ||
        !facts.qualifications.some((q) => q.acquiredOn <= mid && (q.lostOn === null || mid < q.lostOn))
      ) {
        continue;
      }
      const visits = expectedVisits(ageOn(facts.person.birthDate, mid));
      const holds = usableCardOn(facts, mid) !== null;
      for (const kind of KINDS) {
        all[kind] += visits[kind];
        if (holds) {
          usable[kind] += visits[kind];
        }
      }
    }
    for (const kind of KINDS) {
      const fraction = all[kind] > 0 ? usable[kind] / all[kind] : 0;
      table.set(`${month}|${kind}`, useProbability(kindShare(month, kind), fraction * working(kind), visualShare(mid)));
    }
  }
  return table;
}

class Batch {
  confirmations: Confirmation[] = [];
  consents: Consent[] = [];
  claims: Claim[] = [];
  records: ClinicalRecord[] = [];
  persons = 0;

  async write(store: Store, counts: SimulationCounts): Promise<void> {
    await store.transaction(async (tx) => {
      await tx.confirmations.insertMany(this.confirmations);
      await tx.consents.insertMany(this.consents);
      await tx.claims.insertMany(this.claims);
      await tx.clinicalRecords.insertMany(this.records);
    });
    counts.persons += this.persons;
    counts.confirmations += this.confirmations.length;
    counts.cardConfirmations += this.confirmations.filter((c) => c.method === 'card').length;
    counts.consents += this.consents.length;
    counts.claims += this.claims.length;
    counts.records += this.records.length;
  }
}

/** Runs the simulation (module comment). Deterministic: the same store, months and seed write the same rows. */
export async function simulate(store: Store, options: SimulateOptions): Promise<SimulationCounts> {
  const months = monthsBetween(options.from, options.to);
  const taken = (await store.stats.usageMonths()).filter((m) => months.includes(m));
  if (taken.length > 0) {
    throw new SimulationError(
      'SIMULATE_MONTHS_TAKEN',
      `既に利用実績のある月は模擬できません: ${taken.join(', ')}`,
      `these months already hold activity; simulate other months or a fresh database: ${taken.join(', ')}`,
    );
  }
  const total = await store.persons.count();
  const institutions = await store.institutions.list();
  if (total === 0 || institutions.length === 0) {
    throw new SimulationError(
      'SIMULATE_EMPTY_STORE',
      '加入者または医療機関がありません。先に onshi seed を実行してください。',
      'the database holds no persons or no institutions; run onshi seed first',
    );
  }
  const schemes = new Map<string, Scheme>((await store.insurers.list()).map((i) => [i.insurerNumber, i.scheme]));
  const seed = seedToUint32(options.seed);
  const batchPeople = options.batchPeople ?? 1000;

  const sample: PersonFacts[] = [];
  for (const person of await store.persons.list({ limit: options.calibrationPeople ?? 5000 })) {
    sample.push(await readFacts(store, person));
  }
  const probabilities = calibrate(sample, months, institutions);
  sample.length = 0;

  const world: World = {
    seed,
    months,
    institutions: new InstitutionDirectory(institutions),
    schemes,
    useProbability: (month, kind) => probabilities.get(`${month}|${kind}`) ?? 0,
  };
  const counts: SimulationCounts = {
    months,
    persons: 0,
    confirmations: 0,
    cardConfirmations: 0,
    consents: 0,
    claims: 0,
    records: 0,
  };
  let afterId: string | undefined;
  for (;;) {
    const page = await store.persons.list({ ...(afterId === undefined ? {} : { afterId }), limit: batchPeople });
    if (page.length === 0) {
      break;
    }
    const batch = new Batch();
    for (const person of page) {
      const activity = simulatePerson(await readFacts(store, person), world);
      batch.confirmations.push(...activity.confirmations);
      batch.consents.push(...activity.consents);
      batch.claims.push(...activity.claims);
      batch.records.push(...activity.records);
      batch.persons += 1;
    }
    await batch.write(store, counts);
    afterId = page[page.length - 1]?.id;
    options.onProgress?.(counts.persons, total);
  }
  // The monthly snapshot job (利用登録率), as of each month's last day.
  for (const month of months) {
    await store.stats.snapshotRegistrations(month, endOfMonth(`${month}-01`));
  }
  return counts;
}
