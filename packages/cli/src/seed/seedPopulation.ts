/**
 * `onshi seed`: writes the synthetic Japan of packages/server/src/population into the Store — insurers,
 * institutions, then households streamed in batches (persons, My Number links as keyed hashes, qualifications
 * and their effective-dated attributes, cards, 健康保険証利用登録, DV flags, documents) — all in ONE transaction,
 * so an interrupted seed leaves an empty database, never half a country (decision 0086). Electronic certificates
 * are not minted here: RSA keys for a million cards would take hours; the card authority issues real ones for a
 * small wallet subset (see wallet.ts).
 */
import type { Store, StoreTx } from '@onshi/server/store';
import type {
  Card,
  DvFlagRecord,
  Institution,
  Insurer,
  InsuranceUseRegistration,
  IssuedDocument,
  Person,
  Qualification,
  QualificationAttribute,
} from '@onshi/server/store';
import {
  generateInstitutions,
  generateInsurers,
  generatePopulation,
  type GeneratedHousehold,
  type GeneratedInstitution,
  type GeneratedInsurer,
} from '@onshi/server/population/index';

/** Options of `seedPopulation`. */
export interface SeedOptions {
  people: number;
  seed: number | string;
  /** The date the population is described on (ages, cards, documents). */
  asOf: string;
  /** Institutions to create (default: about one per 510 people as in Japan, at least 200). */
  institutions?: number;
  /** Persons per multi-row insert batch (default 5,000). */
  batchPeople?: number;
  /** Called after each batch with the persons written so far. */
  onProgress?: (persons: number) => void;
}

/** Rows written, by table. */
export interface SeedCounts {
  insurers: number;
  institutions: number;
  persons: number;
  individualNumbers: number;
  qualifications: number;
  attributes: number;
  cards: number;
  registrations: number;
  dvFlags: number;
  documents: number;
}

/** The seed refuses a database that already holds people or insurers (ids would clash). */
export class SeedError extends Error {
  constructor(
    readonly code: 'SEED_NOT_EMPTY',
    readonly messageJa: string,
    messageEn: string,
  ) {
    super(messageEn);
    this.name = 'SeedError';
  }
}

/** Japan has about 243,000 医療機関・薬局 for 124 million people. */
const PEOPLE_PER_INSTITUTION = 124_000_000 / 243_000;

/** How many institutions a population of `people` gets by default. */
export function defaultInstitutionCount(people: number): number {
  return Math.min(243_000, Math.max(200, Math.round(people / PEOPLE_PER_INSTITUTION)));
}

/** True when the store holds no person and no insurer: the only state the seed writes into. */
export async function storeIsEmpty(store: Store): Promise<boolean> {
  return (await store.persons.count()) === 0 && (await store.insurers.list()).length === 0;
}

function toInsurer(g: GeneratedInsurer): Insurer {
  return { insurerNumber: g.insurerNumber, name: g.name, scheme: g.scheme, prefecture: g.prefecture, branch: g.branch };
}

function toInstitution(g: GeneratedInstitution): Institution {
  return {
    institutionCode: g.institutionCode,
    name: g.name,
    kind: g.kind,
    prefecture: g.prefecture,
    address: g.address,
    oqsEnabled: g.oqsEnabled,
    readerStatus: g.readerStatus,
    consentItemsEnabled: [...g.consentItemsEnabled],
    smartphoneReader: g.smartphoneReader,
  };
}

/** One batch of rows, in the order foreign keys need them. */
class Batch {
  persons: Person[] = [];
  links: { personId: string; individualNumber: string; linkedOn: string; linkedBy: string | null }[] = [];
  qualifications: Omit<Qualification, 'memberKey'>[] = [];
  attributes: QualificationAttribute[] = [];
  cards: Card[] = [];
  registrations: InsuranceUseRegistration[] = [];
  dvFlags: DvFlagRecord[] = [];
  documents: IssuedDocument[] = [];

  add(h: GeneratedHousehold): void {
    for (const m of h.members) {
      this.persons.push(m.person);
      const current = m.qualifications[m.qualifications.length - 1];
      // The link is made by the insurer that holds the person now (as a 資格取得届 with 個人番号 would).
      this.links.push({
        personId: m.person.id,
        individualNumber: m.individualNumber,
        linkedOn: current?.acquiredOn ?? m.person.birthDate,
        linkedBy: current?.insurerNumber ?? null,
      });
      this.qualifications.push(...m.qualifications);
      this.attributes.push(...m.attributes);
      this.cards.push(...m.cards);
      if (m.registration !== null) {
        this.registrations.push(m.registration);
      }
      this.dvFlags.push(...m.dvFlags);
      this.documents.push(...m.documents);
    }
  }

  async write(store: StoreTx, counts: SeedCounts): Promise<void> {
    await store.persons.insertMany(this.persons);
    await store.individualNumbers.insertMany(this.links);
    await store.qualifications.insertMany(this.qualifications);
    await store.qualifications.insertAttributes(this.attributes);
    await store.cards.insertMany(this.cards);
    await store.cards.insertRegistrations(this.registrations);
    await store.dvFlags.insertMany(this.dvFlags);
    await store.documents.insertMany(this.documents);
    counts.persons += this.persons.length;
    counts.individualNumbers += this.links.length;
    counts.qualifications += this.qualifications.length;
    counts.attributes += this.attributes.length;
    counts.cards += this.cards.length;
    counts.registrations += this.registrations.length;
    counts.dvFlags += this.dvFlags.length;
    counts.documents += this.documents.length;
  }
}

/**
 * Seeds an empty store (module comment). Deterministic: the same people, seed and asOf give the same rows and ids.
 * Throws `SeedError` when the store is not empty.
 */
export async function seedPopulation(store: Store, options: SeedOptions): Promise<SeedCounts> {
  if (!(await storeIsEmpty(store))) {
    throw new SeedError(
      'SEED_NOT_EMPTY',
      'データベースに既に加入者または保険者があります。空のデータベースを指定してください。',
      'The database already holds persons or insurers; seed an empty database.',
    );
  }
  const counts: SeedCounts = {
    insurers: 0,
    institutions: 0,
    persons: 0,
    individualNumbers: 0,
    qualifications: 0,
    attributes: 0,
    cards: 0,
    registrations: 0,
    dvFlags: 0,
    documents: 0,
  };
  const batchPeople = options.batchPeople ?? 5000;
  await store.transaction(async (tx) => {
    const insurers = generateInsurers({ seed: options.seed }).map(toInsurer);
    await tx.insurers.insertMany(insurers);
    counts.insurers = insurers.length;
    const institutions = [
      ...generateInstitutions({
        seed: options.seed,
        count: options.institutions ?? defaultInstitutionCount(options.people),
        asOf: options.asOf,
      }),
    ].map(toInstitution);
    await tx.institutions.insertMany(institutions);
    counts.institutions = institutions.length;

    let batch = new Batch();
    for (const household of generatePopulation({ people: options.people, seed: options.seed, asOf: options.asOf })) {
      batch.add(household);
      if (batch.persons.length >= batchPeople) {
        await batch.write(tx, counts);
        batch = new Batch();
        options.onProgress?.(counts.persons);
      }
    }
    await batch.write(tx, counts);
    options.onProgress?.(counts.persons);
  });
  return counts;
}
