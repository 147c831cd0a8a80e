import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { simulate } from '../../simulation/simulate.js';
import { createTestServer, type TestServer } from '../../testing/harness.js';
import { seedSmallPopulation } from '../../testing/statsFactories.js';

describe('statistics API /stats/v1 (issue 9, seed 004)', () => {
  let server: TestServer;
  let analyst: string;
  let insurerNumber: string;
  let insurer: string;

  beforeAll(async () => {
    server = await createTestServer();
    await seedSmallPopulation(server.ctx.store, { people: 300, seed: 6, asOf: '2025-10-31', institutions: 200 });
    await simulate(server.ctx.store, { from: '2025-09', to: '2025-10', seed: 1 });
    analyst = await server.tokenFor({ kind: 'analyst' });
    const kyokai = (await server.ctx.store.insurers.list()).find((i) => i.scheme === 'kyokai' && i.prefecture === '13');
    insurerNumber = kyokai?.insurerNumber ?? '';
    insurer = await server.tokenFor({ kind: 'insurer', insurerNumber });
  });
  afterAll(async () => {
    await server.close();
  });

  const get = (url: string, token?: string) =>
    server.app.inject({ method: 'GET', url, headers: token === undefined ? {} : { authorization: token } });

  it('answers by branch with seed 004 利用状況（全体） by default, naming numerator and denominator', async () => {
    const res = await get('/stats/v1/by-branch?month=2025-10&scheme=kyokai', analyst);
    expect(res.statusCode).toBe(200);
    const body = res.json<{
      definition: { id: string; numerator: { ja: string }; denominator: { ja: string } };
      rows: { branch: string; rate: number | null; mark: string | null }[];
      total: { numerator: number; denominator: number };
    }>();
    expect(body.definition.id).toBe('usageRateOverall');
    expect(body.definition.numerator.ja).toBe('マイナ保険証利用件数');
    expect(body.definition.denominator.ja).toBe('オンライン資格確認利用件数');
    expect(body.rows.length).toBeGreaterThan(0);
    expect(body.total.denominator).toBeGreaterThan(0);
  });

  it('returns the same rows as CSV with the Japanese numerator and denominator in the header', async () => {
    const json = (
      await get('/stats/v1/by-month?from=2025-09&to=2025-10&definition=usageRateOutpatient', analyst)
    ).json<{
      rows: { month: string; numerator: number; denominator: number }[];
    }>();
    const res = await get(
      '/stats/v1/by-month?from=2025-09&to=2025-10&definition=usageRateOutpatient&format=csv',
      analyst,
    );
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/csv/);
    const lines = res.body
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\r\n');
    expect(lines[0]).toBe(
      '年月,分子: マイナ保険証によるオンライン資格確認の利用人数（医療機関・月ごと）,分母: レセプト枚数（外来レセのみ）,利用率（外来のみ） (%)',
    );
    expect(lines.slice(1).map((l) => l.split(',').slice(0, 3).join(','))).toEqual(
      json.rows.map((r) => `${r.month},${String(r.numerator)},${String(r.denominator)}`),
    );
  });

  it('answers by institution kind (病院, 医科診療所, 歯科, 薬局) and refuses 利用登録率 by kind', async () => {
    const res = await get('/stats/v1/by-kind?from=2025-10&to=2025-10', analyst);
    expect(res.json<{ rows: { institutionKind: string }[] }>().rows.map((r) => r.institutionKind)).toEqual([
      'hospital',
      'clinic',
      'dental',
      'pharmacy',
    ]);
    const refused = await get('/stats/v1/by-kind?from=2025-10&to=2025-10&definition=registrationRate', analyst);
    expect(refused.statusCode).toBe(400);
    expect(refused.json<{ error: { code: string } }>().error.code).toBe('ONSHI-E-STATS-NOT-BY-KIND');
  });

  it('lets an insurer read only its own figures: its number is imposed, another is refused', async () => {
    const own = await get('/stats/v1/by-month?from=2025-09&to=2025-10&definition=registrationRate', insurer);
    expect(own.statusCode).toBe(200);
    expect(own.json<{ scope: { insurerNumber: string } }>().scope.insurerNumber).toBe(insurerNumber);
    const other = await get('/stats/v1/by-month?from=2025-09&to=2025-10&insurerNumber=01270016', insurer);
    expect(other.statusCode).toBe(403);
  });

  it('refuses a request without credentials, an institution credential, and a malformed month', async () => {
    expect((await get('/stats/v1/by-branch?month=2025-10')).statusCode).toBe(401);
    const clinic = await server.tokenFor({ kind: 'institution', institutionCode: '1311111111' });
    expect((await get('/stats/v1/by-branch?month=2025-10', clinic)).statusCode).toBe(403);
    expect((await get('/stats/v1/by-month?from=2025-10&to=2025-09', analyst)).statusCode).toBe(400);
    expect((await get('/stats/v1/by-branch?month=2025-13', analyst)).statusCode).toBe(400);
  });
});
