import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { decodeQrCodes, extractText, probe, squash } from '../../documents/pdfProbe.js';
import { seedConsent } from '../../testing/oqsPatientFactories.js';
import type { TestServer } from '../../testing/harness.js';
import {
  b64,
  CLINIC,
  deviceLogin,
  memberWithCard,
  portalWorld,
  type PortalWorld,
} from '../../testing/portalFactories.js';
import type { TestCard } from '../../testing/oqsFactories.js';

// 2026-04-01 10:00 JST
const NOW = '2026-04-01T01:00:00Z';

describe('the portal’s views of my data (issue 8; documents-and-screens.md §3; rules.md §5, §8)', () => {
  let world: PortalWorld;
  let server: TestServer;
  beforeEach(async () => {
    world = await portalWorld(NOW);
    server = world.server;
  });
  afterEach(async () => {
    await server.close();
  });

  async function session(card: TestCard): Promise<string> {
    const login = await deviceLogin(world, card);
    if (!login.ok) {
      throw new Error(`login failed: ${String(login.code)}`);
    }
    return login.authorization;
  }

  const get = (url: string, authorization: string, headers: Record<string, string> = {}) =>
    server.app.inject({ url, headers: { authorization, ...headers } });

  it('my qualification now and its history: insurer, 記号・番号・枝番, co-pay and 限度額区分 with their changes', async () => {
    const { card, qualification } = await memberWithCard(world, { copayRate: 0.3 });
    await server.ctx.store.qualifications.setAttribute({
      kind: 'limitCategory',
      qualificationId: qualification.id,
      validFrom: '2025-08-01',
      recordedAt: '2025-07-01T00:00:00.000Z',
      category: 'A03',
      certificateClassification: null,
      issuedOn: null,
      longTermOn: null,
    });
    const auth = await session(card);
    const res = await get('/portal/v1/qualifications', auth);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      asOf: '2026-04-01',
      current: [
        {
          insurerNumber: '01130012',
          insurerName: '全国健康保険協会 東京支部',
          symbol: '1234',
          number: '567',
          branch: '00',
          copayRate: 0.3,
          limitCategory: { code: 'A03' },
          history: [
            { kind: 'copayRate', validFrom: '2020-04-01', value: '3割' },
            { kind: 'limitCategory', validFrom: '2025-08-01', value: expect.stringContaining('A03') },
          ],
        },
      ],
    });
  });

  it('わたしの情報 PDF: the qualification in text and a QR code with an ASCII verification URL that reception verifies (rules.md §5 [S31] rung 1)', async () => {
    const { card, person } = await memberWithCard(world);
    const auth = await session(card);
    const pdf = await get('/portal/v1/my-information.pdf', auth);
    expect(pdf.statusCode).toBe(200);
    expect(pdf.headers['content-type']).toBe('application/pdf');
    const file = await probe(pdf.rawPayload);
    try {
      const text = squash(await extractText(file));
      expect(text).toContain('わたしの情報');
      expect(text).toContain('山田 太郎');
      expect(text).toContain('1234・567・00');
      const [url] = await decodeQrCodes(file);
      expect(url).toMatch(/^http:\/\/[\x21-\x7e]+\/portal\/v1\/my-information\/verifications\?t=[A-Za-z0-9_.%-]+$/);
      expect(url).not.toContain(person.birthDate);
      const parsed = new URL(url ?? '');
      const path = `${parsed.pathname}${parsed.search}`;
      const verified = await server.app.inject({ url: path, headers: { authorization: world.clinicAuth } });
      expect(verified.statusCode).toBe(200);
      expect(verified.json()).toMatchObject({
        valid: true,
        birthDate: '1980-04-01',
        qualifications: [{ insurerNumber: '01130012', symbol: '1234', number: '567', branch: '00', copayRate: 0.3 }],
      });
      expect((await server.app.inject({ url: path })).statusCode).toBe(401);
      const tampered = path.replace(/.(?=[^.]*$)/, (c) => (c === 'A' ? 'B' : 'A'));
      const bad = await server.app.inject({ url: tampered, headers: { authorization: world.clinicAuth } });
      expect(bad.statusCode).toBe(400);
      server.clock.advance(32 * 86_400_000);
      const expired = await server.app.inject({ url: path, headers: { authorization: world.clinicAuth } });
      expect(expired.json()).toMatchObject({ error: { code: 'PORTAL-E-MY-INFORMATION-TOKEN' } });
    } finally {
      await file.dispose();
    }
  });

  it('own records: 薬剤情報 shown to me; hidden while the 自己情報提供不可フラグ is set (rules.md §8, test case 37)', async () => {
    const { card, person } = await memberWithCard(world);
    await server.ctx.store.clinicalRecords.insert({
      personId: person.id,
      kind: 'medication',
      date: '2026-03-10',
      institutionCode: CLINIC,
      claimId: null,
      code: '620000001',
      name: 'アムロジピン錠5mg',
      detail: { quantity: 28 },
    });
    const auth = await session(card);
    const shown = await get('/portal/v1/records/medication', auth);
    expect(shown.json()).toMatchObject({
      from: '2023-04-01',
      records: [{ name: 'アムロジピン錠5mg', institutionName: 'オンシ内科クリニック', detail: { quantity: 28 } }],
    });
    await server.ctx.store.dvFlags.set({
      personId: person.id,
      flag: 'selfInfoBlocked',
      setOn: '2026-04-01',
      setBy: '01130012',
    });
    const hidden = await get('/portal/v1/records/medication', auth);
    expect(hidden.statusCode).toBe(403);
    expect(JSON.stringify(hidden.json())).not.toContain('自己情報');
    expect((await get('/portal/v1/medical-expenses?year=2025', auth)).statusCode).toBe(403);
  });

  it('access history lists the reader confirmation made at a clinic a moment before, with its consent; 不開示該当 hides it (rules.md §8)', async () => {
    const { card, person } = await memberWithCard(world);
    const issued = await server.app.inject({
      method: 'POST',
      url: '/oqs/v1/reader/challenges',
      headers: { authorization: world.clinicAuth },
      payload: { readerId: 'R-0001' },
    });
    const challenge: { challengeId: string; challenge: string } = issued.json();
    const signed = world.reader.signChallenge(card.chip, Buffer.from(challenge.challenge, 'base64url'), '1234');
    if (!signed.ok) {
      throw new Error('no signature');
    }
    const confirmed = await server.app.inject({
      method: 'POST',
      url: '/oqs/v1/reader/confirmations',
      headers: { authorization: world.clinicAuth },
      payload: {
        readerId: 'R-0001',
        challengeId: challenge.challengeId,
        pin: { signature: b64(signed.signature), certificate: b64(signed.certificate) },
        consent: { blanket: true },
      },
    });
    expect(confirmed.statusCode).toBe(200);
    server.clock.advance(60_000);
    const auth = await session(card);
    const res = await get('/portal/v1/access-history', auth);
    expect(res.statusCode).toBe(200);
    const body: { entries: Record<string, unknown>[] } = res.json();
    expect(body.entries).toHaveLength(1);
    expect(body.entries[0]).toMatchObject({
      at: '2026-04-01T01:00:00.000Z',
      institutionCode: CLINIC,
      institutionName: 'オンシ内科クリニック',
      action: 'oqs.confirm.card',
      what: { ja: '資格確認（マイナ保険証）' },
      outcome: 'allowed',
      consentItems: 'medication,checkup',
    });
    await seedConsent(server, {
      institutionCode: CLINIC,
      personId: person.id,
      items: ['medication'],
      consentedAt: NOW,
    });
    await server.ctx.store.dvFlags.set({
      personId: person.id,
      flag: 'nonDisclosure',
      setOn: '2026-04-01',
      setBy: '01130012',
    });
    const hidden = await get('/portal/v1/access-history', auth);
    expect(hidden.statusCode).toBe(403);
  });

  it('医療費通知情報 of 2025 and 2026: a month appears from the 10th of the second month after; CSV and 明細書 for the tax return (documents-and-screens.md §3.1)', async () => {
    const { card, person } = await memberWithCard(world);
    const claim = (month: string, totalCost: number, institutionKind: 'clinic' | 'pharmacy') => ({
      personId: person.id,
      insurerNumber: '01130012',
      qualificationId: null,
      institutionCode: CLINIC,
      institutionKind,
      kind: 'outpatient' as const,
      month,
      days: 1,
      points: totalCost / 10,
      totalCost,
      insurerPaid: totalCost * 0.7,
      publicPaid: 0,
      copayAmount: totalCost * 0.3,
    });
    await server.ctx.store.claims.insert(claim('2025-02', 260_000, 'clinic'));
    await server.ctx.store.claims.insert(claim('2025-12', 10_000, 'pharmacy'));
    await server.ctx.store.claims.insert(claim('2026-01', 20_000, 'clinic'));
    await server.ctx.store.claims.insert(claim('2026-02', 30_000, 'clinic'));
    const auth = await session(card);
    const y2025 = await get('/portal/v1/medical-expenses?year=2025', auth);
    expect(y2025.json()).toMatchObject({
      year: 2025,
      pendingMonths: [],
      lines: [
        { monthLabel: '2025年2月', category: '医科外来', totalCost: 260_000, copayAmount: 78_000 },
        { monthLabel: '2025年12月', category: '調剤', totalCost: 10_000, copayAmount: 3_000 },
      ],
      totals: { totalCost: 270_000, copayAmount: 81_000 },
    });
    // On 2026-04-01: January is shown (from 03-10), February not yet (from 04-10).
    const y2026 = await get('/portal/v1/medical-expenses?year=2026', auth);
    const notice2026: { lines: { month: string }[]; pendingMonths: string[] } = y2026.json();
    expect(notice2026.lines.map((l) => l.month)).toEqual(['2026-01']);
    expect(notice2026.pendingMonths.slice(0, 2)).toEqual(['2026-02', '2026-03']);
    server.clock.advance(9 * 86_400_000);
    const fresh = await session(card);
    const later: { lines: { month: string }[] } = (await get('/portal/v1/medical-expenses?year=2026', fresh)).json();
    expect(later.lines.map((l) => l.month)).toEqual(['2026-01', '2026-02']);

    const csv = await get('/portal/v1/medical-expenses.csv?year=2025', fresh);
    expect(csv.statusCode).toBe(200);
    expect(decodeURIComponent(csv.headers['content-disposition'] ?? '')).toContain('医療費情報_20260410100000000.csv');
    const lines = csv.body.replace(/^\uFEFF/, '').split('\r\n');
    expect(lines.slice(0, 5)).toEqual(['わたしの情報,', '医療費通知情報,', ',', '項目名,内容', '資格情報']);
    expect(lines).toContain('氏名,山田 太郎');
    const detail = lines.indexOf('医療費情報明細');
    expect(lines.slice(detail + 1, detail + 9)).toEqual([
      '診療年月,2025年2月',
      '診療区分,医科外来',
      '日数,1',
      '医療機関等名称,オンシ内科クリニック',
      '医療費の総額（円）,"260,000"',
      '保険者の負担額（円）,"182,000"',
      'その他の公費の負担額（円）,0',
      '窓口相当負担額（円）,"78,000"',
    ]);

    const pdf = await get('/portal/v1/medical-expenses.pdf?year=2025', fresh);
    expect(pdf.headers['content-type']).toBe('application/pdf');
    const file = await probe(pdf.rawPayload);
    try {
      const text = squash(await extractText(file));
      expect(text).toContain('医療費控除の明細書');
      expect(text).toContain('2025年2月');
      expect(text).toContain('81,000円');
      expect(text).toContain('全国健康保険協会 東京支部');
    } finally {
      await file.dispose();
    }
  });
});
