import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MEMBER_COLUMNS } from '../../commands/insurer/import/memberRow.js';
import { createTestServer, type TestServer } from '../../testing/harness.js';
import { INSURERS, enrolInsured, get, newPerson, post, registerInsurer } from '../../testing/insurerFactories.js';

/*
 * The insurer console's server side (issue 9 "Insurer console (web)"): search by 記号・番号 / カナ氏名 / 生年月日,
 * the member's surroundings with DV flags only as set / not set, and the CSV import over HTTP (docs/import-format.md)
 * with progress lines and a downloadable reject report.
 */

let server: TestServer;
let tokyo: string;
let miyagi: string;

beforeEach(async () => {
  server = await createTestServer({ at: '2026-04-01T00:00:00Z' });
  tokyo = await registerInsurer(server, INSURERS.kyokaiTokyo);
  miyagi = await registerInsurer(server, INSURERS.kyokaiMiyagi);
});

afterEach(async () => {
  await server.close();
});

interface Found {
  memberId: string;
  branch: string | null;
  nameKana: string;
  relationship: string;
}

async function search(token: string, query: string): Promise<{ status: number; members: Found[]; code?: string }> {
  const res = await get(server, token, `/insurer/v1/console/members?${query}`);
  return {
    status: res.status,
    members: (res.body.members as Found[] | undefined) ?? [],
    ...(res.body.error === undefined ? {} : { code: res.body.error.code }),
  };
}

describe('console search (issue 9: search members by 記号・番号, name kana, birth date)', () => {
  it('finds a household by 記号・番号 without 枝番, by kana typed in hiragana, and by birth date; never another insurer’s', async () => {
    const insured = await enrolInsured(server, tokyo, { symbol: '1001', number: '77', branch: '00' });
    const dep = await post(server, tokyo, `/insurer/v1/members/${insured}/dependants`, {
      person: newPerson({ nameKanji: '協会 花子', nameKana: 'キョウカイ ハナコ', birthDate: '2015-05-05' }),
      branch: '01',
      acquiredOn: '2024-04-01',
    });
    expect(dep.status).toBe(201);
    await enrolInsured(server, miyagi, { symbol: '1001', number: '77', branch: '00' });

    const household = await search(tokyo, 'symbol=%EF%BC%91001&number=77');
    expect(household.members.map((m) => m.branch)).toEqual(['00', '01']);
    const byKana = await search(tokyo, `nameKana=${encodeURIComponent('きょうかい は')}`);
    expect(byKana.members.map((m) => m.memberId)).toEqual([dep.body.memberId]);
    const byBirth = await search(tokyo, 'birthDate=1989-10-01');
    expect(byBirth.members.map((m) => m.memberId)).toEqual([insured]);
  });

  it('refuses an empty search with a coded error in both languages', async () => {
    const res = await search(tokyo, 'nameKana=%20');
    expect(res.status).toBe(422);
    expect(res.code).toBe('ONSHI-E-INSURER-SEARCH-EMPTY');
  });
});

describe('member surroundings (issue 9: dependants, card registration, DV flags as set / not set)', () => {
  it('lists the dependants, and shows a DV flag only as in force or not — no date, no reason, no setter', async () => {
    const insured = await enrolInsured(server, tokyo, { symbol: '1001', number: '78', branch: '00' });
    await post(server, tokyo, `/insurer/v1/members/${insured}/dependants`, {
      person: newPerson({ nameKana: 'キョウカイ ジロウ', birthDate: '2016-06-06' }),
      branch: '01',
      acquiredOn: '2024-04-01',
    });
    expect(
      (
        await post(server, tokyo, `/insurer/v1/members/${insured}/dv-flags`, {
          flag: 'nonDisclosure',
          setOn: '2026-03-01',
        })
      ).status,
    ).toBe(201);
    const res = await get(server, tokyo, `/insurer/v1/console/members/${insured}/surroundings`);
    expect(res.status).toBe(200);
    expect(res.body.dvFlags).toEqual({ selfInfoBlocked: false, nonDisclosure: true });
    expect((res.body.dependants as Found[]).map((d) => d.nameKana)).toEqual(['キョウカイ ジロウ']);
    expect(res.body.registration).toBeNull();
    expect(res.body.cards).toEqual([]);
    const before = await get(server, tokyo, `/insurer/v1/console/members/${insured}/surroundings?asOf=2026-02-28`);
    expect(before.body.dvFlags).toEqual({ selfInfoBlocked: false, nonDisclosure: false });
  });

  it('refuses another insurer’s member (issue 4: own members only)', async () => {
    const other = await enrolInsured(server, miyagi, { number: '79' });
    expect((await get(server, tokyo, `/insurer/v1/console/members/${other}/surroundings`)).status).toBe(403);
  });
});

/** A member CSV in the documented columns (docs/import-format.md §2). */
function csv(rows: Record<string, string>[]): string {
  const header = MEMBER_COLUMNS.map((c) => c.header);
  const lines = rows.map((r) => MEMBER_COLUMNS.map((c) => r[c.key] ?? '').join(','));
  return [header.join(','), ...lines].join('\r\n') + '\r\n';
}

function row(number: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    symbol: '2002',
    number,
    branch: '00',
    relationship: '1',
    nameKanji: '取込 一郎',
    nameKana: 'トリコミ イチロウ',
    birthDate: '1980-01-01',
    sex: '1',
    postalCode: '100-0001',
    address: '東京都千代田区千代田1-1',
    acquiredOn: '2026-04-01',
    copayRate: '3',
    ...extra,
  };
}

interface Line {
  type: string;
  importId: string;
  committed: boolean | null;
  rows: number;
  qualifications: number;
  rejects: number;
  rejectReport: string | null;
  progress: { rows: number };
}

async function upload(token: string, body: string): Promise<Line[]> {
  const res = await server.app.inject({
    method: 'POST',
    url: '/insurer/v1/member-imports',
    headers: { authorization: token, 'content-type': 'text/csv' },
    payload: body,
  });
  expect(res.statusCode).toBe(200);
  expect(res.headers['content-type']).toContain('application/x-ndjson');
  return res.body
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Line);
}

describe('member CSV import over HTTP (issue 9: CSV import with a progress bar and a downloadable reject report)', () => {
  it('imports every row of a good file and reports progress before the done line', async () => {
    const rows = Array.from({ length: 1200 }, (_, i) => row(String(1000 + i)));
    const lines = await upload(tokyo, csv(rows));
    const done = lines.at(-1);
    expect(done).toMatchObject({ type: 'done', committed: true, rows: 1200, qualifications: 1200, rejects: 0 });
    expect(done?.rejectReport).toBeNull();
    expect(lines.filter((l) => l.type === 'progress').map((l) => l.progress.rows)).toEqual(
      expect.arrayContaining([500, 1000]),
    );
    expect((await search(tokyo, 'symbol=2002&number=1000')).members).toHaveLength(1);
  });

  it('a bad row → nothing imported, and the reject report names the row, the column and the reason (import-format.md §4)', async () => {
    const lines = await upload(tokyo, csv([row('3001'), row('3002', { birthDate: '1980-13-01' }), row('3003')]));
    const done = lines.at(-1);
    expect(done).toMatchObject({ type: 'done', committed: false, rows: 3, qualifications: 0, rejects: 1 });
    expect((await search(tokyo, 'symbol=2002&number=3001')).members).toEqual([]);
    const report = await server.app.inject({
      method: 'GET',
      url: done?.rejectReport ?? '',
      headers: { authorization: tokyo },
    });
    expect(report.statusCode).toBe(200);
    expect(report.headers['content-type']).toContain('text/csv');
    const [header, first] = report.body
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\r\n');
    expect(header).toBe('行,列,コード,メッセージ,message');
    expect(first).toMatch(/^3,生年月日,IMPORT_DATE,/);
    const other = await server.app.inject({
      method: 'GET',
      url: done?.rejectReport ?? '',
      headers: { authorization: miyagi },
    });
    expect(other.statusCode).toBe(404);
  });

  it('refuses an upload without an insurer credential before reading it', async () => {
    const res = await server.app.inject({
      method: 'POST',
      url: '/insurer/v1/member-imports',
      headers: { 'content-type': 'text/csv' },
      payload: csv([row('4001')]),
    });
    expect(res.statusCode).toBe(401);
  });
});
