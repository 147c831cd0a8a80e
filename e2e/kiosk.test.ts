import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, screenshot, seriousViolations, type AxeViolation } from './harness/browser.js';
import { WALLET_PIN } from './harness/population.js';
import { startE2eServer, type E2eServer } from './harness/server.js';

/*
 * The kiosk (顔認証付きカードリーダー) in a real browser against the real server: seed 000's flow,
 * documents-and-screens.md §4, rules.md §4 and §6, issue 7 "Must show".
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

/** Violations seen on every screen a test passes through (issue 7: no serious violations on any kiosk screen). */
const violations: { screen: string; found: AxeViolation[] }[] = [];

async function onScreen(page: Page, screen: string): Promise<void> {
  await page.locator(`[data-screen="${screen}"]`).waitFor();
  const found = await seriousViolations(page);
  violations.push({ screen, found });
}

async function openKiosk(): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  page.setDefaultTimeout(15_000);
  await page.goto(`${server.baseUrl}/kiosk#token=${encodeURIComponent(server.institutionToken)}`);
  await onScreen(page, 'idle');
  return page;
}

async function typePin(page: Page, pin: string): Promise<void> {
  for (const digit of pin) {
    await page.getByRole('button', { name: digit, exact: true }).click();
  }
  await page.getByRole('button', { name: '確定' }).click();
}

describe('kiosk: the reader flow of seed 000', { timeout: 90_000 }, () => {
  it('happy path by PIN: card → 暗証番号 → 包括同意 → 電子処方箋 → 受付完了「カードをお取りください」', async () => {
    const page = await openKiosk();
    await page.locator('button[data-card="pinHappy"]').click();
    await onScreen(page, 'method');
    await page.getByRole('button', { name: '暗証番号' }).click();
    await onScreen(page, 'pin');
    await expect.poll(() => page.locator('.tries').textContent(), { timeout: 15_000 }).toContain('残り 3 回');
    await typePin(page, WALLET_PIN);
    await onScreen(page, 'consent');
    await page.getByRole('button', { name: 'すべてに同意する' }).click();
    await onScreen(page, 'prescription');
    await page.getByRole('button', { name: '電子処方箋' }).click();
    await onScreen(page, 'screen:ok');
    await expect(page.locator('h1').textContent()).resolves.toBe('受付が完了しました');
    await expect(page.locator('.take-card').textContent()).resolves.toBe('カードをお取りください');
    await screenshot(page, 'kiosk-pin-done');
    await page.getByRole('button', { name: 'English' }).click();
    await expect(page.locator('h1').textContent()).resolves.toBe('You are checked in');
    await screenshot(page, 'kiosk-pin-done-en');
    await page.close();
  });

  it('happy path by face: the holder in front of the camera is matched by the reader (rules.md §6 step 1)', async () => {
    const page = await openKiosk();
    await page.locator('button[data-card="faceHappy"]').click();
    await onScreen(page, 'method');
    await page.getByRole('button', { name: '顔認証' }).click();
    await onScreen(page, 'face');
    await page.getByRole('button', { name: '別の人の顔' }).click();
    await expect(page.locator('.notice').textContent()).resolves.toContain('顔認証できませんでした');
    await page.getByRole('button', { name: '本人の顔' }).click();
    await onScreen(page, 'consent');
    await page.getByRole('button', { name: '同意しない' }).click();
    await onScreen(page, 'prescription');
    await page.getByRole('button', { name: '紙の処方箋' }).click();
    await onScreen(page, 'screen:ok');
    await screenshot(page, 'kiosk-face-done');
    await page.close();
  });

  it('three wrong PINs lock the card and the kiosk sends the patient to the counter (rules.md §4 PIN [S22])', async () => {
    const page = await openKiosk();
    await page.locator('button[data-card="toBeLocked"]').click();
    await onScreen(page, 'method');
    await page.getByRole('button', { name: '暗証番号' }).click();
    await onScreen(page, 'pin');
    await typePin(page, '9999');
    await expect.poll(() => page.locator('.tries').textContent(), { timeout: 15_000 }).toContain('残り 2 回');
    await typePin(page, '9998');
    await expect.poll(() => page.locator('.tries').textContent(), { timeout: 15_000 }).toContain('残り 1 回');
    await typePin(page, '9997');
    await onScreen(page, 'screen:OQS-E-PIN-LOCKED');
    await expect(page.locator('h1').textContent()).resolves.toBe('暗証番号がロックされました');
    await expect(page.locator('.next').textContent()).resolves.toContain('受付窓口');
    await screenshot(page, 'kiosk-pin-locked');
    // The lock is on the chip: the right PIN on the next visit is refused too.
    await page.getByRole('button', { name: '最初の画面に戻る' }).click();
    await onScreen(page, 'idle');
    await page.locator('button[data-card="toBeLocked"]').click();
    await onScreen(page, 'method');
    await page.getByRole('button', { name: '暗証番号' }).click();
    await expect.poll(() => page.locator('.tries').textContent(), { timeout: 15_000 }).toContain('残り 0 回');
    await typePin(page, WALLET_PIN);
    await onScreen(page, 'screen:OQS-E-PIN-LOCKED');
    await page.close();
  });

  it('a face-only card has no PIN choice (rules.md §4 顔認証マイナンバーカード [S24])', async () => {
    const page = await openKiosk();
    await page.locator('button[data-card="faceOnly"]').click();
    await onScreen(page, 'method');
    await expect(page.getByRole('button', { name: '暗証番号' }).count()).resolves.toBe(0);
    await expect(page.getByRole('button', { name: '顔認証' }).count()).resolves.toBe(1);
    await screenshot(page, 'kiosk-face-only-methods');
    await page.getByRole('button', { name: '顔認証' }).click();
    await onScreen(page, 'face');
    await page.getByRole('button', { name: '本人の顔' }).click();
    await onScreen(page, 'consent');
    await page.getByRole('button', { name: 'すべてに同意する' }).click();
    await page.getByRole('button', { name: '紙の処方箋' }).click();
    await onScreen(page, 'screen:ok');
    await page.close();
  });

  it('the DV-flag card is refused with "go to the counter" and nothing more (rules.md §8 自己情報提供不可)', async () => {
    const page = await openKiosk();
    await page.locator('button[data-card="dvFlag"]').click();
    await page.getByRole('button', { name: '暗証番号' }).click();
    await onScreen(page, 'pin');
    await typePin(page, WALLET_PIN);
    await onScreen(page, 'consent');
    await page.getByRole('button', { name: 'すべてに同意する' }).click();
    await page.getByRole('button', { name: '電子処方箋' }).click();
    await onScreen(page, 'screen:OQS-E-CARD-REFUSED');
    await expect(page.locator('h1').textContent()).resolves.toBe('受付窓口へお越しください');
    const text = (await page.locator('main').textContent()) ?? '';
    expect(text).not.toContain('田中');
    expect(text).not.toContain('資格');
    await screenshot(page, 'kiosk-dv-refused');
    await page.close();
  });

  it('a certificate expired but in grace is accepted with a renewal reminder, and no consent is asked (rules.md §4 grace [S21][S21b])', async () => {
    const page = await openKiosk();
    await page.locator('button[data-card="graceCertificate"]').click();
    await onScreen(page, 'certAlert');
    await expect(page.locator('[role="alert"]').textContent()).resolves.toContain('資格情報のみ当機関に提供します');
    await page.getByRole('button', { name: '次に進む' }).click();
    await page.getByRole('button', { name: '暗証番号' }).click();
    await typePin(page, WALLET_PIN);
    await onScreen(page, 'prescription');
    await page.getByRole('button', { name: '紙の処方箋' }).click();
    await onScreen(page, 'screen:OQS-I-RENEWAL-REMINDER');
    await expect(page.locator('.next').textContent()).resolves.toContain('更新');
    await screenshot(page, 'kiosk-grace-renew');
    await page.close();
  });

  it('grace over: the card is refused and the patient is told a 資格確認書 is needed (rules.md §4, test case 28)', async () => {
    const page = await openKiosk();
    await page.locator('button[data-card="graceOver"]').click();
    await onScreen(page, 'certAlert');
    await page.getByRole('button', { name: '次に進む' }).click();
    await page.getByRole('button', { name: '暗証番号' }).click();
    await typePin(page, WALLET_PIN);
    await page.getByRole('button', { name: '紙の処方箋' }).click();
    await onScreen(page, 'screen:OQS-E-CERT-EXPIRED');
    await expect(page.locator('main').textContent()).resolves.toContain('資格確認書が必要です');
    await screenshot(page, 'kiosk-grace-over');
    await page.close();
  });

  it('no qualification: insurance ended, the patient is sent to the counter (OQSCD006 validity 2)', async () => {
    const page = await openKiosk();
    await page.locator('button[data-card="lostQualification"]').click();
    await page.getByRole('button', { name: '暗証番号' }).click();
    await typePin(page, WALLET_PIN);
    await page.getByRole('button', { name: '同意しない' }).click();
    await page.getByRole('button', { name: '紙の処方箋' }).click();
    await onScreen(page, 'screen:OQS-E-NO-QUALIFICATION');
    await screenshot(page, 'kiosk-no-qualification');
    await page.close();
  });

  it('a card that is not a My Number card is not recognised (documents-and-screens.md §4.2 001/002)', async () => {
    const page = await openKiosk();
    await page.locator('button[data-card="pointCard"]').click();
    await onScreen(page, 'screen:READER-001');
    await expect(page.locator('h1').textContent()).resolves.toBe('カードを認識できません');
    await screenshot(page, 'kiosk-not-recognised');
    await page.close();
  });

  it('smartphone → Android: the スマホ用 PIN is typed on the keyboard at the reader (rules.md §4 Smartphone [S26])', async () => {
    const page = await openKiosk();
    await page.getByRole('button', { name: 'スマートフォンで受付' }).click();
    await onScreen(page, 'phone');
    await page.getByRole('button', { name: 'Android' }).click();
    await onScreen(page, 'phoneCards');
    await page.locator('button[data-card="android"]').click();
    await onScreen(page, 'pin');
    for (const key of '2468') {
      await page.keyboard.press(key);
    }
    await page.getByRole('button', { name: '確定' }).click();
    await onScreen(page, 'consent');
    await page.getByRole('button', { name: 'すべてに同意する' }).click();
    await page.getByRole('button', { name: '電子処方箋' }).click();
    await onScreen(page, 'screen:ok');
    await screenshot(page, 'kiosk-android-done');
    await page.close();
  });

  it('every kiosk screen passed through has no serious or critical accessibility violation (axe-core)', () => {
    const screens = new Set(violations.map((v) => v.screen));
    for (const expected of ['idle', 'method', 'pin', 'face', 'consent', 'prescription', 'certAlert', 'screen:ok']) {
      expect(screens.has(expected)).toBe(true);
    }
    expect(violations.filter((v) => v.found.length > 0)).toEqual([]);
  });
});
