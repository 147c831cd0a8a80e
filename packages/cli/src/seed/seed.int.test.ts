import { copyFileSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FixedClock } from '@onshi/core';
import { principalOf, secretMatches } from '@onshi/server/http/auth';
import { openContext } from '../context.js';
import { credentialsPathFor, issueSeedCredentials, writeCredentialsFile, type CredentialsFile } from './credentials.js';
import { seedDemoIfEmpty } from './demo.js';
import { SeedError, seedPopulation } from './seedPopulation.js';
import { seedWallet, walletPathFor } from './wallet.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'onshi-seed-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

const clock = new FixedClock('2026-04-01T00:00:00Z');
const OPTIONS = { people: 300, seed: 42, asOf: '2026-04-01', institutions: 60 };

async function seededPersons(db: string): Promise<{ names: string[]; counts: unknown; qualifications: string[] }> {
  const ctx = await openContext(db, clock);
  try {
    const counts = await seedPopulation(ctx.store, OPTIONS);
    const kyokai = '01130012';
    const qualifications = (await ctx.store.qualifications.listByInsurer(kyokai, { limit: 50 })).map(
      (q) => `${q.id}:${q.personId}:${q.memberKey}:${q.acquiredOn}`,
    );
    const names: string[] = [];
    for (const q of await ctx.store.qualifications.listByInsurer(kyokai, { limit: 50 })) {
      names.push((await ctx.store.persons.get(q.personId))?.nameKana ?? '');
    }
    return { names, counts, qualifications };
  } finally {
    await ctx.store.close();
  }
}

describe('onshi seed (issue 4 "A synthetic Japan")', () => {
  it('writes the same population for the same seed into two fresh databases', async () => {
    const a = await seededPersons(join(dir, 'a.db'));
    const b = await seededPersons(join(dir, 'b.db'));
    expect(a).toEqual(b);
    expect(a.counts).toMatchObject({ persons: 300, individualNumbers: 300, insurers: expect.any(Number) });
    expect(a.qualifications.length).toBeGreaterThan(0);
  });

  it('stores every generated row: persons, links, qualifications with attributes, cards and registrations', async () => {
    const ctx = await openContext(join(dir, 'c.db'), clock);
    try {
      const counts = await seedPopulation(ctx.store, OPTIONS);
      expect(await ctx.store.persons.count()).toBe(300);
      expect(counts.qualifications).toBeGreaterThanOrEqual(300);
      expect(counts.attributes).toBeGreaterThan(counts.qualifications);
      // About 80 % hold a card and about 88 % of holders registered (rules.md §9): loose bounds for 300 people.
      expect(counts.cards).toBeGreaterThan(150);
      expect(counts.registrations).toBeGreaterThan(100);
      expect(await ctx.store.institutions.list()).toHaveLength(60);
    } finally {
      await ctx.store.close();
    }
  });

  it('writes the same rows whether a worker thread or the calling thread generates them (decision 0125)', async () => {
    const rowsOf = async (db: string, worker: boolean): Promise<unknown> => {
      const ctx = await openContext(db, clock);
      try {
        const counts = await seedPopulation(ctx.store, { ...OPTIONS, worker, batchPeople: 70 });
        const persons = await ctx.store.persons.list({ limit: 1000 });
        const perPerson = [];
        for (const p of persons) {
          perPerson.push({
            p,
            qualifications: await ctx.store.qualifications.findByPerson(p.id),
            documents: await ctx.store.documents.listByPerson(p.id),
            cards: await ctx.store.cards.listByPerson(p.id),
            registrations: await ctx.store.cards.registrations(p.id),
            link: await ctx.store.individualNumbers.findByPerson(p.id),
          });
        }
        return { counts, perPerson };
      } finally {
        await ctx.store.close();
      }
    };
    const inThread = await rowsOf(join(dir, 't.db'), false);
    // Same secrets file, so the My Number hashes are comparable too.
    copyFileSync(join(dir, 't.db.secrets.json'), join(dir, 'w.db.secrets.json'));
    const onWorker = await rowsOf(join(dir, 'w.db'), true);
    expect(onWorker).toEqual(inThread);
    expect(inThread).toMatchObject({ counts: { persons: 300 } });
  }, 60_000);

  it('refuses a database that already holds a population', async () => {
    const ctx = await openContext(join(dir, 'd.db'), clock);
    try {
      await seedPopulation(ctx.store, { ...OPTIONS, people: 10 });
      await expect(seedPopulation(ctx.store, { ...OPTIONS, people: 10 })).rejects.toBeInstanceOf(SeedError);
      expect(await ctx.store.persons.count()).toBe(10);
    } finally {
      await ctx.store.close();
    }
  });

  it('issues a working credential for every insurer and institution, the authority and an analyst, in a 0600 file', async () => {
    const db = join(dir, 'e.db');
    const ctx = await openContext(db, clock);
    try {
      await seedPopulation(ctx.store, { ...OPTIONS, people: 10 });
      const file = await issueSeedCredentials(ctx.store, db, '2026-04-01T00:00:00.000Z');
      const path = credentialsPathFor(db);
      expect(path).toBe(`${db}.credentials.json`);
      await writeCredentialsFile(path, file);
      expect(statSync(path).mode & 0o777).toBe(0o600);
      const read = JSON.parse(readFileSync(path, 'utf8')) as CredentialsFile;
      expect(Object.keys(read.insurers)).toHaveLength((await ctx.store.insurers.list()).length);
      expect(Object.keys(read.institutions)).toHaveLength(60);
      // 協会けんぽ 東京支部; 6-digit 国保 numbers are left out here: http/auth principalOf reads 8 digits only.
      const tokens = [read.authority, read.analyst, read.insurers['01130012']!, Object.values(read.institutions)[0]!];
      for (const token of tokens) {
        const dot = token.lastIndexOf('.');
        const stored = await ctx.store.credentials.get(token.slice(0, dot));
        expect(stored).not.toBeNull();
        expect(secretMatches(token.slice(dot + 1), stored!.secretHash)).toBe(true);
        expect(principalOf(token.slice(0, dot))).toBeDefined();
      }
    } finally {
      await ctx.store.close();
    }
  });
});

describe('onshi seed --wallet K (issue 4: certificates for a small subset, by the card authority)', () => {
  it('issues K seeded persons real cards with certificates and writes the wallet file with mode 0600', async () => {
    const db = join(dir, 'w.db');
    const ctx = await openContext(db, clock);
    try {
      await seedPopulation(ctx.store, { ...OPTIONS, people: 200 });
      const result = await seedWallet(ctx, { db, count: 2, asOf: '2026-04-01' });
      expect(result.path).toBe(walletPathFor(db));
      expect(statSync(result.path!).mode & 0o777).toBe(0o600);
      const wallet = JSON.parse(readFileSync(result.path!, 'utf8')) as {
        format: string;
        cards: { cardId: string | null }[];
      };
      expect(wallet.format).toBe('onshi-demo-wallet/1');
      const issued = wallet.cards.filter((c) => c.cardId !== null);
      expect(issued).toHaveLength(result.cards);
      expect(result.cards).toBeGreaterThanOrEqual(2);
      expect((await ctx.store.certificates.listByCard(issued[0]!.cardId!)).length).toBeGreaterThan(0);
    } finally {
      await ctx.store.close();
    }
  }, 300_000);
});

describe('onshi serve on an empty database (issue 4: "npm start seeds a small demo population")', () => {
  it('seeds a demo population once and writes the credentials file; a second start leaves the data alone', async () => {
    const db = join(dir, 'demo.db');
    const ctx = await openContext(db, clock);
    try {
      const first = await seedDemoIfEmpty(ctx, db, 120, 0);
      expect(first).toMatchObject({ seeded: true, credentialsPath: `${db}.credentials.json` });
      expect(await ctx.store.persons.count()).toBe(120);
      expect(statSync(`${db}.credentials.json`).mode & 0o777).toBe(0o600);
      expect(await seedDemoIfEmpty(ctx, db, 120, 0)).toEqual({ seeded: false });
      expect(await ctx.store.persons.count()).toBe(120);
    } finally {
      await ctx.store.close();
    }
  });
});
