/**
 * The one Store test suite. sqlite.int.test.ts and postgres.int.test.ts register it with their own harness, so both
 * implementations are held to the same behaviour (issue 4, "One shared Store test suite").
 */
import { createHmac } from 'node:crypto';
import { beforeEach, afterEach, describe, expect, it } from 'vitest';
import { latestReferenceNumber } from './asOf.js';
import { memberKey } from './memberKey.js';
import { encodeBulkRows, parseBulkRows } from './sql/bulkRows.js';
import type { BulkRecords, Card, CardPath, Certificate, Person, Qualification, Store } from './types.js';
import { StoreConflictError } from './types.js';

/** The server secret the harnesses pass as `individualNumberKey`. */
export const TEST_INDIVIDUAL_NUMBER_KEY = 'test-secret-for-individual-numbers-0001';

/** One fresh database for one test. */
export interface StoreUnderTest {
  store: Store;
  /** Opens a second Store on the same database (runs the migrations again). */
  reopen(): Promise<Store>;
  /** Everything the database holds, as bytes to search. */
  rawBytes(): Promise<Buffer>;
  /** Drops the database. */
  dispose(): Promise<void>;
}

/** A person for store tests (山田 太郎, born 1980-04-02), with `extra` fields changed. */
export function samplePerson(id: string, extra: Partial<Person> = {}): Person {
  return {
    id,
    nameKanji: '山田 太郎',
    nameKana: 'ヤマダ タロウ',
    birthDate: '1980-04-02',
    sex: 'male',
    address: '東京都千代田区霞が関1-2-2',
    postalCode: '100-8916',
    prefecture: '13',
    ...extra,
  };
}

/** A qualification for store tests (全国健康保険協会 01130012, 記号 1234, 番号 5678, 枝番 01), with `extra` changed. */
export function sampleQualification(
  personId: string,
  extra: Partial<Qualification> = {},
): Omit<Qualification, 'id' | 'memberKey'> & { id?: string } {
  return {
    personId,
    insurerNumber: '01130012',
    symbol: '1234',
    number: '5678',
    branch: '01',
    relationship: 'insured',
    insuredQualificationId: null,
    acquiredOn: '2020-04-01',
    lostOn: null,
    lossReason: null,
    cardClassification: '01',
    ...extra,
  };
}

/** A My Number card for store tests (standard, active, issued 2024-01-15). */
export function sampleCard(id: string, personId: string): Card {
  return {
    id,
    personId,
    kind: 'standard',
    platform: null,
    issuedOn: '2024-01-15',
    expiresOn: '2034-04-02',
    status: 'active',
    statusChangedOn: null,
  };
}

/** A card's authentication certificate for store tests (its DER a placeholder: the store does not parse it). */
export function sampleCertificate(serial: string, cardId: string): Certificate {
  return {
    serial,
    cardId,
    kind: 'auth',
    notBefore: '2024-01-15T00:00:00.000Z',
    notAfter: '2029-04-02T14:59:59.000Z',
    revokedAt: null,
    revocationReason: null,
    der: new Uint8Array([0x30, 0x03, 0x01]),
  };
}

/** Registers the contract tests; `fresh` must return an empty, migrated store each time. */
export function registerStoreContract(label: string, fresh: () => Promise<StoreUnderTest>): void {
  describe(`Store contract (${label})`, () => {
    let sut: StoreUnderTest;
    let store: Store;

    beforeEach(async () => {
      sut = await fresh();
      store = sut.store;
    });
    afterEach(async () => {
      await store.close();
      await sut.dispose();
    });

    const person = samplePerson;

    /**
     * A read model's walk at start, one key per step, to its end (which then answers no key and builds nothing);
     * the rows it built.
     */
    async function walk(
      step: (after: string | null) => Promise<{ lastKey: string | null; filled: number }>,
    ): Promise<number> {
      let after: string | null = null;
      let filled = 0;
      for (let i = 0; i < 10; i += 1) {
        const done = await step(after);
        filled += done.filled;
        if (done.lastKey === null) {
          break;
        }
        after = done.lastKey;
      }
      expect(await step(after)).toEqual({ lastKey: null, filled: 0 });
      return filled;
    }

    async function member(personId: string, extra: Partial<Qualification> = {}): Promise<Qualification> {
      return store.qualifications.insert(sampleQualification(personId, extra));
    }

    describe('persons and My Number (architecture.md "Data"; decision 0042)', () => {
      it('round-trips a person and applies a partial update', async () => {
        await store.persons.insert(person('p1'));
        expect(await store.persons.get('p1')).toEqual(person('p1'));
        await store.persons.update('p1', { address: '大阪府大阪市北区1-1', prefecture: '27' });
        expect(await store.persons.get('p1')).toMatchObject({ address: '大阪府大阪市北区1-1', prefecture: '27' });
        expect(await store.persons.count()).toBe(1);
        expect(await store.persons.get('missing')).toBeNull();
      });

      it('finds persons by birth date, in id order and up to the limit (disaster mode, decision 0098)', async () => {
        await store.persons.insertMany([person('p2'), person('p1'), person('p3', { birthDate: '1990-01-01' })]);
        expect((await store.persons.findByBirthDate('1980-04-02', 10)).map((p) => p.id)).toEqual(['p1', 'p2']);
        expect(await store.persons.findByBirthDate('1980-04-02', 1)).toEqual([person('p1')]);
        expect(await store.persons.findByBirthDate('2000-01-01', 10)).toEqual([]);
      });

      it('stores a My Number only as its keyed hash and last four digits, and finds the person by it', async () => {
        await store.persons.insert(person('p1'));
        const link = await store.individualNumbers.link({
          personId: 'p1',
          individualNumber: '123456789018',
          linkedOn: '2024-12-02',
          linkedBy: '01130012',
        });
        const expected = createHmac('sha256', TEST_INDIVIDUAL_NUMBER_KEY).update('123456789018').digest('hex');
        expect(link.individualNumberHash).toBe(expected);
        expect(link.individualNumberLast4).toBe('9018');
        expect(await store.individualNumbers.findByNumber('123456789018')).toEqual(link);
        expect(await store.individualNumbers.findByPerson('p1')).toEqual(link);
        expect(await store.individualNumbers.findByNumber('123456789026')).toBeNull();
        const raw = await sut.rawBytes();
        expect(raw.includes('123456789018')).toBe(false);
        expect(raw.includes(expected)).toBe(true);
      });

      it('refuses to link one My Number to two persons, or two numbers to one person', async () => {
        await store.persons.insertMany([person('p1'), person('p2')]);
        const n = { individualNumber: '123456789018', linkedOn: '2024-12-02', linkedBy: null };
        await store.individualNumbers.link({ personId: 'p1', ...n });
        await expect(store.individualNumbers.link({ personId: 'p2', ...n })).rejects.toBeInstanceOf(StoreConflictError);
        await expect(
          store.individualNumbers.link({ ...n, personId: 'p1', individualNumber: '234567890123' }),
        ).rejects.toBeInstanceOf(StoreConflictError);
        expect(await store.individualNumbers.unlink('p1')).toBe(true);
        await store.individualNumbers.link({ personId: 'p2', ...n });
        expect((await store.individualNumbers.findByNumber('123456789018'))?.personId).toBe('p2');
      });
    });

    describe('insurers and credentials', () => {
      it('upserts insurers and keeps credentials as hashes that can be rotated and revoked', async () => {
        await store.insurers.upsert({
          insurerNumber: '01130012',
          name: '全国健康保険協会 東京支部',
          scheme: 'kyokai',
          prefecture: '13',
          branch: '東京',
        });
        await store.insurers.upsert({
          insurerNumber: '01130012',
          name: '協会けんぽ 東京支部',
          scheme: 'kyokai',
          prefecture: '13',
          branch: '東京',
        });
        expect(await store.insurers.list()).toHaveLength(1);
        expect((await store.insurers.get('01130012'))?.name).toBe('協会けんぽ 東京支部');
        const c = {
          id: 'insurer:01130012',
          subjectKind: 'insurer' as const,
          subjectId: '01130012',
          secretHash: 'h1',
          label: 'main',
          createdAt: '2025-01-01T00:00:00.000Z',
        };
        await store.credentials.put(c);
        expect(await store.credentials.revoke('insurer:01130012', '2025-02-01T00:00:00.000Z')).toBe(true);
        expect((await store.credentials.get('insurer:01130012'))?.revokedAt).toBe('2025-02-01T00:00:00.000Z');
        await store.credentials.put({ ...c, secretHash: 'h2' });
        expect(await store.credentials.get('insurer:01130012')).toEqual({ ...c, secretHash: 'h2', revokedAt: null });
        expect(await store.credentials.listBySubject('insurer', '01130012')).toHaveLength(1);
      });
    });

    describe('qualifications (rules.md §1.2; oqs-interface.md §3)', () => {
      it('finds a member by 記号・番号 typed full-width when stored half-width (rules.md §1.2)', async () => {
        await store.persons.insert(person('p1'));
        const q = await member('p1');
        const found = await store.qualifications.findByMemberKey({
          insurerNumber: '01130012',
          symbol: '１２３４',
          number: '５６７８',
          branch: '01',
        });
        expect(found).toEqual([q]);
        expect(
          await store.qualifications.findByMemberKey({
            insurerNumber: '01130012',
            symbol: '1234',
            number: '5678',
            branch: null,
          }),
        ).toEqual([]);
      });

      it('finds a member key with each qualification and its person in one lookup, newest acquisition first (decision 0134)', async () => {
        await store.persons.insertMany([person('p1'), person('p2', { birthDate: '1990-01-01' })]);
        const old = await member('p1', { acquiredOn: '2015-04-01', lostOn: '2020-04-01', lossReason: '03' });
        const now = await member('p2');
        await member('p1', { number: '9999' });
        const found = await store.qualifications.findMembersByKey({
          insurerNumber: '01130012',
          symbol: '１２３４',
          number: '５６７８',
          branch: '01',
        });
        expect(found).toEqual([
          { qualification: now, person: person('p2', { birthDate: '1990-01-01' }) },
          { qualification: old, person: person('p1') },
        ]);
        expect(
          await store.qualifications.findMembersByKey({
            insurerNumber: '01130012',
            symbol: '1234',
            number: '5678',
            branch: null,
          }),
        ).toEqual([]);
        // 枝番 unknown (rules.md §1.2 [S8]): every 枝番 under the 記号・番号, and none.
        const noBranch = await member('p1', { branch: null });
        const anyBranch = await store.qualifications.findMembersByKey({
          insurerNumber: '01130012',
          symbol: '1234',
          number: '5678',
          branch: null,
          anyBranch: true,
        });
        expect(anyBranch.map((m) => m.qualification.id).sort()).toEqual([old.id, now.id, noBranch.id].sort());
      });

      it("answers memberRecordsOfPerson with the person's records under every member key they had, newest acquisition first", async () => {
        await store.persons.insertMany([person('p1'), person('p2', { birthDate: '1990-01-01' })]);
        const old = await member('p1', { acquiredOn: '2015-04-01', lostOn: '2020-04-01', lossReason: '03' });
        const now = await member('p1', { number: '9999', acquiredOn: '2020-04-01' });
        // Another person under the first key is not theirs.
        await member('p2', { acquiredOn: '2021-04-01' });
        const byKey = async (number: string) =>
          (
            await store.qualifications.memberRecordsByKey({
              insurerNumber: '01130012',
              symbol: '1234',
              number,
              branch: '01',
            })
          ).filter((r) => r.person.id === 'p1');
        const expected = [...(await byKey('9999')), ...(await byKey('5678'))];
        expect(expected.map((r) => r.qualification.id)).toEqual([now.id, old.id]);
        expect(await store.qualifications.memberRecordsOfPerson('p1')).toEqual(expected);
        // Built on a miss, stored by the next write transaction, then read from the model: the same answer.
        await store.transaction(() => Promise.resolve());
        expect(await store.qualifications.memberRecordsOfPerson('p1')).toEqual(expected);
        expect(await store.qualifications.memberRecordsOfPerson('nobody')).toEqual([]);
      });

      it('answers memberRecordsByKey as the tables say after every kind of change (member read model, decision 0166)', async () => {
        const key = { insurerNumber: '01130012', symbol: '1234', number: '5678', branch: '01' };
        const byId = <T extends { id: string }>(xs: readonly T[]): T[] =>
          [...xs].sort((a, b) => (a.id < b.id ? -1 : 1));
        // 照会番号 as an answer shows them: each institution's latest for the person.
        const clinics = ['1311111111', '2741111111'];
        // What the per-table reads answer, the reference the read model must match.
        const fromTables = async () => {
          const members = await store.qualifications.findMembersByKey(key);
          return Promise.all(
            members.map(async ({ qualification, person: p }) => {
              const insured =
                qualification.insuredQualificationId === null
                  ? null
                  : await store.qualifications.get(qualification.insuredQualificationId);
              return {
                qualification,
                person: p,
                attributes: byId(
                  (await store.qualifications.attributeHistory(qualification.id)).filter(
                    (a) => a.supersededAt === null,
                  ),
                ),
                latestDocument: await store.documents.latestForQualification(p.id, qualification.id),
                dvFlags: byId(await store.dvFlags.listByPerson(p.id)),
                insuredName: insured === null ? null : ((await store.persons.get(insured.personId))?.nameKanji ?? null),
                referenceNumbers: await Promise.all(clinics.map((c) => store.referenceNumbers.findByPerson(c, p.id))),
              };
            }),
          );
        };
        const fromModel = async () =>
          (await store.qualifications.memberRecordsByKey(key)).map((r) => ({
            ...r,
            attributes: byId(r.attributes),
            dvFlags: byId(r.dvFlags),
            referenceNumbers: clinics.map((c) => latestReferenceNumber(r.referenceNumbers, c)),
          }));
        // Read twice around a write transaction: the first read may build the row, the transaction stores it, the
        // second read finds it.
        const check = async (): Promise<void> => {
          const expected = await fromTables();
          expect(await fromModel()).toEqual(expected);
          await store.transaction(() => Promise.resolve());
          expect(await fromModel()).toEqual(expected);
        };
        await check();
        await store.persons.insertMany([person('p1'), person('p2', { nameKanji: '山田 花子', sex: 'female' })]);
        const insured = await member('p1', { branch: '00' });
        const q = await member('p2', { relationship: 'dependant', insuredQualificationId: insured.id });
        await check();
        await store.qualifications.setAttribute({
          kind: 'copayRate',
          qualificationId: q.id,
          rate: 0.3,
          validFrom: '2020-04-01',
          recordedAt: '2020-04-01T00:00:00.000Z',
        });
        await check();
        const disease = await store.qualifications.setAttribute({
          kind: 'specificDisease',
          qualificationId: q.id,
          diseaseCategory: '1',
          selfPayLimit: 10000,
          issuedOn: '2021-01-01',
          validFrom: '2021-01-01',
          recordedAt: '2021-01-01T00:00:00.000Z',
        });
        await check();
        // Every attribute kind, with its optional fields set and left empty (the model spreads each kind's value).
        await store.qualifications.setAttribute({
          kind: 'limitCategory',
          qualificationId: q.id,
          category: 'B04',
          certificateClassification: '01',
          issuedOn: '2021-02-01',
          longTermOn: '2021-06-01',
          validFrom: '2021-02-01',
          recordedAt: '2021-02-01T00:00:00.000Z',
        });
        await store.qualifications.setAttribute({
          kind: 'limitCategory',
          qualificationId: insured.id,
          category: 'A03',
          certificateClassification: null,
          issuedOn: null,
          longTermOn: null,
          validFrom: '2021-02-01',
          recordedAt: '2021-02-01T00:00:00.000Z',
        });
        await store.qualifications.setAttribute({
          kind: 'elderlyRecipient',
          qualificationId: insured.id,
          rate: 0.2,
          issuedOn: null,
          validFrom: '2022-01-01',
          recordedAt: '2022-01-01T00:00:00.000Z',
        });
        await check();
        await store.qualifications.endAttribute(disease.id, '2023-12-31');
        await check();
        await store.documents.insert({
          personId: 'p2',
          qualificationId: q.id,
          insurerNumber: '01130012',
          kind: 'qualificationNotice',
          issuedOn: '2025-01-10',
          validFrom: '2025-01-10',
          validTo: null,
          onRequest: false,
          printed: {
            nameKanji: '山田 花子',
            nameKana: 'ヤマダ ハナコ',
            birthDate: '1980-04-02',
            insurerNumber: '01130012',
            insurerName: '全国健康保険協会',
            symbol: '1234',
            number: '5678',
            branch: '01',
            acquiredOn: '2020-04-01',
          },
        });
        await check();
        await store.dvFlags.set({ personId: 'p2', flag: 'nonDisclosure', setOn: '2024-01-10', setBy: '01130012' });
        await check();
        await store.dvFlags.clear('p2', 'nonDisclosure', '2024-06-01');
        await check();
        // 照会番号 (oqs-interface.md §5, migration 0112): registered, a later one at the same institution, one at the
        // same instant (the greater number is the latest), one at another institution, then one re-pointed to the
        // insured person (the rows of both persons go).
        const reference = {
          institutionCode: '1311111111',
          referenceNumber: 'K-1',
          personId: 'p2',
          qualificationId: q.id,
          registeredAt: '2025-03-01T00:00:00.000Z',
        };
        await store.referenceNumbers.register(reference);
        await check();
        await store.referenceNumbers.register({
          ...reference,
          referenceNumber: 'K-2',
          registeredAt: '2025-03-02T00:00:00.000Z',
        });
        await check();
        await store.referenceNumbers.register({
          ...reference,
          referenceNumber: 'K-3',
          registeredAt: '2025-03-02T00:00:00.000Z',
        });
        await check();
        expect((await fromModel())[0]?.referenceNumbers[0]?.referenceNumber).toBe('K-3');
        await store.referenceNumbers.register({ ...reference, institutionCode: '2741111111', referenceNumber: 'P-1' });
        await check();
        await store.referenceNumbers.register({
          ...reference,
          referenceNumber: 'K-3',
          personId: 'p1',
          qualificationId: insured.id,
          registeredAt: '2025-03-03T00:00:00.000Z',
        });
        await check();
        // The insured person's new name shows on the dependant's record.
        await store.persons.update('p1', { nameKanji: '山田 一郎' });
        await check();
        await store.persons.update('p2', { address: '大阪府大阪市北区1-1', prefecture: '27' });
        await check();
        await store.qualifications.setLoss(q.id, '2025-04-01', '03');
        await check();
        // A second member under the same key (QualificationValidity 5 material).
        await store.persons.insert(person('p3', { birthDate: '1980-04-02' }));
        await member('p3');
        await check();
        expect(await fromModel()).toHaveLength(2);
        // The walk over every key builds what no read has built yet (the insured person's key and a new one here)
        // and stops at the end; on
        // PostgreSQL, which reads the tables, there is nothing to build.
        await store.persons.insert(person('p4'));
        await member('p4', { number: '9999' });
        expect(await walk((after) => store.qualifications.fillMemberReadModel(after, 1))).toBe(
          store.kind === 'sqlite' ? 2 : 0,
        );
        await check();
      });

      it('answers the qualification in force as of a date: from acquiredOn, until the day before lostOn', async () => {
        await store.persons.insert(person('p1'));
        const old = await member('p1', { acquiredOn: '2015-04-01', lostOn: '2021-04-01', lossReason: '03' });
        const now = await member('p1', {
          insurerNumber: '06130011',
          symbol: 'A',
          number: '9',
          acquiredOn: '2021-04-01',
        });
        expect(await store.qualifications.currentForPerson('p1', '2015-03-31')).toEqual([]);
        expect(await store.qualifications.currentForPerson('p1', '2021-03-31')).toEqual([old]);
        expect(await store.qualifications.currentForPerson('p1', '2021-04-01')).toEqual([now]);
        expect((await store.qualifications.findByPerson('p1')).map((q) => q.id)).toEqual([now.id, old.id]);
        const lost = await store.qualifications.setLoss(now.id, '2025-01-01', '01');
        expect(lost).toMatchObject({ lostOn: '2025-01-01', lossReason: '01' });
        expect(await store.qualifications.currentForPerson('p1', '2025-01-01')).toEqual([]);
      });

      it('keeps dependants attached to the insured person’s qualification', async () => {
        await store.persons.insertMany([person('p1'), person('p2', { nameKanji: '山田 花子', sex: 'female' })]);
        const insured = await member('p1');
        const dep = await member('p2', {
          relationship: 'dependant',
          insuredQualificationId: insured.id,
          branch: '02',
        });
        expect(await store.qualifications.dependantsOf(insured.id)).toEqual([dep]);
        expect(await store.qualifications.countByInsurer('01130012', '2024-01-01')).toBe(2);
        const page1 = await store.qualifications.listByInsurer('01130012', { limit: 1 });
        const page2 = await store.qualifications.listByInsurer('01130012', { limit: 5, afterId: page1[0]?.id ?? '' });
        expect([...page1, ...page2].map((q) => q.id).sort()).toEqual([insured.id, dep.id].sort());
      });

      it('finds an insurer’s members by 記号・番号 (any 枝番), kana prefix (spaces ignored) and birth date (issue 9 console)', async () => {
        await store.persons.insertMany([
          person('p1'),
          person('p2', { nameKana: 'ヤマダ　ハナコ', birthDate: '1985-01-01' }),
          person('p3', { nameKana: 'ヤマモト タロウ' }),
          person('p4', { nameKana: 'ヤマダ タロウ' }),
          person('p5', { nameKana: 'ヤマ%ダ' }),
        ]);
        const q1 = await member('p1');
        const q2 = await member('p2', { number: '5679' });
        const q3 = await member('p3', { number: '5680' });
        await member('p4', { insurerNumber: '06130012' });
        const q5 = await member('p5', { number: '5681' });
        const search = (q: {
          symbol?: string;
          number?: string;
          nameKanaPrefix?: string;
          birthDate?: string;
          limit?: number;
        }) =>
          store.qualifications
            .search({ insurerNumber: '01130012', limit: q.limit ?? 10, ...q })
            .then((list) => list.map((x) => x.id));
        expect(await search({ nameKanaPrefix: 'ヤマダ' })).toEqual([q1.id, q2.id]);
        expect(await search({ nameKanaPrefix: 'ヤマダハ' })).toEqual([q2.id]);
        expect(await search({ nameKanaPrefix: 'ヤマダ タ' })).toEqual([q1.id]);
        expect(await search({ nameKanaPrefix: 'ヤマ%' })).toHaveLength(1);
        expect((await search({ birthDate: '1980-04-02' })).sort()).toEqual([q1.id, q3.id, q5.id].sort());
        expect(await search({ nameKanaPrefix: 'ヤマ', birthDate: '1985-01-01' })).toEqual([q2.id]);
        expect(await search({ nameKanaPrefix: 'ヤマ', limit: 2 })).toHaveLength(2);
        const dependant = await member('p3', { number: '5678', branch: '02', relationship: 'dependant' });
        expect((await search({ symbol: '１２３４', number: '5678' })).sort()).toEqual([q1.id, dependant.id].sort());
        expect(await search({ symbol: '1234', number: '567' })).toEqual([]);
        expect(await search({ symbol: '1234', number: '5678', nameKanaPrefix: 'ヤマモト' })).toEqual([dependant.id]);
      });

      it('keeps effective-dated co-pay rates with their history (rules.md §2)', async () => {
        await store.persons.insert(person('p1'));
        const q = await member('p1');
        await store.qualifications.setAttribute({
          kind: 'copayRate',
          qualificationId: q.id,
          rate: 0.3,
          validFrom: '2020-04-01',
          recordedAt: '2020-04-01T00:00:00.000Z',
        });
        await store.qualifications.setAttribute({
          kind: 'copayRate',
          qualificationId: q.id,
          rate: 0.2,
          validFrom: '2024-05-01',
          recordedAt: '2024-04-10T00:00:00.000Z',
        });
        expect((await store.qualifications.attributesAsOf(q.id, '2024-04-30')).copayRate?.rate).toBe(0.3);
        expect((await store.qualifications.attributesAsOf(q.id, '2024-05-01')).copayRate?.rate).toBe(0.2);
        expect((await store.qualifications.attributesAsOf(q.id, '2020-03-31')).copayRate).toBeNull();
        // A correction for the same start replaces the value but leaves the history readable.
        await store.qualifications.setAttribute({
          kind: 'copayRate',
          qualificationId: q.id,
          rate: 0.3,
          validFrom: '2024-05-01',
          recordedAt: '2024-06-01T00:00:00.000Z',
        });
        expect((await store.qualifications.attributesAsOf(q.id, '2024-05-02')).copayRate?.rate).toBe(0.3);
        const history = await store.qualifications.attributeHistory(q.id);
        expect(
          history.map((a) => [a.kind === 'copayRate' ? a.rate : null, a.validFrom, a.validTo, a.supersededAt !== null]),
        ).toEqual([
          [0.3, '2020-04-01', null, true],
          [0.3, '2020-04-01', '2024-04-30', false],
          [0.2, '2024-05-01', null, true],
          [0.3, '2024-05-01', null, false],
        ]);
      });

      it('holds 限度額適用区分, 高齢受給者 and several 特定疾病 at once (rules.md §3; OQSCD012, OQSCD013)', async () => {
        await store.persons.insert(person('p1', { birthDate: '1953-06-10' }));
        const q = await member('p1');
        const at = '2024-01-01T00:00:00.000Z';
        await store.qualifications.setAttribute({
          kind: 'limitCategory',
          qualificationId: q.id,
          category: 'B04',
          certificateClassification: '01',
          issuedOn: '2023-08-01',
          longTermOn: null,
          validFrom: '2023-08-01',
          validTo: '2024-07-31',
          recordedAt: at,
        });
        await store.qualifications.setAttribute({
          kind: 'elderlyRecipient',
          qualificationId: q.id,
          rate: 0.2,
          issuedOn: '2023-07-01',
          validFrom: '2023-07-01',
          recordedAt: at,
        });
        const dialysis = await store.qualifications.setAttribute({
          kind: 'specificDisease',
          qualificationId: q.id,
          diseaseCategory: '1',
          selfPayLimit: 10_000,
          issuedOn: '2022-01-01',
          validFrom: '2022-01-01',
          recordedAt: at,
        });
        await store.qualifications.setAttribute({
          kind: 'specificDisease',
          qualificationId: q.id,
          diseaseCategory: '2',
          selfPayLimit: 10_000,
          issuedOn: '2023-01-01',
          validFrom: '2023-01-01',
          recordedAt: at,
        });
        const asOf = await store.qualifications.attributesAsOf(q.id, '2024-02-01');
        expect(asOf.limitCategory).toMatchObject({ category: 'B04', certificateClassification: '01', personId: 'p1' });
        expect(asOf.elderlyRecipient).toMatchObject({ rate: 0.2, issuedOn: '2023-07-01' });
        expect(asOf.specificDiseases.map((d) => d.diseaseCategory)).toEqual(['1', '2']);
        expect((await store.qualifications.attributesAsOf(q.id, '2024-08-01')).limitCategory).toBeNull();
        expect(await store.qualifications.endAttribute(dialysis.id, '2024-03-31')).toBe(true);
        const later = await store.qualifications.attributesAsOf(q.id, '2024-04-01');
        expect(later.specificDiseases.map((d) => d.diseaseCategory)).toEqual(['2']);
      });
    });

    describe('documents, DV flags, cards and certificates', () => {
      it('round-trips an issued 資格確認書 with the fields it printed (documents-and-screens.md §1.2)', async () => {
        await store.persons.insert(person('p1'));
        const q = await member('p1');
        const doc = await store.documents.insert({
          personId: 'p1',
          qualificationId: q.id,
          insurerNumber: '01130012',
          kind: 'eligibilityCertificate',
          issuedOn: '2025-11-01',
          validFrom: '2025-12-02',
          validTo: '2030-11-30',
          onRequest: false,
          printed: {
            nameKanji: '山田 太郎',
            nameKana: 'ヤマダ タロウ',
            birthDate: '1980-04-02',
            sex: 'male',
            insurerNumber: '01130012',
            insurerName: '協会けんぽ 東京支部',
            symbol: '1234',
            number: '5678',
            branch: '01',
            acquiredOn: '2020-04-01',
            copayRate: 0.3,
            limitCategory: null,
          },
        });
        expect(await store.documents.get(doc.id)).toEqual(doc);
        expect(await store.documents.listByPerson('p1')).toEqual([doc]);
        expect(await store.documents.listByInsurer('01130012', '2025-11-01', '2025-11-30', { limit: 10 })).toEqual([
          doc,
        ]);
        expect(await store.documents.listByInsurer('01130012', '2025-12-01', '2025-12-31', { limit: 10 })).toEqual([]);
      });

      it("answers a qualification's latest document: latest issue date, the smallest id on a tie (decision 0134)", async () => {
        await store.persons.insert(person('p1'));
        const q = await member('p1');
        const other = await member('p1', { number: '9999' });
        const printed = {
          nameKanji: '山田 太郎',
          nameKana: 'ヤマダ タロウ',
          birthDate: '1980-04-02',
          sex: 'male' as const,
          insurerNumber: '01130012',
          insurerName: '協会けんぽ 東京支部',
          symbol: '1234',
          number: '5678',
          branch: '01',
          acquiredOn: '2020-04-01',
          copayRate: 0.3 as const,
          limitCategory: null,
        };
        const doc = (id: string, qualificationId: string, issuedOn: string) => ({
          id,
          personId: 'p1',
          qualificationId,
          insurerNumber: '01130012',
          kind: 'eligibilityCertificate' as const,
          issuedOn,
          validFrom: issuedOn,
          validTo: null,
          onRequest: false,
          printed,
        });
        expect(await store.documents.latestForQualification('p1', q.id)).toBeNull();
        await store.documents.insertMany([
          doc('d3', q.id, '2025-11-01'),
          doc('d1', q.id, '2024-11-01'),
          doc('d2', q.id, '2025-11-01'),
          doc('d9', other.id, '2026-01-01'),
        ]);
        // What a result shows of it: everything but the printed fields.
        const shown = ({ printed: _printed, ...rest }: ReturnType<typeof doc>) => rest;
        expect(await store.documents.latestForQualification('p1', q.id)).toEqual(shown(doc('d2', q.id, '2025-11-01')));
        expect(await store.documents.latestForQualification('p1', other.id)).toEqual(
          shown(doc('d9', other.id, '2026-01-01')),
        );
        expect(await store.documents.latestForQualification('p2', q.id)).toBeNull();
      });

      it('grants and revokes a portal proxy (代理人, issue 8); a revoked grant stays listed with its end', async () => {
        const g = await store.proxies.grant({
          principalPersonId: 'p1',
          proxyPersonId: 'p2',
          grantedAt: '2026-04-01T00:00:00.000Z',
        });
        expect(g.revokedAt).toBeNull();
        expect(await store.proxies.get(g.id)).toEqual(g);
        expect(await store.proxies.listByPrincipal('p1')).toEqual([g]);
        expect(await store.proxies.listByProxy('p2')).toEqual([g]);
        expect(await store.proxies.listByProxy('p1')).toEqual([]);
        expect(await store.proxies.revoke(g.id, '2026-04-02T00:00:00.000Z')).toBe(true);
        expect(await store.proxies.revoke(g.id, '2026-04-03T00:00:00.000Z')).toBe(false);
        expect((await store.proxies.get(g.id))?.revokedAt).toBe('2026-04-02T00:00:00.000Z');
        expect(await store.proxies.revoke('missing', '2026-04-03T00:00:00.000Z')).toBe(false);
      });

      it('sets and clears DV flags with dates (rules.md §8)', async () => {
        await store.persons.insert(person('p1'));
        await store.dvFlags.set({ personId: 'p1', flag: 'nonDisclosure', setOn: '2024-01-10', setBy: '01130012' });
        await store.dvFlags.set({ personId: 'p1', flag: 'selfInfoBlocked', setOn: '2024-02-01', setBy: '01130012' });
        expect(await store.dvFlags.activeOn('p1', '2024-01-31')).toEqual(['nonDisclosure']);
        expect(await store.dvFlags.activeOn('p1', '2024-02-01')).toEqual(['selfInfoBlocked', 'nonDisclosure']);
        expect(await store.dvFlags.clear('p1', 'selfInfoBlocked', '2024-06-01')).toBe(true);
        expect(await store.dvFlags.clear('p1', 'selfInfoBlocked', '2024-06-02')).toBe(false);
        expect(await store.dvFlags.activeOn('p1', '2024-06-01')).toEqual(['nonDisclosure']);
        expect(await store.dvFlags.listByPerson('p1')).toHaveLength(2);
      });

      it('keeps cards, status changes and insurance-use registration periods (rules.md §4)', async () => {
        await store.persons.insert(person('p1'));
        const card = await store.cards.insert({
          personId: 'p1',
          kind: 'faceOnly',
          platform: null,
          issuedOn: '2024-01-15',
          expiresOn: '2034-04-02',
          status: 'active',
          statusChangedOn: null,
        });
        expect(await store.cards.get(card.id)).toEqual(card);
        expect(await store.cards.setStatus(card.id, 'suspended', '2024-03-01')).toMatchObject({
          status: 'suspended',
          statusChangedOn: '2024-03-01',
        });
        await store.cards.register({ personId: 'p1', cardId: card.id, registeredOn: '2024-02-01', channel: 'reader' });
        expect(await store.cards.registrationOn('p1', '2024-01-31')).toBeNull();
        expect((await store.cards.registrationOn('p1', '2024-02-01'))?.channel).toBe('reader');
        expect(await store.cards.unregister('p1', '2024-11-01')).toBe(true);
        expect(await store.cards.registrationOn('p1', '2024-11-01')).toBeNull();
        expect(await store.cards.registrations('p1')).toHaveLength(1);
        expect(await store.cards.listByPerson('p1')).toHaveLength(1);
      });

      it('resolves a certificate serial to its person through the linking table, and revokes it', async () => {
        await store.persons.insert(person('p1'));
        const der = new Uint8Array([0x30, 0x82, 0x01, 0x0a, 0x00, 0xff]);
        const cert = {
          serial: '0a1b2c',
          cardId: 'c1',
          kind: 'auth' as const,
          notBefore: '2024-01-15T00:00:00.000Z',
          notAfter: '2029-04-02T14:59:59.000Z',
          revokedAt: null,
          revocationReason: null,
          der,
        };
        await store.certificates.insert(cert, 'p1', '2024-01-15T00:00:00.000Z');
        expect(await store.certificates.personIdBySerial('0a1b2c')).toBe('p1');
        expect(await store.certificates.personIdBySerial('ffff')).toBeNull();
        expect(await store.certificates.get('0a1b2c')).toEqual(cert);
        expect(await store.certificates.revoke('0a1b2c', '2024-05-01T00:00:00.000Z', 'keyCompromise')).toBe(true);
        expect((await store.certificates.listByCard('c1'))[0]?.revokedAt).toBe('2024-05-01T00:00:00.000Z');
      });

      it('reads a card check in one query: serial → link → certificate, card, person, registration on the date (decision 0146)', async () => {
        await store.persons.insert(person('p1'));
        const card = await store.cards.insert(sampleCard('c1', 'p1'));
        await store.certificates.insert(sampleCertificate('0a1b2c', card.id), 'p1', '2024-01-15T00:00:00.000Z');
        await store.cards.register({ personId: 'p1', cardId: card.id, registeredOn: '2024-02-01', channel: 'reader' });
        // Before the registration: the card and person, no registration in force.
        // The certificate's status without its DER: the check verifies the certificate the card presented.
        const { der: _der, ...status } = sampleCertificate('0a1b2c', card.id);
        expect(await store.certificates.cardPathBySerial(['0A1B2C', '0a1b2c'], '2024-01-31')).toEqual({
          certificate: status,
          personId: 'p1',
          person: await store.persons.get('p1'),
          card,
          registration: null,
        });
        const registered = await store.certificates.cardPathBySerial(['0a1b2c'], '2024-02-01');
        expect(registered?.registration).toEqual(await store.cards.registrationOn('p1', '2024-02-01'));
        await store.cards.unregister('p1', '2024-11-01');
        expect((await store.certificates.cardPathBySerial(['0a1b2c'], '2024-11-01'))?.registration).toBeNull();
        // A certificate whose card row is missing: card null (the caller refuses it).
        await store.certificates.insert(sampleCertificate('dd', 'no-such-card'), 'p1', '2024-01-15T00:00:00.000Z');
        expect(await store.certificates.cardPathBySerial(['dd'], '2024-02-01')).toMatchObject({
          card: null,
          personId: 'p1',
        });
        // The serial forms are tried in the order given.
        expect((await store.certificates.cardPathBySerial(['dd', '0a1b2c'], '2024-02-01'))?.certificate.serial).toBe(
          'dd',
        );
        expect(await store.certificates.cardPathBySerial(['ffff'], '2024-02-01')).toBeNull();
        expect(await store.certificates.cardPathBySerial([], '2024-02-01')).toBeNull();
      });

      it('answers cardPathBySerial as the tables say after every change its row draws from (card read model, decision 0171)', async () => {
        const serial = '0a1b2c';
        // What the per-table reads answer, the reference the read model must match.
        const fromTables = async (date: string): Promise<CardPath | null> => {
          const certificate = await store.certificates.get(serial);
          const personId = await store.certificates.personIdBySerial(serial);
          if (certificate === null || personId === null) {
            return null;
          }
          const { der: _der, ...status } = certificate;
          return {
            certificate: status,
            personId,
            person: await store.persons.get(personId),
            card: await store.cards.get(certificate.cardId),
            registration: await store.cards.registrationOn(personId, date),
          };
        };
        // Read twice around a write transaction: the first read may build the row, the transaction stores it, the
        // second read finds it; on every day that matters to the registrations.
        // The person's member keys come with the path only from the read model (SQLite), and then as the tables say.
        const keysOf = async (personId: string): Promise<string[]> =>
          [...new Set((await store.qualifications.findByPerson(personId)).map((q) => q.memberKey))].sort();
        const read = async (serials: string[], date: string): Promise<CardPath | null> => {
          const path = await store.certificates.cardPathBySerial(serials, date);
          if (path === null || path.memberKeys === undefined) {
            return path;
          }
          const { memberKeys, ...rest } = path;
          expect(memberKeys).toEqual(await keysOf(rest.personId));
          return rest;
        };
        const check = async (): Promise<void> => {
          for (const date of ['2024-01-31', '2024-02-01', '2024-11-01', '2025-03-01']) {
            const expected = await fromTables(date);
            expect(await read([serial], date)).toEqual(expected);
            await store.transaction(() => Promise.resolve());
            expect(await read([serial], date)).toEqual(expected);
            expect(await read([serial.toUpperCase(), serial], date)).toEqual(expected);
          }
        };
        await store.persons.insertMany([person('p1'), person('p2', { nameKanji: '山田 花子', sex: 'female' })]);
        // A certificate whose card row does not exist yet: no card, until the card is inserted.
        await store.certificates.insert(sampleCertificate(serial, 'c1'), 'p1', '2024-01-15T00:00:00.000Z');
        await check();
        await store.cards.insertMany([sampleCard('c1', 'p1')]);
        await check();
        await store.cards.register({ personId: 'p1', cardId: 'c1', registeredOn: '2024-02-01', channel: 'reader' });
        await check();
        await store.persons.update('p1', { address: '大阪府大阪市北区1-1', prefecture: '27' });
        await check();
        await store.cards.setStatus('c1', 'suspended', '2024-06-01');
        await check();
        await store.cards.unregister('p1', '2024-11-01');
        await check();
        await store.cards.register({ personId: 'p1', cardId: 'c1', registeredOn: '2025-01-10', channel: 'portal' });
        await check();
        // A revoked certificate is refused at once: its row goes with the change.
        await store.certificates.revoke(serial, '2025-02-01T00:00:00.000Z', 'keyCompromise');
        await check();
        expect((await store.certificates.cardPathBySerial([serial], '2025-03-01'))?.certificate.revokedAt).toBe(
          '2025-02-01T00:00:00.000Z',
        );
        await store.certificates.releaseHold(serial);
        await check();
        // The person's member keys change with every qualification added to them.
        await member('p1');
        await check();
        await store.qualifications.insert(
          sampleQualification('p1', {
            insurerNumber: '06130011',
            symbol: 'A',
            number: '9',
            branch: '00',
            acquiredOn: '2025-01-01',
          }),
        );
        await check();
        expect(await store.qualifications.memberRecordsOfPerson('p1', await keysOf('p1'))).toEqual(
          await store.qualifications.memberRecordsOfPerson('p1'),
        );
        // The walk over every linked serial builds what no read has built yet (the new serial here), and stops at the
        // end; on PostgreSQL, which reads the tables, there is nothing to build.
        await store.certificates.insert(sampleCertificate('ff01', 'c2'), 'p2', '2024-01-15T00:00:00.000Z');
        expect(await walk((after) => store.certificates.fillCardReadModel(after, 1))).toBe(
          store.kind === 'sqlite' ? 1 : 0,
        );
        expect(await read(['ff01'], '2024-02-01')).toMatchObject({
          certificate: { serial: 'ff01', cardId: 'c2' },
          personId: 'p2',
          person: await store.persons.get('p2'),
          card: null,
          registration: null,
        });
        await check();
      });

      it('lists certificates and cards by expiry, and lifts a hold but not a revocation (expiry notices, 一時利用停止)', async () => {
        await store.persons.insert(person('p1'));
        const cert = (serial: string, notAfter: string) => ({
          serial,
          cardId: 'c1',
          kind: 'auth' as const,
          notBefore: '2021-01-15T00:00:00.000Z',
          notAfter,
          revokedAt: null,
          revocationReason: null,
          der: new Uint8Array([0x30, 0x01]),
        });
        await store.certificates.insert(cert('a1', '2026-06-30T14:59:59.000Z'), 'p1', '2021-01-15T00:00:00.000Z');
        await store.certificates.insert(cert('a2', '2026-07-01T14:59:59.000Z'), 'p1', '2021-01-15T00:00:00.000Z');
        await store.certificates.insert(cert('a3', '2026-07-02T14:59:59.000Z'), 'p1', '2021-01-15T00:00:00.000Z');
        const window = ['2026-06-30T00:00:00.000Z', '2026-07-02T00:00:00.000Z'] as const;
        const due = await store.certificates.listExpiring(...window, { limit: 10 });
        expect(due.map((d) => [d.certificate.serial, d.personId])).toEqual([
          ['a1', 'p1'],
          ['a2', 'p1'],
        ]);
        expect(
          (await store.certificates.listExpiring(...window, { limit: 1, afterId: 'a1' }))[0]?.certificate.serial,
        ).toBe('a2');
        expect(await store.certificates.revoke('a1', '2026-04-01T00:00:00.000Z', 'certificateHold')).toBe(true);
        expect(await store.certificates.revoke('a2', '2026-04-01T00:00:00.000Z', 'superseded')).toBe(true);
        expect(
          (await store.certificates.listExpiring(...window, { limit: 10 })).map((d) => d.certificate.serial),
        ).toEqual([]);
        expect(await store.certificates.releaseHold('a2')).toBe(false);
        expect(await store.certificates.releaseHold('a1')).toBe(true);
        expect((await store.certificates.get('a1'))?.revokedAt).toBeNull();
        const card = (id: string, expiresOn: string) => ({
          id,
          personId: 'p1',
          kind: 'standard' as const,
          platform: null,
          issuedOn: '2016-01-15',
          expiresOn,
          status: 'active' as const,
          statusChangedOn: null,
        });
        await store.cards.insertMany([card('k1', '2026-06-30'), card('k2', '2026-07-01'), card('k3', '2026-07-02')]);
        expect((await store.cards.listExpiring('2026-06-30', '2026-07-01', { limit: 10 })).map((c) => c.id)).toEqual([
          'k1',
          'k2',
        ]);
      });

      it("keeps the card authority's sealed state, numbers CRLs upwards and stores reader certificates", async () => {
        expect(await store.authority.getState()).toBeNull();
        const first = await store.authority.initState({
          sealedState: 'sealed-1',
          createdAt: '2026-04-01T00:00:00.000Z',
        });
        const second = await store.authority.initState({
          sealedState: 'sealed-2',
          createdAt: '2026-04-02T00:00:00.000Z',
        });
        expect(second).toEqual(first);
        expect(await store.authority.latestCrl()).toBeNull();
        expect(await store.authority.nextCrlNumber()).toBe(1);
        expect(await store.transaction(() => store.authority.nextCrlNumber())).toBe(2);
        const crl = {
          crlNumber: 2,
          thisUpdate: '2026-04-01T00:00:00.000Z',
          nextUpdate: '2026-04-08T00:00:00.000Z',
          der: new Uint8Array([0x30, 0x03, 0x02, 0x01, 0x02]),
        };
        expect(await store.authority.publishCrl(crl)).toBe(true);
        expect(await store.authority.publishCrl({ ...crl, crlNumber: 1 })).toBe(false);
        expect(await store.authority.latestCrl()).toEqual(crl);
        expect(await store.authority.latestCrl(2)).toBeNull();
        const reader = {
          serial: 'b1',
          institutionCode: '1311111111',
          readerId: 'R-1',
          notBefore: '2026-04-01T00:00:00.000Z',
          notAfter: '2031-04-01T00:00:00.000Z',
          revokedAt: null,
          revocationReason: null,
          der: new Uint8Array([0x30, 0x02]),
        };
        await store.authority.insertReaderCertificate(reader);
        expect(await store.authority.getReaderCertificate('b1')).toEqual(reader);
        expect(await store.authority.listReaderCertificates('1311111111')).toEqual([reader]);
        await store.persons.insert(person('p1'));
        await store.certificates.insert(
          {
            serial: 'a9',
            cardId: 'c1',
            kind: 'auth',
            notBefore: '2026-04-01T00:00:00.000Z',
            notAfter: '2031-04-01T14:59:59.000Z',
            revokedAt: null,
            revocationReason: null,
            der: new Uint8Array([0x30, 0x00]),
          },
          'p1',
          '2026-04-01T00:00:00.000Z',
        );
        await store.certificates.revoke('a9', '2026-04-02T00:00:00.000Z', 'keyCompromise');
        expect(
          await store.authority.revokeReaderCertificate('b1', '2026-04-03T00:00:00.000Z', 'cessationOfOperation'),
        ).toBe(true);
        expect(await store.authority.listRevoked()).toEqual([
          {
            serial: 'a9',
            notAfter: '2031-04-01T14:59:59.000Z',
            revokedAt: '2026-04-02T00:00:00.000Z',
            revocationReason: 'keyCompromise',
          },
          {
            serial: 'b1',
            notAfter: '2031-04-01T00:00:00.000Z',
            revokedAt: '2026-04-03T00:00:00.000Z',
            revocationReason: 'cessationOfOperation',
          },
        ]);
      });
    });

    describe('clinics: institutions, confirmations, consents, records, claims, 照会番号, 一括照会', () => {
      it('round-trips an institution and filters by prefecture and kind', async () => {
        const inst = {
          institutionCode: '1311111111',
          name: 'オンシ診療所',
          kind: 'clinic' as const,
          prefecture: '13',
          address: '東京都港区1-1',
          oqsEnabled: true,
          readerStatus: 'working' as const,
          consentItemsEnabled: ['medication' as const, 'checkup' as const],
          smartphoneReader: false,
        };
        await store.institutions.upsert(inst);
        await store.institutions.upsert({ ...inst, institutionCode: '2711111111', prefecture: '27', kind: 'pharmacy' });
        expect(await store.institutions.get('1311111111')).toEqual(inst);
        expect(await store.institutions.list({ prefecture: '27' })).toHaveLength(1);
        expect(await store.institutions.list({ kind: 'clinic' })).toHaveLength(1);
        expect(await store.institutions.setReaderStatus('1311111111', 'outOfOrder')).toBe(true);
        expect((await store.institutions.get('1311111111'))?.readerStatus).toBe('outOfOrder');
      });

      it('records every confirmation and lists those of an institution by time (the file agent, issue 6)', async () => {
        const base = {
          institutionCode: '1311111111',
          personId: 'p1',
          qualificationId: 'q1',
          insurerNumber: '01130012',
          qualificationValidity: 1,
          resultCode: 'ok',
          referenceNumber: null,
        };
        await store.confirmations.record({
          ...base,
          at: '2025-10-01T00:30:00.000Z',
          confirmedOn: '2025-10-01',
          method: 'card',
          authentication: 'faceAuth',
        });
        await store.confirmations.record({
          ...base,
          at: '2025-10-02T00:30:00.000Z',
          confirmedOn: '2025-10-02',
          method: 'number',
          authentication: null,
        });
        await store.confirmations.record({
          ...base,
          personId: null,
          qualificationValidity: 4,
          resultCode: 'notFound',
          at: '2025-11-02T00:30:00.000Z',
          confirmedOn: '2025-11-02',
          method: 'number',
          authentication: null,
        });
        const october = await store.confirmations.listByInstitution(
          '1311111111',
          '2025-10-01T00:00:00.000Z',
          '2025-11-01T00:00:00.000Z',
        );
        expect(october.map((c) => [c.personId, c.method])).toEqual([
          ['p1', 'card'],
          ['p1', 'number'],
        ]);
        expect(
          await store.confirmations.listByInstitution(
            '1311111111',
            '2025-11-01T00:00:00.000Z',
            '2025-12-01T00:00:00.000Z',
          ),
        ).toHaveLength(1);
      });

      it('keeps usage statistics as confirmations and claims arrive (seed 004, rules.md §9; decision 0115)', async () => {
        await store.insurers.insertMany([
          {
            insurerNumber: '01350016',
            name: '協会けんぽ 山口支部',
            scheme: 'kyokai',
            prefecture: '35',
            branch: '山口支部',
          },
          {
            insurerNumber: '01130012',
            name: '協会けんぽ 東京支部',
            scheme: 'kyokai',
            prefecture: '13',
            branch: '東京支部',
          },
        ]);
        await store.institutions.upsert({
          institutionCode: '3511111111',
          name: '山口病院',
          kind: 'hospital',
          prefecture: '35',
          address: '山口県山口市1-1',
          oqsEnabled: true,
          readerStatus: 'working',
          consentItemsEnabled: ['medication', 'checkup'],
          smartphoneReader: false,
        });
        const check = {
          institutionCode: '3511111111',
          qualificationId: null,
          insurerNumber: '01350016',
          authentication: null,
          qualificationValidity: 1,
          resultCode: 'ok',
          referenceNumber: null,
        };
        await store.transaction(async (tx) => {
          await tx.confirmations.insertMany([
            {
              ...check,
              id: 'k1',
              personId: 'p1',
              at: '2025-09-01T00:00:00Z',
              confirmedOn: '2025-09-01',
              method: 'card',
            },
            {
              ...check,
              id: 'k2',
              personId: 'p1',
              at: '2025-09-08T00:00:00Z',
              confirmedOn: '2025-09-08',
              method: 'card',
            },
            {
              ...check,
              id: 'k3',
              personId: 'p2',
              at: '2025-09-08T00:00:00Z',
              confirmedOn: '2025-09-08',
              method: 'number',
            },
            {
              ...check,
              id: 'k4',
              personId: 'p3',
              at: '2025-09-09T00:00:00Z',
              confirmedOn: '2025-09-09',
              method: 'visual',
              qualificationValidity: null,
            },
            // Refused before any lookup: not an オンライン資格確認利用件数.
            {
              ...check,
              id: 'k5',
              personId: null,
              at: '2025-09-09T00:00:00Z',
              confirmedOn: '2025-09-09',
              method: 'card',
              qualificationValidity: null,
            },
          ]);
        });
        // A later single record of the same person in the same month adds a check but not a person.
        await store.confirmations.record({
          ...check,
          personId: 'p1',
          at: '2025-09-20T00:00:00Z',
          confirmedOn: '2025-09-20',
          method: 'card',
        });
        const claim = {
          insurerNumber: '01350016',
          qualificationId: null,
          institutionCode: '3511111111',
          institutionKind: 'hospital' as const,
          month: '2025-09',
          days: 1,
          points: 100,
          totalCost: 1000,
          insurerPaid: 700,
          publicPaid: 0,
          copayAmount: 300,
        };
        await store.claims.insertMany([
          { ...claim, id: 'c1', personId: 'p1', kind: 'outpatient' },
          { ...claim, id: 'c2', personId: 'p2', kind: 'outpatient' },
          { ...claim, id: 'c3', personId: 'p3', kind: 'inpatient' },
        ]);
        const [sept] = await store.stats.sumUsage({ fromMonth: '2025-09', toMonth: '2025-09', groupBy: ['branch'] });
        expect(sept).toEqual({
          month: null,
          branch: '35',
          insurerNumber: null,
          institutionKind: null,
          institutionPrefecture: null,
          cardChecks: 3,
          numberChecks: 1,
          bulkChecks: 0,
          visualChecks: 1,
          cardPersons: 1,
          outpatientClaims: 2,
          inpatientClaims: 1,
        });
        expect(
          await store.stats.sumUsage({ fromMonth: '2025-10', toMonth: '2025-12', scheme: 'kyokai', groupBy: [] }),
        ).toEqual([]);
        expect(
          (
            await store.stats.sumUsage({
              fromMonth: '2025-01',
              toMonth: '2025-12',
              groupBy: ['month', 'institutionKind'],
            })
          ).map((g) => [g.month, g.institutionKind, g.cardChecks]),
        ).toEqual([['2025-09', 'hospital', 3]]);
        expect(await store.stats.usageMonths()).toEqual(['2025-09']);
      });

      it('snapshots 利用登録率 per insurer at a month end (seed 004; decision 0115)', async () => {
        await store.insurers.insertMany([
          {
            insurerNumber: '01350016',
            name: '協会けんぽ 山口支部',
            scheme: 'kyokai',
            prefecture: '35',
            branch: '山口支部',
          },
        ]);
        await store.persons.insertMany([person('p1'), person('p2'), person('p3')]);
        await member('p1', { insurerNumber: '01350016', number: '1' });
        await member('p2', { insurerNumber: '01350016', number: '2' });
        await member('p3', { insurerNumber: '01350016', number: '3', lostOn: '2025-09-15', lossReason: '99' });
        const card = await store.cards.insert({
          personId: 'p1',
          kind: 'standard',
          platform: null,
          issuedOn: '2020-01-01',
          expiresOn: '2030-01-01',
          status: 'active',
          statusChangedOn: null,
        });
        await store.cards.register({ personId: 'p1', cardId: card.id, registeredOn: '2025-09-10', channel: 'reader' });
        expect(await store.stats.snapshotRegistrations('2025-08', '2025-08-31')).toBe(1);
        expect(await store.stats.snapshotRegistrations('2025-09', '2025-09-30')).toBe(1);
        expect(await store.stats.snapshotRegistrations('2025-09', '2025-09-30')).toBe(1);
        expect(
          await store.stats.sumRegistrations({
            fromMonth: '2025-08',
            toMonth: '2025-09',
            groupBy: ['month', 'branch'],
          }),
        ).toEqual([
          { month: '2025-08', branch: '35', insurerNumber: null, members: 3, registered: 0 },
          { month: '2025-09', branch: '35', insurerNumber: null, members: 2, registered: 1 },
        ]);
      });

      it('lists persons in id order page by page, and inserts consents in bulk', async () => {
        await store.persons.insertMany([person('p3'), person('p1'), person('p2')]);
        expect((await store.persons.list({ limit: 2 })).map((p) => p.id)).toEqual(['p1', 'p2']);
        expect((await store.persons.list({ afterId: 'p2', limit: 2 })).map((p) => p.id)).toEqual(['p3']);
        await store.consents.insertMany([
          {
            id: 'cs1',
            institutionCode: '1311111111',
            personId: 'p1',
            items: ['medication'],
            consentedAt: '2025-10-01T01:00:00.000Z',
            expiresAt: '2025-10-02T01:00:00.000Z',
          },
        ]);
        expect(await store.consents.listByPerson('p1')).toHaveLength(1);
      });

      it("reads a page of persons' qualifications, cards, registrations and DV flags with one query per table (decision 0141)", async () => {
        await store.persons.insertMany([person('p1'), person('p2'), person('p3'), person('p4')]);
        const older = await member('p2', { acquiredOn: '2019-04-01', lostOn: '2020-04-01' });
        const newer = await member('p2', { number: '9999', acquiredOn: '2020-04-01' });
        await member('p1');
        await member('p4');
        const card = (personId: string, issuedOn: string) =>
          store.cards.insert({
            personId,
            kind: 'standard',
            platform: null,
            issuedOn,
            expiresOn: '2034-04-02',
            status: 'active',
            statusChangedOn: null,
          });
        const c3 = await card('p3', '2024-01-15');
        const c2b = await card('p2', '2024-05-01');
        const c2a = await card('p2', '2023-05-01');
        await card('p4', '2024-01-15');
        await store.cards.register({ personId: 'p3', cardId: c3.id, registeredOn: '2024-02-01', channel: 'reader' });
        await store.cards.register({ personId: 'p2', cardId: c2a.id, registeredOn: '2023-06-01', channel: 'portal' });
        await store.cards.register({ personId: 'p4', cardId: c3.id, registeredOn: '2024-02-01', channel: 'reader' });
        await store.dvFlags.set({ personId: 'p3', flag: 'nonDisclosure', setOn: '2024-01-10', setBy: '01130012' });
        await store.dvFlags.set({ personId: 'p1', flag: 'selfInfoBlocked', setOn: '2024-03-01', setBy: '01130012' });
        // The page after p1 up to p3: p2 and p3 only, grouped by person in id order, each as its per-person read.
        const range = { afterId: 'p1', throughId: 'p3' };
        expect((await store.qualifications.findByPersonRange(range)).map((q) => q.id)).toEqual([newer.id, older.id]);
        expect((await store.cards.listByPersonRange(range)).map((c) => c.id)).toEqual([c2a.id, c2b.id, c3.id]);
        expect((await store.cards.registrationsByPersonRange(range)).map((r) => r.personId)).toEqual(['p2', 'p3']);
        expect((await store.dvFlags.listByPersonRange(range)).map((f) => f.personId)).toEqual(['p3']);
        // Without afterId the range starts at the first person.
        expect((await store.dvFlags.listByPersonRange({ throughId: 'p2' })).map((f) => f.flag)).toEqual([
          'selfInfoBlocked',
        ]);
        expect(await store.qualifications.findByPersonRange({ throughId: 'p2' })).toEqual([
          ...(await store.qualifications.findByPerson('p1')),
          ...(await store.qualifications.findByPerson('p2')),
        ]);
      });

      it('opens a consent for 24 hours at one institution only (rules.md §6)', async () => {
        await store.consents.record({
          institutionCode: '1311111111',
          personId: 'p1',
          items: ['medication', 'checkup'],
          consentedAt: '2025-10-01T01:00:00.000Z',
          expiresAt: '2025-10-02T01:00:00.000Z',
        });
        expect(await store.consents.activeAt('p1', '1311111111', '2025-10-02T00:59:59.000Z')).toHaveLength(1);
        expect(await store.consents.activeAt('p1', '1311111111', '2025-10-02T01:00:00.000Z')).toEqual([]);
        expect(await store.consents.activeAt('p1', '2711111111', '2025-10-01T02:00:00.000Z')).toEqual([]);
        expect((await store.consents.listByPerson('p1'))[0]?.items).toEqual(['medication', 'checkup']);
      });

      it('lists clinical records and claims of one person only, in the asked range', async () => {
        await store.clinicalRecords.insertMany([
          {
            id: 'r1',
            personId: 'p1',
            kind: 'medication',
            date: '2025-01-10',
            institutionCode: '1311111111',
            claimId: 'c1',
            code: '620000001',
            name: 'アムロジピン錠5mg',
            detail: { quantity: 28, unit: '錠', usage: '1日1回朝食後' },
          },
          {
            id: 'r2',
            personId: 'p2',
            kind: 'medication',
            date: '2025-01-11',
            institutionCode: '1311111111',
            claimId: null,
            code: '620000002',
            name: 'ロキソプロフェン錠',
            detail: {},
          },
        ]);
        const recs = await store.clinicalRecords.listByPerson('p1', 'medication', '2022-01-01', '2025-12-31');
        expect(recs.map((r) => r.id)).toEqual(['r1']);
        expect(recs[0]?.detail).toEqual({ quantity: 28, unit: '錠', usage: '1日1回朝食後' });
        const claim = {
          personId: 'p1',
          insurerNumber: '01130012',
          qualificationId: 'q1',
          institutionCode: '1311111111',
          institutionKind: 'clinic' as const,
          kind: 'outpatient' as const,
          days: 1,
          points: 350,
          totalCost: 3500,
          insurerPaid: 2450,
          publicPaid: 0,
          copayAmount: 1050,
        };
        await store.claims.insert({ ...claim, month: '2025-01' });
        await store.claims.insert({ ...claim, month: '2025-01', institutionCode: '1322222222' });
        await store.claims.insert({ ...claim, month: '2025-02', personId: 'p2' });
        expect(await store.claims.listByPerson('p1', '2025-01', '2025-12')).toHaveLength(2);
        expect(await store.claims.countOutpatient('2025-01')).toEqual({ claims: 2, persons: 1 });
      });

      it('registers a 照会番号 and re-points it (oqs-interface.md §5)', async () => {
        const r = {
          institutionCode: '1311111111',
          referenceNumber: 'K-0001',
          personId: 'p1',
          qualificationId: 'q1',
          registeredAt: '2025-01-01T00:00:00.000Z',
        };
        await store.referenceNumbers.register(r);
        expect(await store.referenceNumbers.find('1311111111', 'K-0001')).toEqual(r);
        await store.referenceNumbers.register({
          ...r,
          qualificationId: 'q2',
          registeredAt: '2025-02-01T00:00:00.000Z',
        });
        expect((await store.referenceNumbers.find('1311111111', 'K-0001'))?.qualificationId).toBe('q2');
        expect((await store.referenceNumbers.findByPerson('1311111111', 'p1'))?.referenceNumber).toBe('K-0001');
        expect(await store.referenceNumbers.find('2711111111', 'K-0001')).toBeNull();
      });

      it('keeps a 一括照会 job from queued to done with its units (oqs-interface.md §4)', async () => {
        const job = {
          receptionNumber: 'R0000000001',
          institutionCode: '1311111111',
          requestedAt: '2025-10-01T00:00:00.000Z',
          confirmationDate: '2025-10-02',
          status: 'queued' as const,
          units: [
            {
              request: {
                insurerNumber: '01130012',
                symbol: '1234',
                number: '5678',
                branch: '01',
                birthDate: '1980-04-02',
                arbitraryIdentifier: null,
              },
              result: null,
            },
          ],
          completedAt: null,
        };
        await store.bulkJobs.create(job);
        expect(await store.bulkJobs.listClaimable(10, '2025-10-01T00:00:30.000Z')).toEqual([job]);
        // One worker at a time (decision 0164): a claim holds until its lease runs out, or its owner renews it.
        expect(
          await store.bulkJobs.claim('R0000000001', 'w1', '2025-10-01T00:00:30.000Z', '2025-10-01T00:01:00.000Z'),
        ).toBe(true);
        expect((await store.bulkJobs.get('R0000000001'))?.status).toBe('processing');
        expect(
          await store.bulkJobs.claim('R0000000001', 'w2', '2025-10-01T00:00:40.000Z', '2025-10-01T00:01:10.000Z'),
        ).toBe(false);
        expect(await store.bulkJobs.listClaimable(10, '2025-10-01T00:00:40.000Z')).toEqual([]);
        expect(
          await store.bulkJobs.claim('R0000000001', 'w1', '2025-10-01T00:00:50.000Z', '2025-10-01T00:01:20.000Z'),
        ).toBe(true);
        expect(await store.bulkJobs.listClaimable(10, '2025-10-01T00:01:30.000Z')).toHaveLength(1);
        expect(
          await store.bulkJobs.claim('R0000000001', 'w2', '2025-10-01T00:01:30.000Z', '2025-10-01T00:02:00.000Z'),
        ).toBe(true);
        const units = job.units.map((u) => ({
          ...u,
          result: {
            processingResultStatus: 1,
            processingResultCode: null,
            qualificationValidity: 1,
            personId: 'p1',
            qualificationId: 'q1',
            referenceNumber: null,
          },
        }));
        const done = await store.bulkJobs.update('R0000000001', {
          status: 'done',
          units,
          completedAt: '2025-10-01T00:01:00.000Z',
        });
        expect(done).toEqual({ ...job, status: 'done', units, completedAt: '2025-10-01T00:01:00.000Z' });
        expect(await store.bulkJobs.listClaimable(10, '2025-10-01T00:05:00.000Z')).toEqual([]);
        expect(await store.bulkJobs.listByInstitution('1311111111', 10)).toHaveLength(1);
      });

      it('answers which disaster declarations cover a prefecture on a date (rules.md §5)', async () => {
        await store.disasters.declare({
          name: '令和6年能登半島地震',
          prefectures: ['15', '16', '17', '18'],
          startsOn: '2024-01-01',
          endsOn: '2024-06-30',
          declaredAt: '2024-01-02T00:00:00.000Z',
        });
        expect(await store.disasters.activeOn('17', '2024-06-30')).toHaveLength(1);
        expect(await store.disasters.activeOn('17', '2024-07-01')).toEqual([]);
        expect(await store.disasters.activeOn('13', '2024-02-01')).toEqual([]);
        expect(await store.disasters.list()).toHaveLength(1);
      });
    });

    describe('audit log and idempotency keys', () => {
      it('appends audit rows in seq order and refuses a taken seq', async () => {
        const row = (seq: number, personId: string | null) => ({
          seq,
          at: `2025-01-01T00:00:0${seq}.000Z`,
          actorKind: 'institution' as const,
          actorId: '1311111111',
          action: 'confirmQualification',
          personId,
          target: null,
          outcome: 'allowed' as const,
          detail: { method: 'card', ok: true },
          prevHash: `h${seq - 1}`,
          hash: `h${seq}`,
        });
        await store.audit.append(row(1, 'p1'));
        await store.audit.append(row(2, 'p2'));
        await store.audit.append(row(3, 'p1'));
        await expect(store.audit.append(row(3, 'p1'))).rejects.toBeInstanceOf(StoreConflictError);
        expect((await store.audit.last())?.seq).toBe(3);
        expect((await store.audit.scan(1, 10)).map((r) => r.seq)).toEqual([2, 3]);
        expect((await store.audit.listByPerson('p1', 10)).map((r) => r.seq)).toEqual([3, 1]);
        expect((await store.audit.scan(0, 1))[0]).toEqual(row(1, 'p1'));
      });

      it('appends a batch of audit rows with multi-row inserts, all or nothing on a taken seq (decision 0147)', async () => {
        const row = (seq: number) => ({
          seq,
          at: `2025-01-01T00:00:${String(seq).padStart(2, '0')}.000Z`,
          actorKind: 'institution' as const,
          actorId: '1311111111',
          action: 'oqs.confirm.card',
          personId: seq % 2 === 0 ? 'p2' : null,
          target: `c${seq}`,
          outcome: 'allowed' as const,
          detail: { method: 'card', seq },
          prevHash: `h${seq - 1}`,
          hash: `h${seq}`,
        });
        const first = Array.from({ length: 40 }, (_, i) => row(i + 1));
        await store.audit.appendMany(first);
        expect(await store.audit.scan(0, 100)).toEqual(first);
        await expect(store.audit.appendMany([row(41), row(40)])).rejects.toBeInstanceOf(StoreConflictError);
        expect((await store.audit.last())?.seq).toBe(40);
        await store.audit.appendMany([]);
        expect((await store.audit.scan(0, 100)).length).toBe(40);
      });

      it('stores the first response under an idempotency key and never overwrites it', async () => {
        const rec = {
          scope: 'insurer:01130012',
          key: 'k-1',
          requestHash: 'abc',
          responseStatus: 201,
          responseBody: { id: 'q1', nested: { ok: true } },
          createdAt: '2025-01-01T00:00:00.000Z',
        };
        expect(await store.idempotency.put(rec)).toBe(true);
        expect(await store.idempotency.put({ ...rec, responseStatus: 500 })).toBe(false);
        expect(await store.idempotency.get('insurer:01130012', 'k-1')).toEqual(rec);
        expect(await store.idempotency.get('insurer:06130011', 'k-1')).toBeNull();
        expect(await store.idempotency.purgeBefore('2025-01-02T00:00:00.000Z')).toBe(1);
        expect(await store.idempotency.get('insurer:01130012', 'k-1')).toBeNull();
      });
    });

    describe('transactions (issue 4: a failed request leaves nothing half-written)', () => {
      it('rolls back every write of a transaction that throws', async () => {
        await expect(
          store.transaction(async (tx) => {
            await tx.persons.insert(person('p1'));
            await tx.qualifications.insert(sampleQualification('p1', { symbol: '1', number: '2', branch: null }));
            throw new Error('validation failed after two writes');
          }),
        ).rejects.toThrow('validation failed');
        expect(await store.persons.get('p1')).toBeNull();
        expect(await store.qualifications.findByPerson('p1')).toEqual([]);
      });

      it('rolls back earlier writes when a later statement fails (duplicate id)', async () => {
        await store.persons.insert(person('p0'));
        await expect(
          store.transaction(async (tx) => {
            await tx.persons.insert(person('p1'));
            await tx.persons.insert(person('p0'));
          }),
        ).rejects.toThrow();
        expect(await store.persons.get('p1')).toBeNull();
        expect(await store.persons.count()).toBe(1);
      });

      it('commits, and store calls made inside the callback join the transaction', async () => {
        const result = await store.transaction(async (tx) => {
          await tx.persons.insert(person('p1'));
          const seen = await store.persons.get('p1');
          await store.transaction(async (inner) => inner.persons.insert(person('p2')));
          return seen?.id;
        });
        expect(result).toBe('p1');
        expect(await store.persons.count()).toBe(2);
      });

      it('keeps joining store calls to their transaction when another transaction ends first (decision 0148)', async () => {
        let release: () => void = () => undefined;
        const gate = new Promise<void>((resolve) => {
          release = resolve;
        });
        const long = store.transaction(async (tx) => {
          await tx.persons.insert(person('p1'));
          await gate;
          return (await store.persons.get('p1'))?.id;
        });
        const short = store.transaction(async (tx) => {
          await tx.persons.insert(person('p2'));
          return (await store.persons.get('p2'))?.id;
        });
        if (store.kind === 'postgres') {
          // Concurrent transactions: the short one ends while the long one is open, whose later calls must still join it.
          expect(await short).toBe('p2');
        }
        // SQLite runs transactions one at a time: the short one starts after the long one ended and joins its own calls.
        release();
        expect(await long).toBe('p1');
        expect(await short).toBe('p2');
        expect(await store.persons.count()).toBe(2);
      });

      it('never shows another request an uncommitted write, even while the transaction awaits', async () => {
        let release: () => void = () => undefined;
        const gate = new Promise<void>((resolve) => {
          release = resolve;
        });
        let inserted: () => void = () => undefined;
        const insertedSignal = new Promise<void>((resolve) => {
          inserted = resolve;
        });
        const failing = store.transaction(async (tx) => {
          await tx.persons.insert(person('p1'));
          inserted();
          await gate;
          throw new Error('abort');
        });
        await insertedSignal;
        const outside = store.persons.get('p1');
        release();
        await expect(failing).rejects.toThrow('abort');
        expect(await outside).toBeNull();
        expect(await store.persons.get('p1')).toBeNull();
      });
    });

    describe('bulk load (seed and CSV import)', () => {
      const N = 10_000;
      const people = (): Person[] =>
        Array.from({ length: N }, (_, i) => person(`bulk-${String(i).padStart(6, '0')}`, { nameKana: `カナ${i}` }));

      it('loads 10,000 persons with qualifications and My Numbers in one transaction', async () => {
        const ps = people();
        await store.transaction(async (tx) => {
          for (let i = 0; i < N; i += 2_500) {
            const batch = ps.slice(i, i + 2_500);
            await tx.persons.insertMany(batch);
            await tx.qualifications.insertMany(
              batch.map((p, j) => ({
                id: `q-${p.id}`,
                personId: p.id,
                insurerNumber: '01130012',
                symbol: '7000',
                number: String(i + j),
                branch: '00',
                relationship: 'insured' as const,
                insuredQualificationId: null,
                acquiredOn: '2020-04-01',
                lostOn: null,
                lossReason: null,
                cardClassification: '01' as const,
              })),
            );
            await tx.individualNumbers.insertMany(
              batch.map((p, j) => ({
                personId: p.id,
                individualNumber: String(100_000_000_000 + i + j),
                linkedOn: '2024-12-02',
                linkedBy: null,
              })),
            );
          }
        });
        expect(await store.persons.count()).toBe(N);
        const q = await store.qualifications.findByMemberKey({
          insurerNumber: '01130012',
          symbol: '７０００',
          number: '９９９９',
          branch: '00',
        });
        expect(q.map((x) => x.personId)).toEqual(['bulk-009999']);
        expect((await store.individualNumbers.findByNumber('100000009999'))?.personId).toBe('bulk-009999');
      });

      it('leaves the database as before when a bulk import fails part-way (all-or-nothing)', async () => {
        const ps = people();
        await expect(
          store.transaction(async (tx) => {
            await tx.persons.insertMany(ps.slice(0, 5_000));
            await tx.persons.insertMany(ps.slice(4_999));
          }),
        ).rejects.toThrow();
        expect(await store.persons.count()).toBe(0);
      });

      it('makes one multi-row insert all-or-nothing even outside a transaction', async () => {
        const ps = people().slice(0, 3_000);
        await expect(store.persons.insertMany([...ps, ps[0] ?? person('x')])).rejects.toThrow();
        expect(await store.persons.count()).toBe(0);
      });

      /** One person with a row in every table `BulkRows` carries (decision 0125). */
      const bulkRecords = (id: string, n: number): BulkRecords => ({
        persons: [person(id)],
        links: [
          { personId: id, individualNumber: String(200_000_000_000 + n), linkedOn: '2024-12-02', linkedBy: null },
        ],
        qualifications: [
          { ...sampleQualification(id, { symbol: '8000', number: String(n), branch: '00' }), id: `${id}q1` },
        ],
        attributes: [
          {
            id: `${id}q1a1`,
            qualificationId: `${id}q1`,
            personId: id,
            kind: 'copayRate',
            rate: 0.3,
            validFrom: '2020-04-01',
            validTo: null,
            recordedAt: '2020-04-01T00:00:00.000Z',
            supersededAt: null,
          },
        ],
        cards: [
          {
            id: `${id}c1`,
            personId: id,
            kind: 'standard',
            platform: null,
            issuedOn: '2021-05-01',
            expiresOn: '2031-05-01',
            status: 'active',
            statusChangedOn: null,
          },
        ],
        registrations: [
          {
            id: `${id}r1`,
            personId: id,
            cardId: `${id}c1`,
            registeredOn: '2022-01-10',
            channel: 'portal',
            unregisteredOn: null,
          },
        ],
        dvFlags: [
          {
            id: `${id}v1`,
            personId: id,
            flag: 'nonDisclosure',
            setOn: '2023-03-01',
            clearedOn: null,
            setBy: '01130012',
          },
        ],
        documents: [
          {
            id: `${id}d1`,
            personId: id,
            qualificationId: `${id}q1`,
            insurerNumber: '01130012',
            kind: 'qualificationNotice',
            issuedOn: '2024-12-02',
            validFrom: '2024-12-02',
            validTo: null,
            onRequest: true,
            printed: {
              nameKanji: '山田　太郎',
              nameKana: 'ヤマダ　タロウ',
              birthDate: '1980-04-02',
              insurerNumber: '01130012',
              insurerName: '全国健康保険協会 東京支部',
              symbol: '8000',
              number: String(n),
              branch: '00',
              acquiredOn: '2020-04-01',
              individualNumberLast4: String(200_000_000_000 + n).slice(8),
            },
          },
        ],
      });

      it('stores encoded bulk rows, sent as JSON text, exactly as the repositories would (decision 0125)', async () => {
        const r = bulkRecords('bk1', 7);
        await store.bulkRows.insert(parseBulkRows(JSON.stringify(encodeBulkRows(r))));
        expect(await store.persons.get('bk1')).toEqual(r.persons[0]);
        const link = await store.individualNumbers.findByNumber('200000000007');
        expect(link).toMatchObject({ personId: 'bk1', individualNumberLast4: '0007', linkedOn: '2024-12-02' });
        expect(link?.individualNumberHash).toBe(store.individualNumbers.hash('200000000007'));
        const found = await store.qualifications.findByMemberKey({
          insurerNumber: '01130012',
          symbol: '８０００',
          number: '７',
          branch: '00',
        });
        expect(found).toEqual(r.qualifications.map((q) => ({ ...q, memberKey: memberKey(q) })));
        expect((await store.qualifications.attributesAsOf('bk1q1', '2025-01-01')).copayRate).toEqual(r.attributes[0]);
        expect(await store.cards.listByPerson('bk1')).toEqual(r.cards);
        expect(await store.cards.registrations('bk1')).toEqual(r.registrations);
        expect(await store.dvFlags.listByPerson('bk1')).toEqual(r.dvFlags);
        expect(await store.documents.listByPerson('bk1')).toEqual(r.documents);
      });

      it('refuses a bulk row of the wrong width and a malformed My Number, and writes none of the batch', async () => {
        const r = encodeBulkRows(bulkRecords('bk2', 8));
        await expect(store.bulkRows.insert({ ...r, cards: [[...(r.cards[0] ?? []), 'extra']] })).rejects.toThrow(
          RangeError,
        );
        await expect(store.bulkRows.insert({ ...r, links: [['12345', 'bk2', '2024-12-02', null]] })).rejects.toThrow(
          RangeError,
        );
        expect(() => parseBulkRows('{"persons":[[{"id":1}]]}')).toThrow(RangeError);
        expect(await store.persons.count()).toBe(0);
      });

      it('commits a bulk load with its indexes usable, and rolls all of it back when it throws (decision 0126)', async () => {
        await store.bulkLoad(async (tx) => {
          for (let i = 0; i < 3; i++) {
            await tx.bulkRows.insert(encodeBulkRows(bulkRecords(`bl${String(i)}`, 100 + i)));
          }
        });
        expect((await store.qualifications.listByInsurer('01130012', { limit: 10 })).map((q) => q.personId)).toEqual([
          'bl0',
          'bl1',
          'bl2',
        ]);
        expect(await store.documents.listByInsurer('01130012', '2024-12-01', '2024-12-31', { limit: 10 })).toHaveLength(
          3,
        );
        await expect(
          store.bulkLoad(async (tx) => {
            await tx.bulkRows.insert(encodeBulkRows(bulkRecords('bl9', 109)));
            throw new Error('stop');
          }),
        ).rejects.toThrow('stop');
        expect(await store.persons.count()).toBe(3);
        expect(await store.individualNumbers.findByNumber('200000000109')).toBeNull();
        // The indexes survive the rollback: the same lookups still answer.
        expect(await store.qualifications.listByInsurer('01130012', { limit: 10 })).toHaveLength(3);
        expect(await store.cards.listByPerson('bl1')).toHaveLength(1);
      });

      it('answers lookups of its own rows inside a bulk load that keeps its indexes (decision 0150)', async () => {
        const found = await store.bulkLoad(
          async (tx) => {
            await tx.bulkRows.insert(encodeBulkRows(bulkRecords('bk0', 120)));
            return {
              link: (await tx.individualNumbers.findByNumber('200000000120'))?.personId,
              members: (
                await tx.qualifications.findByMemberKeys([
                  memberKey({ insurerNumber: '01130012', symbol: '8000', number: '120', branch: '00' }),
                ])
              ).map((q) => q.id),
            };
          },
          { keepIndexes: true },
        );
        expect(found).toEqual({ link: 'bk0', members: ['bk0q1'] });
        expect((await store.qualifications.listByInsurer('01130012', { limit: 10 })).map((q) => q.personId)).toEqual([
          'bk0',
        ]);
      });
    });

    describe('batched lookups of the CSV import (decision 0135)', () => {
      it('finds a chunk of member keys, persons, person qualifications and My Number hashes in one call each', async () => {
        await store.persons.insertMany([person('p1'), person('p2', { birthDate: '1990-01-01' }), person('p3')]);
        const insured = await member('p1', { number: '1', branch: '00' });
        const dependant = await member('p2', {
          number: '1',
          branch: '01',
          relationship: 'dependant',
          insuredQualificationId: null,
        });
        const other = await member('p3', { number: '2', branch: '00', acquiredOn: '2021-04-01', lostOn: '2022-04-01' });
        const keyOf = (q: Qualification): string => memberKey(q);
        const found = await store.qualifications.findByMemberKeys([
          keyOf(insured),
          keyOf(other),
          keyOf(insured),
          memberKey({ insurerNumber: '01130012', symbol: '1234', number: '9', branch: '00' }),
        ]);
        expect(found.map((q) => q.id).sort()).toEqual([insured.id, other.id].sort());
        expect(found.find((q) => q.id === other.id)).toEqual(other);
        expect(await store.qualifications.findByMemberKeys([])).toEqual([]);
        expect((await store.qualifications.findByPersons(['p2', 'p3', 'nobody'])).map((q) => q.id).sort()).toEqual(
          [dependant.id, other.id].sort(),
        );
        expect((await store.persons.getMany(['p2', 'p1', 'p2', 'nobody'])).map((p) => p.id).sort()).toEqual([
          'p1',
          'p2',
        ]);

        const hash = store.individualNumbers.hash('123456789018');
        await store.individualNumbers.insertLinks([
          {
            personId: 'p1',
            individualNumberHash: hash,
            individualNumberLast4: '9018',
            linkedOn: '2024-12-02',
            linkedBy: '01130012',
          },
        ]);
        const link = await store.individualNumbers.findByNumber('123456789018');
        if (link === null) {
          throw new Error('the link was not stored');
        }
        expect(link.personId).toBe('p1');
        expect(
          await store.individualNumbers.findByHashes([hash, store.individualNumbers.hash('234567890123')]),
        ).toEqual([link]);
        await expect(store.individualNumbers.insertLinks([{ ...link, personId: 'p3' }])).rejects.toThrow();

        await store.qualifications.linkInsured([{ id: dependant.id, insuredQualificationId: insured.id }]);
        expect((await store.qualifications.dependantsOf(insured.id)).map((q) => q.id)).toEqual([dependant.id]);
      });

      it('answers a lookup of more keys than one statement takes (1,300 member keys)', async () => {
        const ps = Array.from({ length: 1_300 }, (_, i) => person(`k-${String(i).padStart(4, '0')}`));
        await store.persons.insertMany(ps);
        await store.qualifications.insertMany(
          ps.map((p, i) => ({
            id: `q-${p.id}`,
            personId: p.id,
            insurerNumber: '01130012',
            symbol: '7000',
            number: String(i),
            branch: '00',
            relationship: 'insured' as const,
            insuredQualificationId: null,
            acquiredOn: '2020-04-01',
            lostOn: null,
            lossReason: null,
            cardClassification: '01' as const,
          })),
        );
        const keys = ps.map((_, i) =>
          memberKey({ insurerNumber: '01130012', symbol: '7000', number: String(i), branch: '00' }),
        );
        expect(new Set((await store.qualifications.findByMemberKeys(keys)).map((q) => q.personId)).size).toBe(1_300);
        expect((await store.persons.getMany(ps.map((p) => p.id))).length).toBe(1_300);
      });
    });

    describe('access by person (decision 0040)', () => {
      it('answers each hot lookup from one person’s rows only', async () => {
        await store.persons.insertMany([person('p1'), person('p2')]);
        const q1 = await member('p1');
        await member('p2', { number: '9999' });
        await store.certificates.insert(
          {
            serial: 'aa',
            cardId: 'c1',
            kind: 'auth',
            notBefore: '2024-01-01T00:00:00.000Z',
            notAfter: '2029-01-01T00:00:00.000Z',
            revokedAt: null,
            revocationReason: null,
            der: new Uint8Array([1]),
          },
          'p1',
          '2024-01-01T00:00:00.000Z',
        );
        const personId = await store.certificates.personIdBySerial('aa');
        expect(personId).toBe('p1');
        expect(await store.qualifications.currentForPerson(personId ?? '', '2025-01-01')).toEqual([q1]);
        expect(await store.dvFlags.activeOn('p2', '2025-01-01')).toEqual([]);
      });
    });

    describe('migrations', () => {
      it('opens an existing database again without re-applying migrations or losing data', async () => {
        await store.persons.insert(person('p1'));
        const again = await sut.reopen();
        try {
          expect(await again.persons.get('p1')).toEqual(person('p1'));
        } finally {
          await again.close();
        }
      });
    });
  });
}
