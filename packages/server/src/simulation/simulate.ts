/**
 * `onshi simulate`: a year (or any run of months) of activity over a seeded Store, month by month, each month streamed
 * over groups of persons read block by block with one query per table (decision 0141), one transaction per group and
 * month (decision 0142) — the confirmation and claim writes keep the usage statistics in the same transaction
 * (decisions 0115, 0140) — then the monthly 利用登録率 snapshot for every simulated month. Memory holds one group's
 * facts and one block's rows, whatever the population. Before streaming, the probability of using a usable マイナ保険証 is calibrated per
 * month and kind on the first persons, so the national share follows rules.md §9 whatever the seeded registration
 * state (decision 0117).
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
  StoreTx,
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
  /** Persons per block: read with one query per table, simulated and written together (default 1,000). */
  batchPeople?: number;
  /** Persons read to calibrate the card-use probability (default 5,000). */
  calibrationPeople?: number;
  /**
   * Persons simulated as a group (default 20,000): their facts are read once, block by block, then each month of
   * theirs is written in one transaction (decision 0142). Memory holds one group's facts.
   */
  groupPeople?: number;
  /** Called after each batch with person-months done and in all (persons × months). */
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

/** Rows grouped by their person, each person's rows in the order read. */
function byPerson<T extends { personId: string }>(rows: readonly T[]): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const row of rows) {
    const list = out.get(row.personId);
    if (list === undefined) {
      out.set(row.personId, [row]);
    } else {
      list.push(row);
    }
  }
  return out;
}

/**
 * Reads what the simulation needs about one page of persons (as `persons.list` returned it after `afterId`): one
 * query per table over the page's id range instead of four lookups per person (decision 0141).
 */
export async function readFactsOfPage(
  store: StoreTx,
  page: readonly Person[],
  afterId: string | undefined,
): Promise<PersonFacts[]> {
  const last = page[page.length - 1];
  if (last === undefined) {
    return [];
  }
  const range = { ...(afterId === undefined ? {} : { afterId }), throughId: last.id };
  const [qualifications, cards, registrations, dvFlags] = await Promise.all([
    store.qualifications.findByPersonRange(range).then(byPerson),
    store.cards.listByPersonRange(range).then(byPerson),
    store.cards.registrationsByPersonRange(range).then(byPerson),
    store.dvFlags.listByPersonRange(range).then(byPerson),
  ]);
  return page.map((person) => ({
    person,
    qualifications: qualifications.get(person.id) ?? [],
    cards: cards.get(person.id) ?? [],
    registrations: registrations.get(person.id) ?? [],
    dvFlags: dvFlags.get(person.id) ?? [],
  }));
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

  async write(tx: StoreTx, counts: SimulationCounts): Promise<void> {
    await tx.confirmations.insertMany(this.confirmations);
    await tx.consents.insertMany(this.consents);
    await tx.claims.insertMany(this.claims);
    await tx.clinicalRecords.insertMany(this.records);
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

  const sample = await store.persons.list({ limit: options.calibrationPeople ?? 5000 });
  const probabilities = calibrate(await readFactsOfPage(store, sample, undefined), months, institutions);

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
  const groupPeople = Math.max(batchPeople, options.groupPeople ?? 20_000);
  // A group of persons at a time, month by month (decision 0142): a person's month depends only on the seed, the
  // person and that month, so the rows are those of a person-by-person run, but each transaction appends one month
  // at the ends of the time-ordered indexes (by institution, by day) and walks only the group's part of the
  // person-ordered ones, so the pages a commit dirties stay few however large the database.
  let afterId: string | undefined;
  let done = 0;
  for (;;) {
    const blocks: PersonFacts[][] = [];
    let read = 0;
    while (read < groupPeople) {
      const limit = Math.min(batchPeople, groupPeople - read);
      const page = await store.persons.list({ ...(afterId === undefined ? {} : { afterId }), limit });
      if (page.length === 0) {
        break;
      }
      blocks.push(await readFactsOfPage(store, page, afterId));
      read += page.length;
      afterId = page[page.length - 1]?.id;
    }
    if (read === 0) {
      break;
    }
    for (const month of months) {
      const monthWorld: World = { ...world, months: [month] };
      await store.transaction(async (tx) => {
        for (const block of blocks) {
          const batch = new Batch();
          for (const facts of block) {
            const activity = simulatePerson(facts, monthWorld);
            batch.confirmations.push(...activity.confirmations);
            batch.consents.push(...activity.consents);
            batch.claims.push(...activity.claims);
            batch.records.push(...activity.records);
          }
          await batch.write(tx, counts);
          done += block.length;
          options.onProgress?.(done, total * months.length);
        }
      });
    }
    counts.persons += read;
  }
  // The monthly snapshot job (利用登録率), as of each month's last day.
  for (const month of months) {
    await store.stats.snapshotRegistrations(month, endOfMonth(`${month}-01`));
  }
  return counts;
}
