import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { readerFeedOf } from '../packages/server/src/commands/oqs/deps.js';
import { launchBrowser, screenshot } from './harness/browser.js';
import { WALLET_PIN, type Member } from './harness/population.js';
import { startE2eServer, type E2eServer } from './harness/server.js';

/*
 * The reception console with the kiosk beside it, in a real browser against the real server: live reader results,
 * the 24-hour consent window (rules.md §6.5, test case 36), lookup by number with the fallback ladder (rules.md §5),
 * and the reader switch (issue 7 "Must show").
 */

let server: E2eServer;
let browser: Browser;

beforeAll(async () => {
  server = await startE2eServer();
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser.close();
  await server.close();
});

const HOUR = 3_600_000;

async function open(path: '/kiosk' | '/reception'): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
  page.setDefaultTimeout(15_000);
  await page.goto(`${server.baseUrl}${path}#token=${encodeURIComponent(server.institutionToken)}`);
  return page;
}

async function typePin(page: Page, pin: string): Promise<void> {
  for (const digit of pin) {
    await page.getByRole('button', { name: digit, exact: true }).click();
  }
  await page.getByRole('button', { name: '確定' }).click();
}

async function lookup(
  page: Page,
  member: Member,
  presented: string,
  extra: { validUntil?: string } = {},
): Promise<void> {
  const form = page.locator('[data-section="lookup"] form');
  await form.locator('select[name="presented"]').selectOption(presented);
  await form.locator('input[name="insurerNumber"]').fill(member.qualification.insurerNumber);
  await form.locator('input[name="symbol"]').fill(member.symbol);
  await form.locator('input[name="number"]').fill(member.number);
  await form.locator('input[name="branch"]').fill(member.branch);
  await form.locator('input[name="birthDate"]').fill(member.person.birthDate);
  if (extra.validUntil !== undefined) {
    await form.locator('input[name="validUntil"]').fill(extra.validUntil);
  }
  await form.getByRole('button', { name: '確認する' }).click();
}

describe('reception console', { timeout: 90_000 }, () => {
  it('consent to drugs only: the console shows drugs and not check-ups, and after 24 hours neither (rules.md §6.5)', async () => {
    const console = await open('/reception');
    await expect
      .poll(() => readerFeedOf(server.ctx).listenerCount(server.population.institutionCode))
      .toBeGreaterThan(0);
    const kiosk = await open('/kiosk');
    await kiosk.locator('button[data-card="drugsOnly"]').click();
    await kiosk.getByRole('button', { name: '暗証番号' }).click();
    await typePin(kiosk, WALLET_PIN);
    await kiosk.getByRole('button', { name: '項目ごとに選ぶ' }).click();
    await kiosk.locator('button[data-item="medication"][data-answer="yes"]').click();
    await kiosk.locator('button[data-item="checkup"][data-answer="no"]').click();
    await kiosk.getByRole('button', { name: '次へ' }).click();
    await kiosk.getByRole('button', { name: '電子処方箋' }).click();
    await kiosk.locator('[data-screen="screen:ok"]').waitFor();
    await kiosk.close();

    const card = console.locator('[data-section="feed"] .result-card').first();
    await card.waitFor();
    await expect(card.textContent()).resolves.toContain('小林 恵');
    await expect(card.locator('.copay').textContent()).resolves.toBe('3割');
    await expect(card.locator('.consents .yes').allTextContents()).resolves.toEqual([
      expect.stringContaining('薬剤') as string,
      expect.stringContaining('診療') as string,
    ]);
    await card.getByRole('button', { name: '医療情報を見る' }).click();
    const history = console.locator('[data-section="history"]');
    await history.locator('[data-kind="drug"]').first().waitFor();
    await expect(history.locator('[data-kind="drug"]').first().textContent()).resolves.toContain('アムロジピン');
    await history.locator('[data-part="checkups"] .state').waitFor();
    await expect(history.locator('[data-kind="checkup"]').count()).resolves.toBe(0);
    await screenshot(console, 'reception-drugs-only');

    server.clock.advance(24 * HOUR + 60_000);
    await history.getByRole('button', { name: '再読み込み' }).click();
    await history.locator('[data-part="drugs"] .state.expired').waitFor();
    await expect(history.locator('[data-kind="drug"]').count()).resolves.toBe(0);
    await expect(history.locator('[data-kind="checkup"]').count()).resolves.toBe(0);
    await expect(history.locator('[data-part="drugs"] .state').textContent()).resolves.toContain(
      '同意の有効期限（24時間）が切れています',
    );
    await screenshot(console, 'reception-consent-expired');
    server.clock.advance(-(24 * HOUR + 60_000));
    await console.close();
  });

  it('lookup by number for a 資格確認書 holder: accepted, with the co-pay to charge (rules.md §5)', async () => {
    const console = await open('/reception');
    await lookup(console, server.population.certificateHolder, 'eligibilityCertificate', { validUntil: '2027-07-31' });
    const guidance = console.locator('[data-section="lookup"] [data-guidance="accepted"]');
    await guidance.waitFor();
    await expect(guidance.textContent()).resolves.toContain('3割');
    await expect(console.locator('[data-section="lookup"] .result-card').textContent()).resolves.toContain('松本 和子');
    await screenshot(console, 'reception-lookup-certificate');
    await console.close();
  });

  it('the reader marked out of order: the kiosk says so, and the fallback ladder is followed at the counter (rules.md §5 [S31])', async () => {
    const kiosk = await open('/kiosk');
    await kiosk.locator('[data-screen="idle"]').waitFor();
    const console = await open('/reception');
    await console.getByRole('button', { name: 'カードリーダーを故障中にする' }).click();
    await console.locator('[data-banner="outOfOrder"]').waitFor();
    await kiosk.locator('[data-screen="screen:OQS-E-READER-OUT-OF-ORDER"]').waitFor();
    await expect(kiosk.locator('h1').textContent()).resolves.toBe('ただいまカードリーダーは使えません');
    await screenshot(kiosk, 'kiosk-out-of-order');

    // Step 2 of the ladder: the card with the 資格情報のお知らせ → checked by number, normal co-pay.
    await lookup(console, server.population.members.pinHappy, 'cardWithQualificationNotice');
    const accepted = console.locator('[data-section="lookup"] [data-guidance="accepted"]');
    await accepted.waitFor();
    await expect(accepted.textContent()).resolves.toContain('3割');
    // Step 4: nothing presented → 被保険者資格申立書 and the normal rate.
    await console.locator('select[name="presented"]').selectOption('nothing');
    await console.getByRole('button', { name: '確認する' }).click();
    const declaration = console.locator('[data-guidance="declaration"]');
    await declaration.waitFor();
    await expect(declaration.textContent()).resolves.toContain('被保険者資格申立書');
    await screenshot(console, 'reception-out-of-order-fallback');

    await console.getByRole('button', { name: 'カードリーダー故障中 — 復旧にする' }).click();
    await kiosk.locator('[data-screen="idle"]').waitFor();
    await kiosk.close();
    await console.close();
  });

  it('一括照会: tomorrow’s appointments uploaded as CSV, results shown when ready (oqs-interface.md 一括照会)', async () => {
    const console = await open('/reception');
    const rows = [server.population.members.pinHappy, server.population.certificateHolder].map(
      (m) => `${m.qualification.insurerNumber},${m.symbol},${m.number},${m.branch},${m.person.birthDate}`,
    );
    await console.locator('[data-section="bulk"] input[type="file"]').setInputFiles({
      name: 'appointments.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(['保険者番号,記号,番号,枝番,生年月日', ...rows].join('\n')),
    });
    const bulk = console.locator('[data-section="bulk"]');
    await bulk.locator('[data-reception]').waitFor();
    await expect
      .poll(async () => {
        await bulk.getByRole('button', { name: '結果を見る' }).click();
        return bulk.locator('table.bulk tbody tr').count();
      })
      .toBe(2);
    await expect(bulk.locator('table.bulk').textContent()).resolves.toContain('3割');
    await screenshot(console, 'reception-bulk');
    await console.close();
  });
});
