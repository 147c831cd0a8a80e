import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Locator, Page } from 'playwright-core';
import { launchBrowser, screenshot, seriousViolations } from './harness/browser.js';
import { WALLET_PIN } from './harness/population.js';
import { startE2eServer, type E2eServer } from './harness/server.js';

/*
 * The citizen portal (issue 8 "Must show") in a real browser against the real server: login with the card and its
 * PIN (a wrong PIN counts on the chip; a face-only card is sent to a clinic reader), 健康保険証利用登録 and its
 * cancellation, わたしの情報 download, the access history of a reader check made a moment before, and the tax export.
 */

let server: E2eServer;
let browser: Browser;

beforeAll(async () => {
  server = await startE2eServer();
  const person = server.population.members.pinHappy.person;
  for (const [month, total, kind] of [
    ['2025-03', 52_000, 'clinic'],
    ['2025-09', 8_000, 'pharmacy'],
  ] as const) {
    await server.ctx.store.claims.insert({
      personId: person.id,
      insurerNumber: '01130012',
      qualificationId: null,
      institutionCode: server.population.institutionCode,
      institutionKind: kind,
      kind: 'outpatient',
      month,
      days: 1,
      points: total / 10,
      totalCost: total,
      insurerPaid: total * 0.7,
      publicPaid: 0,
      copayAmount: total * 0.3,
    });
  }
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser.close();
  await server.close();
});

/** Waits until the locator shows the text (screens update after the server answers). */
async function seen(locator: Locator, text: string): Promise<void> {
  await locator.filter({ hasText: text }).first().waitFor();
}

async function openPortal(): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 1000 }, acceptDownloads: true });
  await page.goto(`${server.baseUrl}/portal`);
  await page.locator('[data-screen="portal-login"]').waitFor();
  return page;
}

async function login(page: Page, card: string, pin: string): Promise<void> {
  await page.locator(`button[data-card="${card}"]`).click();
  await page.locator('input[name="pin"]').fill(pin);
  await page.getByRole('button', { name: 'ログイン' }).click();
}

/** A check at the clinic's kiosk through the reader bridge (the card and its PIN at the reader). */
async function readerCheck(card: string): Promise<void> {
  const headers = { authorization: `Bearer ${server.institutionToken}`, 'content-type': 'application/json' };
  const started = await fetch(`${server.baseUrl}/reader/v1/sessions`, {
    method: 'POST',
    headers,
    body: JSON.stringify({ cardId: card }),
  });
  const { sessionId } = (await started.json()) as { sessionId: string };
  await fetch(`${server.baseUrl}/reader/v1/sessions/${sessionId}/pin`, {
    method: 'POST',
    headers,
    body: JSON.stringify({ pin: WALLET_PIN }),
  });
  const finished = await fetch(`${server.baseUrl}/reader/v1/sessions/${sessionId}/finish`, {
    method: 'POST',
    headers,
    body: JSON.stringify({ consent: { blanket: true } }),
  });
  expect(finished.status).toBe(200);
}

describe('citizen portal in the browser (issue 8)', () => {
  it('login: a wrong PIN counts on the chip, the right one logs in; a face-only card is sent to a clinic reader', async () => {
    const page = await openPortal();
    expect(await seriousViolations(page)).toEqual([]);
    await login(page, 'faceOnly', '1234');
    await seen(page.getByRole('alert'), 'カードリーダーで行えます');
    await login(page, 'pinHappy', '9999');
    await seen(page.getByRole('alert'), '残り2回');
    await login(page, 'pinHappy', WALLET_PIN);
    await page.locator('[data-screen="portal-home"]').waitFor();
    await seen(page.locator('.bar'), '山田 花子');
    expect(await seriousViolations(page)).toEqual([]);
    await page.getByRole('button', { name: 'English' }).click();
    await seen(page.locator('h2'), 'Insurance-use registration');
    await screenshot(page, 'portal-home-en');
    await page.close();
  });

  it('registration: cancel (a 資格確認書 will be sent), then register again through the portal', async () => {
    const page = await openPortal();
    await login(page, 'pinHappy', WALLET_PIN);
    await page.locator('[data-screen="portal-qualification"]').waitFor();
    await seen(page.locator('.status'), '登録済み');
    await page.getByRole('button', { name: /利用登録を解除する/ }).click();
    await seen(page.getByRole('status'), '資格確認書が送付されます');
    await seen(page.locator('.status.unregistered'), '未登録');
    await page.getByRole('checkbox').check();
    await page.getByRole('button', { name: '利用登録する' }).click();
    await seen(page.locator('.status.registered'), 'マイナポータルで登録');
    await screenshot(page, 'portal-registered');
    await page.close();
  });

  it('わたしの情報: the screen and its PDF download', async () => {
    const page = await openPortal();
    await login(page, 'pinHappy', WALLET_PIN);
    await page.getByRole('button', { name: 'わたしの情報' }).click();
    await page.locator('[data-screen="portal-my-information"]').waitFor();
    await seen(page.locator('dl'), '山田 花子');
    const [file] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: /PDFをダウンロード/ }).click(),
    ]);
    expect(file.suggestedFilename()).toBe('わたしの情報_2026-04-01.pdf');
    const bytes = await readFile(await file.path());
    expect(bytes.subarray(0, 5).toString()).toBe('%PDF-');
    await page.close();
  });

  it('access history: the reader check made at the clinic a moment before', async () => {
    await readerCheck('drugsOnly');
    const page = await openPortal();
    await login(page, 'drugsOnly', WALLET_PIN);
    await page.locator('[data-screen="portal-home"]').waitFor();
    await page.getByRole('button', { name: 'やり取り履歴' }).click();
    await page.locator('[data-screen="portal-history"]').waitFor();
    const item = page.locator('ul.history li').first();
    await seen(item, 'オンシ内科クリニック');
    await seen(item, '資格確認（マイナ保険証）');
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, 'portal-history');
    await page.close();
  });

  it('tax export: 医療費通知情報 of 2025 and its CSV 医療費情報_YYYYMMDDHHMMSSmmm.csv', async () => {
    const page = await openPortal();
    await login(page, 'pinHappy', WALLET_PIN);
    await page.getByRole('button', { name: '医療費通知情報' }).click();
    await page.locator('[data-screen="portal-expenses"]').waitFor();
    await page.locator('table.expenses tbody tr').nth(1).waitFor();
    expect(await page.locator('table.expenses tbody tr').count()).toBe(2);
    await seen(page.locator('.total'), '18,000');
    const [file] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: '医療費控除用CSVをダウンロード' }).click(),
    ]);
    expect(file.suggestedFilename()).toMatch(/^医療費情報_\d{17}\.csv$/);
    const csv = (await readFile(await file.path())).toString('utf8');
    expect(csv).toContain('医療費情報明細');
    expect(csv).toContain('診療年月,2025年3月');
    expect(csv).toContain('窓口相当負担額（円）,"15,600"');
    await screenshot(page, 'portal-expenses');
    await page.close();
  });

  it('代理人: invite with a code, the proxy accepts with their own card and sees the principal’s pages until removed', async () => {
    const principal = await openPortal();
    await login(principal, 'pinHappy', WALLET_PIN);
    await principal.getByRole('button', { name: '代理人', exact: true }).click();
    await principal.locator('[data-screen="portal-proxies"]').waitFor();
    await principal.getByRole('button', { name: /代理人を招待する/ }).click();
    const shown = principal.locator('[data-invitation-code]');
    await shown.waitFor();
    const code = (await shown.getAttribute('data-invitation-code')) ?? '';
    expect(code.length).toBeGreaterThanOrEqual(8);

    const proxy = await openPortal();
    await login(proxy, 'faceHappy', WALLET_PIN);
    await proxy.getByRole('button', { name: '代理人', exact: true }).click();
    await proxy.locator('input[name="invitation"]').fill(code);
    await proxy.getByRole('button', { name: '代理人になる' }).click();
    await seen(proxy.getByRole('status'), '山田 花子 さんの代理人になりました');
    await proxy.getByRole('button', { name: '山田 花子 さんの情報を見る' }).click();
    await seen(proxy.locator('.acting'), '山田 花子 さんの代理で表示しています');
    await proxy.getByRole('button', { name: 'わたしの情報' }).click();
    await seen(proxy.locator('dl'), '山田 花子');
    expect(await seriousViolations(proxy)).toEqual([]);
    await screenshot(proxy, 'portal-acting-for');

    await principal.getByRole('button', { name: '資格情報・保険証利用登録' }).click();
    await principal.getByRole('button', { name: '代理人', exact: true }).click();
    await seen(principal.locator('ul.proxies li'), '佐藤 一郎');
    await principal.getByRole('button', { name: '代理人から外す' }).click();
    await seen(principal.getByRole('status'), '佐藤 一郎 さんを代理人から外しました');

    // The grant is checked on every request: the proxy's next read is refused at once.
    await proxy.getByRole('button', { name: '受診時の持ち物' }).click();
    await proxy.getByRole('alert').waitFor();
    await proxy.getByRole('button', { name: '自分の情報に戻る' }).click();
    await proxy.getByRole('button', { name: 'わたしの情報' }).click();
    await seen(proxy.locator('dl'), '佐藤 一郎');
    await principal.close();
    await proxy.close();
  });
});
