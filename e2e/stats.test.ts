import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FixedClock } from '@onshi/core';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, type App } from '../packages/server/src/app.js';
import { hashSecret, issueCredential } from '../packages/server/src/http/auth.js';
import { simulate } from '../packages/server/src/simulation/simulate.js';
import { createStore } from '../packages/server/src/store/index.js';
import type { Store } from '../packages/server/src/store/types.js';
import { seedSmallPopulation } from '../packages/server/src/testing/statsFactories.js';
import { launchBrowser, screenshot, seriousViolations } from './harness/browser.js';

/*
 * The statistics dashboard in a real browser against the real server over a small simulated year (issue 9 "Must
 * show": the dashboard rendering with a screenshot saved): charts with their definition, tables and top/bottom marks.
 */

let dir: string;
let store: Store;
let app: App;
let baseUrl: string;
let token: string;
let browser: Browser;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'onshi-e2e-stats-'));
  store = await createStore({ kind: 'sqlite', path: join(dir, 'onshi.db') }, { individualNumberKey: randomBytes(32) });
  await seedSmallPopulation(store, { people: 600, seed: 11, asOf: '2025-12-31', institutions: 250 });
  await simulate(store, { from: '2025-07', to: '2025-10', seed: 1 });
  const clock = new FixedClock('2026-01-15T01:00:00Z');
  app = await buildApp({ ctx: { store, clock, secrets: { proofKey: randomBytes(32) } } });
  const credential = issueCredential({ kind: 'analyst' });
  await store.credentials.put({
    id: credential.id,
    subjectKind: 'analyst',
    subjectId: 'analyst',
    secretHash: hashSecret(credential.secret),
    label: 'e2e stats',
    createdAt: clock.now().toISOString(),
  });
  token = credential.token;
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  if (address === null || typeof address === 'string') {
    throw new Error('no TCP address');
  }
  baseUrl = `http://127.0.0.1:${String(address.port)}`;
  browser = await launchBrowser();
}, 120_000);

afterAll(async () => {
  await browser.close();
  await app.close();
  await store.close();
  await rm(dir, { recursive: true, force: true });
});

describe('statistics dashboard', () => {
  it('shows 利用率（全体） by 協会けんぽ branch with its numerator and denominator, top and bottom five, the series and the kinds', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
    await page.goto(`${baseUrl}/stats#token=${encodeURIComponent(token)}`);
    const byBranch = page.locator('[data-section="by-branch"]');
    await byBranch.locator('tbody tr').first().waitFor();
    await expect
      .poll(() => byBranch.locator('[data-role="definition"]').textContent())
      .toContain('利用率（全体） = マイナ保険証利用件数 ÷ オンライン資格確認利用件数');
    expect(await byBranch.locator('tr[data-mark="top"]').count()).toBe(5);
    expect(await byBranch.locator('tr[data-mark="bottom"]').count()).toBe(5);
    expect(await byBranch.locator('canvas').count()).toBe(1);
    const months = page.locator('[data-section="by-month"] tbody tr');
    await expect.poll(() => months.count()).toBe(4);
    expect(await page.locator('[data-section="by-kind"] tbody tr').count()).toBe(4);
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, 'stats-dashboard');

    await page.locator('select[name="definition"]').selectOption('usageRateOutpatient');
    await expect
      .poll(() => byBranch.locator('[data-role="definition"]').textContent())
      .toContain('レセプト枚数（外来レセのみ）');
    await screenshot(page, 'stats-dashboard-outpatient');
    await page.close();
  });
});
